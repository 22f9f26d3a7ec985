import LoopSentryCore

/// An SNMP object identifier as its arcs.
public typealias SNMPObjectID = [UInt]

/// The objects an SNMP cut reads and writes, and their names for failure lines.
/// Pure: no C import, no I/O.
public enum SNMPCutObjects {
    /// CISCO-VTP-MIB vlanTrunkPortEntry (1.3.6.1.4.1.9.9.46.1.6.1.1).
    static let vlanTrunkPortEntry: SNMPObjectID = [1, 3, 6, 1, 4, 1, 9, 9, 46, 1, 6, 1, 1]
    /// The columns of the four trunk bitmap chunks, VLANs 0–1023, 1024–2047, 2048–3071, 3072–4095:
    /// vlanTrunkPortVlansEnabled (.4), …Enabled2k (.17), …Enabled3k (.18), …Enabled4k (.19).
    static let vtpChunkColumns: [UInt] = [4, 17, 18, 19]
    /// The names of those columns, in the same order.
    static let vtpChunkNames = ["vlanTrunkPortVlansEnabled", "vlanTrunkPortVlansEnabled2k",
                                "vlanTrunkPortVlansEnabled3k", "vlanTrunkPortVlansEnabled4k"]
    /// CISCO-VTP-MIB vlanTrunkPortSetSerialNo.0, a TestAndIncr guarding the bitmaps.
    public static let vtpSetSerialNo: SNMPObjectID = [1, 3, 6, 1, 4, 1, 9, 9, 46, 1, 6, 2, 0]
    /// Q-BRIDGE-MIB dot1qVlanStaticEgressPorts (1.3.6.1.2.1.17.7.1.4.3.1.2), indexed by VLAN.
    static let dot1qVlanStaticEgressPorts: SNMPObjectID = [1, 3, 6, 1, 2, 1, 17, 7, 1, 4, 3, 1, 2]

    /// The bitmap chunk object of trunk port `ifIndex` (chunk 0…3).
    public static func vtpChunk(_ chunk: Int, ifIndex: Int) -> SNMPObjectID {
        vlanTrunkPortEntry + [vtpChunkColumns[chunk], UInt(ifIndex)]
    }

    /// `dot1qVlanStaticEgressPorts.<vlan>`.
    public static func egressPorts(_ vlan: VLANID) -> SNMPObjectID {
        dot1qVlanStaticEgressPorts + [UInt(vlan.value)]
    }

    /// The object's name with its index for failure lines, e.g. `vlanTrunkPortVlansEnabled.10101`;
    /// dotted numbers for an object not written by the driver.
    public static func name(_ oid: SNMPObjectID) -> String {
        if oid == vtpSetSerialNo { return "vlanTrunkPortSetSerialNo.0" }
        if oid.count == vlanTrunkPortEntry.count + 2, Array(oid.prefix(vlanTrunkPortEntry.count)) == vlanTrunkPortEntry,
           let i = vtpChunkColumns.firstIndex(of: oid[vlanTrunkPortEntry.count]) {
            return "\(vtpChunkNames[i]).\(oid[oid.count - 1])"
        }
        if oid.count == dot1qVlanStaticEgressPorts.count + 1,
           Array(oid.prefix(dot1qVlanStaticEgressPorts.count)) == dot1qVlanStaticEgressPorts {
            return "dot1qVlanStaticEgressPorts.\(oid[oid.count - 1])"
        }
        return oid.map(String.init).joined(separator: ".")
    }

    /// The RFC 3416 name of a PDU error-status, e.g. 17 → `notWritable`.
    public static func errorStatusName(_ status: Int) -> String {
        let names = ["noError", "tooBig", "noSuchName", "badValue", "readOnly", "genErr", "noAccess", "wrongType",
                     "wrongLength", "wrongEncoding", "wrongValue", "noCreation", "inconsistentValue",
                     "resourceUnavailable", "commitFailed", "undoFailed", "authorizationError", "notWritable",
                     "inconsistentName"]
        return names.indices.contains(status) ? names[status] : "error-status \(status)"
    }
}

/// Bitmap math of the two MIBs, both MSB first: bit 0 is the high bit of octet 0.
/// CISCO-VTP-MIB: VLAN v is in chunk v / 1024, bit v % 1024 of that chunk's 128 octets.
/// Q-BRIDGE-MIB PortList: port p (1-based) is bit p − 1.
public enum SNMPBitmap {
    /// Octets in one CISCO-VTP-MIB chunk (1024 VLANs).
    public static let vtpChunkOctets = 128

