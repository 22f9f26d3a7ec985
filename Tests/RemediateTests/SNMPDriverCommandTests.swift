import Foundation
import Testing

/// `loopsentry cut-snmp`, the operator's (and bench/snmp-set.sh's) way to run the SNMP cut
/// driver once, against the simulated switch.
@Suite(.serialized, .enabled(if: SNMPSimulator.available && FileManager.default.isExecutableFile(atPath: AnsibleTestEnv.loopsentry),
                             "needs snmpsim in .venv and a built loopsentry (scripts/setup.sh)"))
struct SNMPDriverCommandTests {
    typealias F = SNMPDriverFixture

    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: AnsibleTestEnv.loopsentry)
        p.arguments = ["cut-snmp"] + arguments
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test("cut-snmp --cycles --json reports one SET latency per cut and restore and leaves the trunk as it was")
    func cyclesJSON() throws {
        let sim = try F.simulator()
        defer { sim.stop() }
        let (status, output) = try Self.run(["--address", sim.address, "--credentials", try F.v2c(sim), "--mib", "cisco-vtp",
                                             "--port-index", "\(F.ifIndex)", "--vlan", "10,1500", "--cycles", "3", "--json"])
        #expect(status == 0, "\(output)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        #expect(object["succeeded"] as? Bool == true)
        // Two chunks per cut and per restore, three cycles.
        #expect((object["set_latencies_ms"] as? [Double])?.count == 12)
        #expect((object["apply_durations_ms"] as? [Double])?.count == 6)
        for c in 0...3 { #expect(try F.readChunk(sim, c) == F.chunk(c)) }
    }

    @Test("cut-snmp prints one failure line per VLAN and exits 1 when the SET is refused")
    func failureLines() throws {
        let sim = try F.simulator()
        defer { sim.stop() }
        let (status, output) = try Self.run(["--address", sim.address, "--credentials", try F.v2c(sim), "--mib", "cisco-vtp",
                                             "--port-index", "\(F.readOnlyIfIndex)", "--vlan", "10", "--action", "cut"])
        #expect(status == 1)
        #expect(output == "VLAN 10: snmp \(sim.address): SET vlanTrunkPortVlansEnabled.10102 failed: notWritable\n")
    }
}
