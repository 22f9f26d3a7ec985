import Foundation
import LoopSentryCore
import Remediate
import Testing

/// Paths and helpers shared by the Ansible tests.
enum AnsibleTestEnv {
    /// The package root (this file is Tests/RemediateTests/AnsibleTestSupport.swift).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    static let playbooks = "\(root)/playbooks"
    static let playbookNames = ["linux-bridge-vlan", "linux-bridge-vlan-fast", "cisco-ios-trunk-vlan", "junos-trunk-vlan", "linux-vxlan-vni"]

    /// `loopsentry` for the lab: $LOOPSENTRY_BIN, else the package's debug build.
    static let loopsentry: String = {
        if let env = ProcessInfo.processInfo.environment["LOOPSENTRY_BIN"], !env.isEmpty { return env }
        return "\(root)/.build/debug/loopsentry"
    }()

    static let hasAnsible = (try? AnsibleRunner().ansiblePlaybookExecutable()) != nil
    static let noAnsible: Comment = "ansible-playbook is not installed (scripts/setup.sh installs it)"
    static let canRunLab = geteuid() == 0 && hasAnsible && FileManager.default.isExecutableFile(atPath: loopsentry)
    static let noLab: Comment = "lab tests need root, ansible-playbook and a built loopsentry (swift build)"

    /// A runner for the repository's playbooks.
    static func runner() -> AnsibleRunner { AnsibleRunner(playbookDirectory: playbooks) }

    /// Inventory text for one host reached on this machine (`ansible_connection=local`).
    static func localInventory(_ host: String) -> PlaybookInventory {
        .text("\(host) ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n")
    }

    static func vlan(_ n: Int) -> VLANID { VLANID(n)! }

    /// The lines the playbook printed in its "Rendered commands" task.
    static func rendered(_ result: PlaybookResult) -> [String]? {
        result.tasks.first { $0.task == "Rendered commands" }?.messages
    }
}

/// A finished command's status and output.
struct AnsibleTestCommandResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs helper commands for the tests (ansible-playbook --syntax-check, loopsentry lab, nft).
enum AnsibleTestShell {
    @discardableResult
    static func run(_ args: [String]) throws -> AnsibleTestCommandResult {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: args[0].hasPrefix("/") ? args[0] : "/usr/bin/env")
        p.arguments = args[0].hasPrefix("/") ? Array(args.dropFirst()) : args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return AnsibleTestCommandResult(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                                        stderr: String(decoding: e, as: UTF8.self))
    }

    /// Runs and requires exit status 0; returns stdout.
    @discardableResult
    static func must(_ args: [String]) throws -> String {
        let r = try run(args)
        guard r.status == 0 else {
            throw AnsibleTestFailure("\(args.joined(separator: " ")) exited \(r.status): \(r.stderr)")
        }
        return r.stdout
    }
}

struct AnsibleTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
