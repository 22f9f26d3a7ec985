import Foundation
import Testing

/// The control socket's directory missing or read-only at start: `loopsentry run` refuses in one
/// line naming the directory, the reason and the key, before it opens the journal or attaches.
@Suite(.serialized, .enabled(if: runningAsRoot, rootReason))
final class ControlSocketFaultTests {
    let lab: VethLab
    let mountPoint: String

    init() throws {
        lab = try VethLab()
        mountPoint = FileManager.default.temporaryDirectory.appendingPathComponent("loopsentry-ro-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        try Shell.must(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", mountPoint])
    }

    deinit {
        _ = try? Shell.run(["umount", mountPoint])
        try? FileManager.default.removeItem(atPath: mountPoint)
        lab.destroy()
    }

    @Test("socket directory on a read-only file system, or missing under one: one line, exit 1, no journal, nothing attached",
          arguments: [("", "is not writable: Read-only file system (errno 30)"),
                      ("/missing", "does not exist and cannot be created: Read-only file system (errno 30)")])
    func refused(subdirectory: String, reason: String) throws {
        let d = try VethDaemon(lab: lab, playbooks: ["noop.yml": "- hosts: all\n  gather_facts: false\n  tasks: []\n"],
                               target: "playbook: noop.yml, host: localhost, port: \(lab.trunk)")
        let dir = mountPoint + subdirectory
        let socket = "\(dir)/control.sock"
        let config = try String(contentsOfFile: d.configPath, encoding: .utf8).replacingOccurrences(of: d.socket, with: socket)
        try config.write(toFile: d.configPath, atomically: true, encoding: .utf8)

        let r = try d.runExpectingRefusal()
        #expect(r.status == 1)
        #expect(r.stderr == "loopsentry: control socket directory \(dir) \(reason) (control.socket: \(socket))\n")
        #expect(r.stdout.isEmpty, "nothing may start: \(r.stdout)")
        #expect(!FileManager.default.fileExists(atPath: d.journal), "no journal is created")
        #expect(try lab.loopSentryFilterCount() == 0, "no sensor is attached")
    }
}
