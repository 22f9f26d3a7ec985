import Foundation
import Testing
import LabTestSupport

extension DaemonHarness {
    /// Opens a loop on VLAN 20 while host A sends 1000 VLAN 10 broadcasts (200/s) and host B
    /// counts them (`loopsentry monitor`); waits for the daemon's verified cut (cutApplied) and its
    /// persistence, then returns how many VLAN 10 frames host B received: a cut of VLAN 20 alone
    /// delivers all 1000.
    func loopVLAN20CountingVLAN10(_ lab: SuiteLab) throws -> UInt64 {
        let rx = try BackgroundProcess([loopsentryBinary, "monitor", "--netns", lab.names.hostB, "--interface", "eth0", "--json",
                                        "--interval", "100", "--top", "10", "--drop-tagged"], name: "receiver")
        #expect(eventually(timeout: 10) { !rx.stdoutLines.isEmpty })
        let sender = try BackgroundProcess([loopsentryBinary, "lab", "send", "--netns", lab.names.hostA, "--interface", "eth0",
                                            "--vlan", "10", "--count", "1000", "--rate", "200"], name: "vlan10")
        usleep(300_000)
        try lab.run(["loop", "20"])
        try waitFor(timeout: 30, "cutApplied on VLAN 20") { !self.notifications("cutApplied", vlan: 20).isEmpty }
        try waitFor(timeout: 60, "persistence finished") { !self.events("persistFinished", vlan: 20).isEmpty }
        #expect(sender.wait(timeout: 15) == 0)
        usleep(500_000)
        return try delivered(rx, vlan: 10)
    }
}
