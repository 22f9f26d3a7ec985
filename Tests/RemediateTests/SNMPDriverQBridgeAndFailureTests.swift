import Foundation
import LoopSentryCore
import Remediate
import Testing

/// The SNMP cut driver on Q-BRIDGE-MIB, and the failures every MIB shares: timeout, bad
/// credentials file, SNMPv3 authentication failure, unknown host.
@Suite(.serialized, .enabled(if: SNMPSimulator.available, SNMPSimulator.unavailable))
struct SNMPDriverQBridgeAndFailureTests {
    typealias F = SNMPDriverFixture

    static func egressOID(_ v: Int) -> SNMPObjectID { [1, 3, 6, 1, 2, 1, 17, 7, 1, 4, 3, 1, 2, UInt(v)] }
    static func untaggedOID(_ v: Int) -> SNMPObjectID { [1, 3, 6, 1, 2, 1, 17, 7, 1, 4, 3, 1, 4, UInt(v)] }

    @Test("a Q-BRIDGE cut clears the port's bit in each VLAN's egress ports in one SET; untagged ports and other VLANs stay")
    func qBridgeCutAndRestore() async throws {
        let sim = try F.simulator()
        defer { sim.stop() }
        let driver = F.driver(sim, try F.v2c(sim), mib: .qBridge, port: F.bridgePort)
        let cut = driver.run(F.batch(.cut, [10, 20, 30]))
        #expect(cut.outcome.succeeded, "\(cut.outcome.failures)")
        #expect(cut.setLatencies.count == 1)
        #expect(cut.setObjects == ["dot1qVlanStaticEgressPorts.10", "dot1qVlanStaticEgressPorts.20", "dot1qVlanStaticEgressPorts.30"])
        for v in [10, 20, 30] {
            // Port 5: bit 4 of octet 0, most significant bit first.
            var expected = F.egress(v)
            expected[0] &= ~UInt8(1 << (7 - 4))
            #expect(try sim.get(Self.egressOID(v)).bytes == expected, "VLAN \(v)")
            #expect(try sim.get(Self.untaggedOID(v)).bytes == F.untagged(v), "VLAN \(v) untagged")
        }
        #expect(try sim.get(Self.egressOID(4000)).bytes == F.egress(4000))
        let restore = await driver.apply(F.batch(.restore, [10, 20, 30]))
        #expect(restore.succeeded, "\(restore.failures)")
        for v in [10, 20, 30] { #expect(try sim.get(Self.egressOID(v)).bytes == F.egress(v), "VLAN \(v) restored") }
        let again = await driver.apply(F.batch(.restore, [10, 20, 30]))
        #expect(!again.changed)
    }

    @Test("two drivers applying at once (VTP over v3, Q-BRIDGE over v2c) both succeed")
    func concurrentDrivers() async throws {
        let sim = try F.simulator()
        defer { sim.stop() }
        let vtp = F.driver(sim, try F.v3(sim)), bridge = F.driver(sim, try F.v2c(sim), mib: .qBridge, port: F.bridgePort)
        async let a = vtp.apply(F.batch(.cut, [10, 1500]))
        async let b = bridge.apply(F.batch(.cut, [20, 30]))
        let (first, second) = await (a, b)
        #expect(first.succeeded, "\(first.failures)")
        #expect(second.succeeded, "\(second.failures)")
        #expect(try F.readChunk(sim, 1) == F.withVLANBit(F.chunk(1), 1500, on: false))
        #expect(try sim.get(Self.egressOID(30)).bytes[0] == F.egress(30)[0] & ~UInt8(0x08))
    }

    @Test("a VLAN the agent does not know fails alone; the others are cut")
    func qBridgeUnknownVLAN() async throws {
        let sim = try F.simulator()
        defer { sim.stop() }
        let outcome = await F.driver(sim, try F.v2c(sim), mib: .qBridge, port: F.bridgePort).apply(F.batch(.cut, [10, 77]))
        #expect(outcome.failures.keys.sorted() == [F.vlan(77)])
        #expect(outcome.failures[F.vlan(77)]?.hasPrefix("snmp \(sim.address): GET dot1qVlanStaticEgressPorts.77 failed: noSuch") == true,
                "\(outcome.failures)")
        #expect(outcome.changed)
    }

