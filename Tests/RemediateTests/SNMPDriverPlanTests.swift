import LoopSentryCore
@testable import Remediate
import Testing

/// The pure half of the SNMP cut driver: bitmap positions, planned changes, object names and the
/// credentials file. Expected positions come from the MIB texts' definitions, written out here.
@Suite(.serialized)
struct SNMPDriverPlanTests {
    static func v(_ n: Int) -> VLANID { VLANID(n)! }

    /// CISCO-VTP-MIB vlanTrunkPortVlansEnabled: "The first octet corresponds to VLANs with
    /// VlanIndex values of 0 through 7; the second octet to VLANs 8 through 15; etc. The most
    /// significant bit of each octet corresponds to the lowest value VlanIndex in that octet."
    /// The 2k/3k/4k objects do the same for 1024–2047, 2048–3071, 3072–4095.
    @Test("VTP chunk, octet and mask of a VLAN follow the MIB's MSB-first definition",
          arguments: [(0, 0, 0, 0b1000_0000), (7, 0, 0, 0b0000_0001), (10, 0, 1, 0b0010_0000), (1023, 0, 127, 0b0000_0001),
                      (1024, 1, 0, 0b1000_0000), (1500, 1, 59, 0b0000_1000), (2048, 2, 0, 0b1000_0000), (4094, 3, 127, 0b0000_0010)])
    func vtpBitPositions(vlan: Int, chunk: Int, octet: Int, mask: Int) {
        #expect(SNMPBitmap.vtpChunk(of: Self.v(vlan)) == chunk)
        let bit = SNMPBitmap.vtpBit(of: Self.v(vlan))
        #expect(bit.octet == octet)
        #expect(Int(bit.mask) == mask)
    }

    /// Q-BRIDGE-MIB PortList: "Each octet within this value specifies a set of eight ports, with
    /// the first octet specifying ports 1 through 8 … the most significant bit represents the
    /// lowest numbered port".
    @Test("PortList octet and mask of a port follow the MIB's definition",
          arguments: [(1, 0, 0x80), (5, 0, 0x08), (8, 0, 0x01), (9, 1, 0x80), (4096, 511, 0x01)])
    func portBitPositions(port: Int, octet: Int, mask: Int) {
        let bit = SNMPBitmap.portBit(port)
        #expect(bit.octet == octet)
        #expect(Int(bit.mask) == mask)
    }

    @Test("a VTP cut clears only the batch's bits, one change per chunk, and skips chunks already cut")
    func vtpChangesTouchOnlyBatchBits() {
        let chunk0 = [UInt8](repeating: 0xFF, count: 128), chunk1 = [UInt8](repeating: 0x00, count: 128)
        let changes = SNMPCutPlan.vtpChanges(.cut, vlans: [Self.v(10), Self.v(20), Self.v(1500)], ifIndex: 7,
                                             chunks: [0: chunk0, 1: chunk1])
        #expect(changes.count == 1)
        #expect(changes[0].oid == [1, 3, 6, 1, 4, 1, 9, 9, 46, 1, 6, 1, 1, 4, 7])
        #expect(changes[0].vlans == [Self.v(10), Self.v(20)])
        var expected = chunk0
        expected[1] = 0xFF ^ (1 << (7 - 10 % 8))
        expected[2] = 0xFF ^ (1 << (7 - 20 % 8))
        #expect(changes[0].new == expected)
        #expect(SNMPCutPlan.vtpChanges(.restore, vlans: [Self.v(10)], ifIndex: 7, chunks: [0: chunk0]).isEmpty)
    }

    @Test("a restore into a short (or empty) bitmap pads it with zero octets up to the VLAN's octet")
    func restorePadsShortStrings() {
        #expect(SNMPBitmap.setting([], SNMPBitmap.vtpBit(of: Self.v(17)), to: true) == [0, 0, 0x40])
        #expect(SNMPBitmap.setting([0x01], SNMPBitmap.vtpBit(of: Self.v(17)), to: false) == [0x01])
    }

