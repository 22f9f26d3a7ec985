import Foundation
import LoopSentryCore
import Remediate
import Testing

/// The simulated switch the SNMP driver tests cut on: trunk ifIndex 10101 with four writable
/// CISCO-VTP-MIB chunks, ifIndex 10102 whose chunk refuses SETs (notWritable), a TestAndIncr
/// serial number, and Q-BRIDGE-MIB egress/untagged port lists of VLANs 10, 20, 30 and 4000.
enum SNMPDriverFixture {
    static let ifIndex = 10101
    static let readOnlyIfIndex = 10102
    static let serial = 41
    static let bridgePort = 5
    static let bridgeVLANs = [10, 20, 30, 4000]

    static func vlan(_ n: Int) -> VLANID { VLANID(n)! }

    /// Chunk `c`'s initial bytes: an irregular pattern (so a shifted or misplaced write shows),
    /// with every bit of VLANs 8–23 (chunk 0) and 1496–1503 (chunk 1) set.
    static func chunk(_ c: Int) -> [UInt8] {
        var bytes = (0..<128).map { UInt8(truncatingIfNeeded: $0 &* 73 &+ 41 &+ c &* 17) }
        if c == 0 { bytes[1] = 0xFF; bytes[2] = 0xFF }
        if c == 1 { bytes[59] = 0xFF }
        return bytes
    }

    /// Egress (and untagged) ports of a Q-BRIDGE VLAN: 8 octets with port 5 set.
    static func egress(_ vlan: Int) -> [UInt8] { [0xFC, UInt8(vlan & 0xFF), 0x00, 0x80, 0x01, 0x00, 0x00, 0x42] }
    static func untagged(_ vlan: Int) -> [UInt8] { [0x0C, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, UInt8(vlan & 0x7F)] }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// The records; `races` makes the serial number lose that many SETs to "another manager".
    static func records(races: Int = 0) -> [String] {
        let entry = "1.3.6.1.4.1.9.9.46.1.6.1.1"
        var r = ["1.3.6.1.2.1.1.1.0|4|loopsentry test switch",
                 "1.3.6.1.4.1.9.9.46.1.6.2.0|2:testandincr|value=\(serial),races=\(races)",
                 "\(entry).4.\(readOnlyIfIndex)|4x:writecache|hexvalue=\(hex(chunk(0))),status=notwritable,op=set"]
        for (c, column) in [4, 17, 18, 19].enumerated() {
            r.append("\(entry).\(column).\(ifIndex)|4x:writecache|hexvalue=\(hex(chunk(c)))")
        }
        for v in bridgeVLANs {
            r.append("1.3.6.1.2.1.17.7.1.4.3.1.2.\(v)|4x:writecache|hexvalue=\(hex(egress(v)))")
            r.append("1.3.6.1.2.1.17.7.1.4.3.1.4.\(v)|4x|\(hex(untagged(v)))")
        }
        return r
    }

    /// A simulator with `public` (the switch) and `racing` (the switch with one lost TestAndIncr).
    static func simulator() throws -> SNMPSimulator {
        try SNMPSimulator(files: ["public": records(), "racing": records(races: 1)])
    }

    /// Writes a credentials file (mode 0600 unless `mode` says otherwise) in the simulator's directory.
    static func credentials(_ sim: SNMPSimulator, _ text: String, mode: mode_t = 0o600) throws -> String {
        let path = sim.directory.appendingPathComponent("credentials-\(UUID().uuidString.prefix(6)).yml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, mode)
        return path
    }

    static func v2c(_ sim: SNMPSimulator, community: String = "public") throws -> String {
        try credentials(sim, "version: 2c\ncommunity: \(community)\n")
    }

    static func v3(_ sim: SNMPSimulator, authKey: String = SNMPSimulator.v3User.authKey) throws -> String {
        let u = SNMPSimulator.v3User
        return try credentials(sim, """
            version: 3
            user: \(u.name)
            auth_protocol: \(u.auth)
            auth_passphrase: \(authKey)
            priv_protocol: \(u.priv)
            priv_passphrase: \(u.privKey)
            context: public
            """)
    }

    static func driver(_ sim: SNMPSimulator, _ credentials: String, mib: SNMPCutMIB = .ciscoVTP,
                       port: Int = ifIndex) -> SNMPCutDriver {
        SNMPCutDriver(target: SNMPCutTarget(address: sim.address, credentialsFile: credentials, mib: mib, portIndex: port,
                                            timeoutMilliseconds: 2000, retries: 1))
    }

    static func batch(_ action: PlaybookAction, _ vlans: [Int]) -> CutBatch {
        CutBatch(action: action, vlans: vlans.map(vlan), incidents: [1], tenant: "acme")
    }

    /// The chunk object of the fixture trunk, read with `snmpget`.
    static func readChunk(_ sim: SNMPSimulator, _ c: Int, ifIndex: Int = ifIndex) throws -> [UInt8] {
        try sim.get([1, 3, 6, 1, 4, 1, 9, 9, 46, 1, 6, 1, 1, [4, 17, 18, 19][c], UInt(ifIndex)]).bytes
    }

    static func readSerial(_ sim: SNMPSimulator, community: String = "public") throws -> Int? {
        try sim.get([1, 3, 6, 1, 4, 1, 9, 9, 46, 1, 6, 2, 0], community: community).integer
    }

    /// `bytes` with VLAN `vlan`'s bit (per the MIB text: octet (v mod 1024) div 8, most significant
    /// bit first) cleared or set.
    static func withVLANBit(_ bytes: [UInt8], _ vlan: Int, on: Bool) -> [UInt8] {
        var out = bytes
        let octet = (vlan % 1024) / 8, mask = UInt8(1 << (7 - vlan % 8))
        out[octet] = on ? out[octet] | mask : out[octet] & ~mask
        return out
    }
}
