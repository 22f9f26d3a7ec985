import Foundation

/// Finds the project's shared files (mibs/, playbooks/, config/) for lab commands: under
/// $LOOPSENTRY_HOME, else the first folder above the executable or the current directory that
/// holds them (a source checkout), else /usr/share/loopsentry.
enum ResourceLocator {
    static func root() -> String? {
        var candidates: [String] = []
        if let home = ProcessInfo.processInfo.environment["LOOPSENTRY_HOME"] { candidates.append(home) }
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for start in [exe, URL(fileURLWithPath: FileManager.default.currentDirectoryPath)] {
            var dir = start
            for _ in 0..<6 {
                candidates.append(dir.path)
                dir = dir.deletingLastPathComponent()
            }
        }
        candidates.append("/usr/share/loopsentry")
        return candidates.first { FileManager.default.fileExists(atPath: "\($0)/mibs/LOOPSENTRY-MIB.txt")
            && FileManager.default.fileExists(atPath: "\($0)/playbooks/linux-bridge-vlan.yml") }
    }
}
