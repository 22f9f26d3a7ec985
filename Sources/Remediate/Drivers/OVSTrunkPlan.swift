import LoopSentryCore

/// One Open vSwitch `Port` row as far as a VLAN cut cares: its VLAN columns and external_ids.
public struct OVSPortRow: Equatable, Sendable {
    public var uuid: String
    /// `trunks`, ascending; empty means every VLAN (0-4095).
    public var trunks: [Int]
    /// `tag` (the access or native VLAN), if set.
    public var tag: Int?
    /// `vlan_mode` (`trunk`, `access`, `native-tagged`, `native-untagged`, `dot1q-tunnel`), if set.
    public var vlanMode: String?
    public var externalIDs: [String: String]

    public init(uuid: String, trunks: [Int], tag: Int? = nil, vlanMode: String? = nil, externalIDs: [String: String] = [:]) {
        self.uuid = uuid
        self.trunks = trunks.sorted()
        self.tag = tag
        self.vlanMode = vlanMode
        self.externalIDs = externalIDs
    }
}

/// What a cut or restore does to one OVS port's `trunks`: the rules of `ovs-trunk-vlan.yml`
/// (its plan template), so the playbook and the native driver each see the other's cut. Pure.
///
/// - Empty `trunks` means every VLAN: a cut writes the explicit rest (0-4095 without the VLANs).
/// - external_ids `loopsentry-original-trunks` ("all" or "10,20,30") records the set before the
///   first cut; `loopsentry-cut-vlans` the VLANs LoopSentry removed, and only those.
/// - A restore adds back only recorded VLANs; when none is left both keys go, and a port that
///   carried every VLAN gets its empty `trunks` back. VLANs someone else removed stay removed.
/// - An access or dot1q-tunnel port, and a cut of a port's native VLAN, are refused.
public struct OVSTrunkPlan: Equatable, Sendable {
    public static let originalKey = "loopsentry-original-trunks"
    public static let cutKey = "loopsentry-cut-vlans"
    /// Every VLAN an OVS trunk can carry.
    public static let allVLANs = Array(0...4095)

    /// Why the batch is refused (nothing changes), or nil.
    public var refusal: String?
    /// The VLANs this plan removes (cut) or gives back (restore); empty: nothing to do.
    public var moved: [Int] = []
    /// The new `trunks` (empty: every VLAN) and external_ids.
    public var trunks: [Int] = []
    public var externalIDs: [String: String] = [:]

    /// True when the row changes.
    public var changes: Bool { refusal == nil && !moved.isEmpty }

    public init(row: OVSPortRow, action: PlaybookAction, vlans: [VLANID], port: String) {
        let asked = Set(vlans.map { Int($0.value) })
        let mode = row.vlanMode ?? ""
        if ["access", "dot1q-tunnel"].contains(mode) || (mode.isEmpty && row.tag != nil) {
            refusal = "\(port) is an \(mode.isEmpty ? "access" : mode) port (tag \(row.tag.map(String.init) ?? "")): "
                + "its trunks do not decide what it forwards; nothing changed"
            return
        }
        if mode.hasPrefix("native-"), let tag = row.tag, action == .cut, asked.contains(tag) {
            refusal = "VLAN \(tag) is the native VLAN (tag) of \(port): trunks cannot cut it; nothing changed"
            return
        }
        let effective = Set(row.trunks.isEmpty ? Self.allVLANs : row.trunks)
        let recorded = Set((row.externalIDs[Self.cutKey] ?? "").split(separator: ",").compactMap { Int($0) })
        let original = row.externalIDs[Self.originalKey]
            ?? (row.trunks.isEmpty ? "all" : row.trunks.map(String.init).joined(separator: ","))
        let newCut: Set<Int>
        switch action {
        case .cut:
            moved = asked.intersection(effective).sorted()
            trunks = effective.subtracting(asked).sorted()
            newCut = recorded.union(moved)
        case .restore:
            moved = asked.intersection(recorded).sorted()
            let back = effective.union(moved)
            newCut = recorded.subtracting(moved)
            let wholeAgain = newCut.isEmpty && original == "all" && back.count == Self.allVLANs.count
            trunks = row.trunks.isEmpty || wholeAgain ? [] : back.sorted()
        }
        externalIDs = row.externalIDs
        if newCut.isEmpty {
            externalIDs[Self.originalKey] = nil
            externalIDs[Self.cutKey] = nil
        } else {
            externalIDs[Self.originalKey] = original
            externalIDs[Self.cutKey] = newCut.sorted().map(String.init).joined(separator: ",")
        }
    }

    /// A VLAN list as ranges, `all` for none (OVS's empty trunks): "0-19,22-4095".
    public static func ranges(_ ids: [Int]) -> String {
        guard var start = ids.first else { return "all" }
        var out: [String] = []
        var previous = start
        for v in ids.dropFirst() {
            if v == previous + 1 { previous = v; continue }
            out.append(start == previous ? "\(start)" : "\(start)-\(previous)")
            start = v
            previous = v
        }
        out.append(start == previous ? "\(start)" : "\(start)-\(previous)")
        return out.joined(separator: ",")
    }
}