    /// Which chunk (0…3) holds `vlan`.
    public static func vtpChunk(of vlan: VLANID) -> Int { Int(vlan.value) / 1024 }

    /// The octet and mask of `vlan` inside its chunk.
    public static func vtpBit(of vlan: VLANID) -> (octet: Int, mask: UInt8) { bit(Int(vlan.value) % 1024) }

    /// The octet and mask of port `port` (1-based) in a PortList.
    public static func portBit(_ port: Int) -> (octet: Int, mask: UInt8) { bit(port - 1) }

    /// The octet and mask of bit `index`, MSB first.
    static func bit(_ index: Int) -> (octet: Int, mask: UInt8) { (index / 8, UInt8(0x80) >> UInt8(index % 8)) }

    /// True when the bit is set; octets beyond the string's end count as zero.
    public static func isSet(_ bytes: [UInt8], _ bit: (octet: Int, mask: UInt8)) -> Bool {
        bit.octet < bytes.count && bytes[bit.octet] & bit.mask != 0
    }

    /// `bytes` with the bit set or cleared, zero-padded up to the bit's octet when short.
    public static func setting(_ bytes: [UInt8], _ bit: (octet: Int, mask: UInt8), to on: Bool) -> [UInt8] {
        var out = bytes
        if bit.octet >= out.count {
            if !on { return out }
            out += [UInt8](repeating: 0, count: bit.octet + 1 - out.count)
        }
        if on { out[bit.octet] |= bit.mask } else { out[bit.octet] &= ~bit.mask }
        return out
    }
}

/// One object a cut rewrites: its old and new value and the batch VLANs it carries.
public struct SNMPBitmapChange: Equatable, Sendable {
    public var oid: SNMPObjectID
    public var old: [UInt8]
    public var new: [UInt8]
    public var vlans: [VLANID]
}

/// What a cut or restore writes, computed from what was read. Only the batch's bits change;
/// objects already in the wanted state are left out.
public enum SNMPCutPlan {
    /// The chunks a batch needs, ascending.
    public static func vtpChunks(_ vlans: [VLANID]) -> [Int] { Array(Set(vlans.map(SNMPBitmap.vtpChunk))).sorted() }

    /// CISCO-VTP-MIB: one change per chunk whose bits differ from the wanted state. `chunks` maps
    /// chunk number to the bytes read; a VLAN of a chunk missing from it is not planned.
    public static func vtpChanges(_ action: PlaybookAction, vlans: [VLANID], ifIndex: Int,
                                  chunks: [Int: [UInt8]]) -> [SNMPBitmapChange] {
        let on = action == .restore
        var changes: [SNMPBitmapChange] = []
        for chunk in vtpChunks(vlans) {
            guard let old = chunks[chunk] else { continue }
            var new = old
            var changed: [VLANID] = []
            for vlan in vlans where SNMPBitmap.vtpChunk(of: vlan) == chunk {
                let bit = SNMPBitmap.vtpBit(of: vlan)
                if SNMPBitmap.isSet(new, bit) != on {
                    new = SNMPBitmap.setting(new, bit, to: on)
                    changed.append(vlan)
                }
            }
            if !changed.isEmpty {
                changes.append(SNMPBitmapChange(oid: SNMPCutObjects.vtpChunk(chunk, ifIndex: ifIndex),
                                                old: old, new: new, vlans: changed))
            }
        }
        return changes
    }

    /// Q-BRIDGE-MIB: one change per VLAN whose egress PortList has the port's bit in the wrong state.
    public static func egressChanges(_ action: PlaybookAction, port: Int, lists: [VLANID: [UInt8]]) -> [SNMPBitmapChange] {
        let on = action == .restore
        let bit = SNMPBitmap.portBit(port)
        return lists.keys.sorted().compactMap { vlan in
            let old = lists[vlan]!
            guard SNMPBitmap.isSet(old, bit) != on else { return nil }
            return SNMPBitmapChange(oid: SNMPCutObjects.egressPorts(vlan), old: old,
                                    new: SNMPBitmap.setting(old, bit, to: on), vlans: [vlan])
        }
    }

    /// The batch VLANs whose bit in `bytes` (read back after the SET) is not in the wanted state.
    public static func vtpMismatches(_ action: PlaybookAction, vlans: [VLANID], chunk: Int, bytes: [UInt8]) -> [VLANID] {
        vlans.filter { SNMPBitmap.vtpChunk(of: $0) == chunk && SNMPBitmap.isSet(bytes, SNMPBitmap.vtpBit(of: $0)) != (action == .restore) }
    }
}