    @Test("an agent that never answers fails every VLAN with a timeout line, within timeout × tries plus slack")
    func timeout() async throws {
        let (fd, port) = try silentUDPSocket()
        defer { close(fd) }
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("ls-snmp-timeout-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let creds = dir.appendingPathComponent("c.yml").path
        try "version: 2c\ncommunity: public\n".write(toFile: creds, atomically: true, encoding: .utf8)
        chmod(creds, 0o600)
        let driver = SNMPCutDriver(target: SNMPCutTarget(address: "udp:127.0.0.1:\(port)", credentialsFile: creds,
                                                         mib: .ciscoVTP, portIndex: 1, timeoutMilliseconds: 200, retries: 1))
        let start = ContinuousClock.now
        let outcome = await driver.apply(F.batch(.cut, [10]))
        let elapsed = ContinuousClock.now - start
        #expect(outcome.failures[F.vlan(10)] == "snmp udp:127.0.0.1:\(port): GET vlanTrunkPortSetSerialNo.0, "
                + "vlanTrunkPortVlansEnabled.1 failed: timeout (no response in 200 ms × 2 tries)")
        #expect(elapsed >= .milliseconds(300) && elapsed < .seconds(10), "\(elapsed)")
    }

    @Test("a credentials file readable by others, or one that does not parse, fails the batch with the file's line")
    func badCredentialsFile() async throws {
        let sim = try F.simulator()
        defer { sim.stop() }
        let open = try F.credentials(sim, "version: 2c\ncommunity: public\n", mode: 0o644)
        let outcome = await F.driver(sim, open).apply(F.batch(.cut, [10]))
        #expect(outcome.failures[F.vlan(10)] == "snmp \(sim.address): credentials file \(open) is readable by group "
                + "or others (mode 644): chmod 600 it")
        let broken = try F.credentials(sim, "version: 3\nuser: u\npriv_protocol: ROT13\n")
        let parse = await F.driver(sim, broken).apply(F.batch(.cut, [10]))
        #expect(parse.failures[F.vlan(10)] == "snmp \(sim.address): credentials file \(broken) line 3: priv_protocol "
                + "'ROT13' is not one of DES, AES, AES-192, AES-256")
        #expect(try F.readChunk(sim, 0) == F.chunk(0))
    }

    @Test("a changed SNMPv3 passphrase takes effect on the next cut: the library keeps no keys between cuts")
    func passphraseChangeTakesEffect() async throws {
        let sim = try F.simulator()
        defer { sim.stop() }
        let good = await F.driver(sim, try F.v3(sim)).apply(F.batch(.cut, [10]))
        #expect(good.succeeded, "\(good.failures)")
        let wrong = await F.driver(sim, try F.v3(sim, authKey: "wrong-pass-999")).apply(F.batch(.restore, [10]))
        #expect(!wrong.succeeded)
        let again = await F.driver(sim, try F.v3(sim)).apply(F.batch(.restore, [10]))
        #expect(again.succeeded, "\(again.failures)")
        #expect(try F.readChunk(sim, 0) == F.chunk(0))
    }

    @Test("a wrong SNMPv3 passphrase and an unknown host fail with a line naming the agent")
    func authFailureAndUnknownHost() async throws {
        let sim = try F.simulator()
        defer { sim.stop() }
        let outcome = await F.driver(sim, try F.v3(sim, authKey: "wrong-pass-999")).apply(F.batch(.cut, [10]))
        let line = try #require(outcome.failures[F.vlan(10)])
        #expect(line.hasPrefix("snmp \(sim.address): "), "\(line)")
        #expect(line.lowercased().contains("auth") || line.contains("timeout"), "\(line)")
        #expect(try F.readChunk(sim, 0) == F.chunk(0))
        let nowhere = SNMPCutDriver(target: SNMPCutTarget(address: "udp:no-such-host.invalid:161",
                                                          credentialsFile: try F.v2c(sim), mib: .ciscoVTP, portIndex: 1))
        let unknown = await nowhere.apply(F.batch(.cut, [10]))
        #expect(unknown.failures[F.vlan(10)]?.hasPrefix("snmp udp:no-such-host.invalid:161: session failed: ") == true,
                "\(unknown.failures)")
    }
}
