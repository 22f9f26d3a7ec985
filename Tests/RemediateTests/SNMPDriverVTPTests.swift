import Foundation
import LoopSentryCore
import Remediate
import Testing

/// The SNMP cut driver against a real command responder (snmpsim) speaking CISCO-VTP-MIB;
/// every written bitmap is read back with Net-SNMP's `snmpget`.
@Suite(.serialized, .enabled(if: SNMPSimulator.available, SNMPSimulator.unavailable))
struct SNMPDriverVTPTests {
    typealias F = SNMPDriverFixture

    @Test("a cut clears exactly the VLAN's bit in vlanTrunkPortVlansEnabled with one SET and increments the serial number")
    func cutClearsOneBit() async throws {
        let sim = try F.simulator()
        defer { sim.stop() }
        let outcome = await F.driver(sim, try F.v2c(sim)).apply(F.batch(.cut, [10]))
        #expect(outcome.succeeded, "\(outcome.failures)")
        #expect(outcome.changed)
        #expect(outcome.detail.hasPrefix("snmp: 1 SET (vlanTrunkPortVlansEnabled.10101) in "), "\(outcome.detail)")
        #expect(outcome.detail.contains("verified by re-read"))
        #expect(try F.readChunk(sim, 0) == F.withVLANBit(F.chunk(0), 10, on: false))
        for c in 1...3 { #expect(try F.readChunk(sim, c) == F.chunk(c), "chunk \(c) changed") }
        #expect(try F.readSerial(sim) == F.serial + 1)
        #expect(try F.readChunk(sim, 0, ifIndex: F.readOnlyIfIndex) == F.chunk(0))
    }

    @Test("cut then restore over SNMPv3 (SHA-256, AES) returns the original bytes")
    func cutThenRestoreV3() async throws {
        let sim = try F.simulator()
        defer { sim.stop() }
        let driver = F.driver(sim, try F.v3(sim))
        let cut = await driver.apply(F.batch(.cut, [10, 1500]))
        #expect(cut.succeeded, "\(cut.failures)")
        #expect(try F.readChunk(sim, 1) == F.withVLANBit(F.chunk(1), 1500, on: false))
        let restore = await driver.apply(F.batch(.restore, [10, 1500]))
        #expect(restore.succeeded, "\(restore.failures)")
        #expect(restore.changed)
        for c in 0...3 { #expect(try F.readChunk(sim, c) == F.chunk(c), "chunk \(c) not restored") }
        #expect(try F.readSerial(sim) == F.serial + 4)
    }

    @Test("a batch in two chunks sends one SET per chunk and leaves the other chunks alone")
    func batchInTwoChunks() throws {
        let sim = try F.simulator()
        defer { sim.stop() }
        let report = F.driver(sim, try F.v2c(sim)).run(F.batch(.cut, [10, 20, 1500]))
        #expect(report.outcome.succeeded, "\(report.outcome.failures)")
        #expect(report.setLatencies.count == 2)
        #expect(report.setObjects == ["vlanTrunkPortVlansEnabled.10101", "vlanTrunkPortVlansEnabled2k.10101"])
        #expect(try F.readChunk(sim, 0) == F.withVLANBit(F.withVLANBit(F.chunk(0), 10, on: false), 20, on: false))
        #expect(try F.readChunk(sim, 1) == F.withVLANBit(F.chunk(1), 1500, on: false))
        #expect(try F.readChunk(sim, 2) == F.chunk(2))
        #expect(try F.readChunk(sim, 3) == F.chunk(3))
        #expect(try F.readSerial(sim) == F.serial + 2)
    }

    @Test("a second cut of the same VLANs sends no SET: changed is false and the serial number stays")
    func secondCutIsIdempotent() async throws {
        let sim = try F.simulator()
        defer { sim.stop() }
        let driver = F.driver(sim, try F.v2c(sim))
        _ = await driver.apply(F.batch(.cut, [10, 20]))
        let serial = try F.readSerial(sim)
        let again = driver.run(F.batch(.cut, [10, 20]))
        #expect(again.outcome.succeeded)
        #expect(!again.outcome.changed)
        #expect(again.setLatencies.isEmpty)
        #expect(again.outcome.detail.contains("already cut"), "\(again.outcome.detail)")
        #expect(try F.readSerial(sim) == serial)
    }

    @Test("a SET that loses the TestAndIncr race (inconsistentValue) is re-read and retried once")
    func inconsistentValueRetried() throws {
        let sim = try F.simulator()
        defer { sim.stop() }
        let report = F.driver(sim, try F.v2c(sim, community: "racing")).run(F.batch(.cut, [10]))
        #expect(report.outcome.succeeded, "\(report.outcome.failures)")
        #expect(report.outcome.detail.contains("retried after inconsistentValue"), "\(report.outcome.detail)")
        #expect(try sim.get([1, 3, 6, 1, 4, 1, 9, 9, 46, 1, 6, 1, 1, 4, 10101], community: "racing").bytes
                == F.withVLANBit(F.chunk(0), 10, on: false))
        // Another manager's increment, then ours.
        #expect(try F.readSerial(sim, community: "racing") == F.serial + 2)
    }

    @Test("a notWritable chunk fails every VLAN of the batch with one line naming agent, object and error")
    func notWritable() async throws {
        let sim = try F.simulator()
        defer { sim.stop() }
        let outcome = await F.driver(sim, try F.v2c(sim), port: F.readOnlyIfIndex).apply(F.batch(.cut, [10, 20]))
        let line = "snmp \(sim.address): SET vlanTrunkPortVlansEnabled.10102 failed: notWritable"
        #expect(outcome.failures == [F.vlan(10): line, F.vlan(20): line])
        #expect(!outcome.changed)
    }
}
