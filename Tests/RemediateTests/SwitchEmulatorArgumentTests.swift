import Foundation
import Testing

/// The emulators refuse bad arguments with one line on stderr and exit status 2, before listening.
@Suite(.enabled(if: SwitchEmulator.hasParamiko, SwitchEmulator.unavailable))
struct SwitchEmulatorArgumentTests {
    static let cases: [(script: String, arguments: [String], message: String)] = [
        ("ios_cli_emulator.py", ["--user", "u", "--password", "p", "--state-dir", "/", "--config", "/nonexistent.cfg"],
         "ios_cli_emulator.py: error: --config /nonexistent.cfg: No such file or directory"),
        ("ios_cli_emulator.py", ["--user", "u", "--password", "p", "--state-dir", "/nonexistent", "--config", "/dev/null"],
         "ios_cli_emulator.py: error: --state-dir /nonexistent: no such directory"),
        ("junos_netconf_emulator.py", ["--user", "u", "--password", "p", "--state-dir", "/", "--config", "/dev/null",
                                       "--port", "70000"],
         "junos_netconf_emulator.py: error: --port 70000: must be 0-65535"),
        ("junos_netconf_emulator.py", ["--password", "p", "--state-dir", "/", "--config", "/dev/null"],
         "junos_netconf_emulator.py: error: the following arguments are required: --user"),
    ]

    @Test("bad arguments: one line and exit status 2", arguments: 0..<cases.count)
    func badArguments(_ index: Int) throws {
        let c = Self.cases[index]
        let r = try AnsibleTestShell.run([SwitchEmulator.python, "\(SwitchEmulator.directory)/\(c.script)"] + c.arguments)
        #expect(r.status == 2)
        #expect(r.stderr == c.message + "\n")
    }
}