    @Test("Q-BRIDGE changes flip the port's bit in each VLAN's egress list and leave VLANs already without it out")
    func egressChanges() {
        let lists: [VLANID: [UInt8]] = [Self.v(10): [0xFF, 0x00], Self.v(20): [0xF7, 0x01], Self.v(30): [0x08]]
        let changes = SNMPCutPlan.egressChanges(.cut, port: 5, lists: lists)
        #expect(changes.map(\.vlans) == [[Self.v(10)], [Self.v(30)]])
        #expect(changes.map(\.new) == [[0xF7, 0x00], [0x00]])
        #expect(changes[0].oid == [1, 3, 6, 1, 2, 1, 17, 7, 1, 4, 3, 1, 2, 10])
    }

    @Test("object names and error-status names in failure lines")
    func names() {
        #expect(SNMPCutObjects.name(SNMPCutObjects.vtpChunk(2, ifIndex: 10101)) == "vlanTrunkPortVlansEnabled3k.10101")
        #expect(SNMPCutObjects.name(SNMPCutObjects.vtpSetSerialNo) == "vlanTrunkPortSetSerialNo.0")
        #expect(SNMPCutObjects.name(SNMPCutObjects.egressPorts(Self.v(42))) == "dot1qVlanStaticEgressPorts.42")
        #expect(SNMPCutObjects.errorStatusName(17) == "notWritable")
        #expect(SNMPCutObjects.errorStatusName(12) == "inconsistentValue")
        #expect(SNMPCutDriver.next(2_147_483_647) == 0)
    }

    @Test("the credentials file: v2c, v3 with inferred level, quotes and comments")
    func credentialsParse() throws {
        let v2 = try SNMPCredentials.parse("# switch\nversion: 2c\ncommunity: 'wr#te'  # comment\n", file: "c")
        #expect(v2 == .community("wr#te"))
        let v3 = try SNMPCredentials.parse("""
            version: 3
            user: loopsentry
            auth_protocol: sha-256
            auth_passphrase: "auth pass 1"
            priv_protocol: AES-256
            priv_passphrase: privpass1
            context: vlan-10
            """, file: "c")
        #expect(v3.securityLevel == .authPriv)
        #expect(v3.authProtocol == .sha256)
        #expect(v3.privProtocol == .aes256)
        #expect(v3.authPassphrase == "auth pass 1")
        #expect(v3.context == "vlan-10")
    }

    @Test("credentials errors are one line naming the file, the line and the key",
          arguments: [
            ("version: 2c\n", "credentials file f: community is required with version 2c"),
            ("version: 2c\ncommunity: x\nuser: u\n", "credentials file f line 3: user is for version 3 only"),
            ("version: 3\nuser: u\nauth_protocol: SHA3\n", "credentials file f line 3: auth_protocol 'SHA3' is not one of MD5, SHA, SHA-224, SHA-256, SHA-384, SHA-512"),
            ("version: 3\nuser: u\nauth_protocol: SHA\nauth_passphrase: short\n", "credentials file f line 4: auth_passphrase must be at least 8 characters (RFC 3414)"),
            ("version: 3\nuser: u\nsecurity_level: authPriv\nauth_protocol: SHA\nauth_passphrase: longenough\n", "credentials file f: priv_protocol is required with security_level authPriv"),
            ("version 3\n", "credentials file f line 1: expected 'key: value'"),
            ("version: 4\n", "credentials file f line 1: version '4' is not 2c or 3"),
            ("version: 2c\ncommunity: a\ncommunity: b\n", "credentials file f line 3: community appears twice"),
          ])
    func credentialsErrors(text: String, message: String) {
        #expect(throws: SNMPCredentialsError(message: message)) { try SNMPCredentials.parse(text, file: "f") }
    }
}
