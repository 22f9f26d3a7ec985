/// LOOPSENTRY-MIB's object identifiers and the shape of its objects, in one place.
/// The root must match `loopSentryMIB` in mibs/LOOPSENTRY-MIB.txt (change both together
/// once a Private Enterprise Number is assigned).
public enum LoopSentryMIB {
    /// An object identifier as a list of arcs.
    public typealias OID = [UInt]

    /// `loopSentryMIB`: netSnmpPlaypen (1.3.6.1.4.1.8072.9999.9999) . 1
    public static let root: OID = [1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 1]
    /// `loopSentryNotifications` (root.0): notification n is `notifications + [n]`.
    public static let notifications: OID = root + [0]
    /// `loopSentryObjects` (root.1): the subtree the subagent registers. Every suffix in this
    /// target (scalars, table cells) is relative to it.
    public static let objects: OID = root + [1]
    /// `snmpTrapOID.0` from SNMPv2-MIB, the first varbind of every notification.
    public static let snmpTrapOID: OID = [1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0]

    /// The arc of `loopSentryScalars` and `loopSentryVlanTable` under `objects`.
    static let scalarsArc: UInt = 1
    static let tableArc: UInt = 2
    /// `loopSentryVlanEntry` relative to `objects`.
    static let entry: OID = [tableArc, 1]

    /// The scalars under `loopSentryScalars`; all read-only.
    public enum Scalar: UInt, CaseIterable, Sendable {
        case version = 1
        case startTime = 2
        case notifyGlobalLimit = 3
        case notifyVlanLimit = 4
        case notifySuppressed = 5
        case notifyDropped = 6
        case notifyQueued = 7
        case sensorName = 8

        /// The instance suffix (`.0`) relative to `objects`.
        var suffix: OID { Self.suffixes[Int(rawValue) - 1] }
        private static let suffixes: [OID] = allCases.map { [LoopSentryMIB.scalarsArc, $0.rawValue, 0] }
    }

    /// The columns of `loopSentryVlanEntry`; 1 and 2 are the (not-accessible) indices.
    public enum Column: UInt, CaseIterable, Sendable {
        case ifIndex = 1
        case vlanId = 2
        case ifName = 3
        case broadcastFrames = 4
        case multicastFrames = 5
        case taggedFrames = 6
        case returnedProbes = 7
        case broadcastRate = 8
        case multicastRate = 9
        case frameRate = 10
        case risingThreshold = 11
        case fallingThreshold = 12
        case tenant = 13
        case policy = 14
        case state = 15
        case lastChange = 16
        case action = 17
        case actionResult = 18
        case actionAuthor = 19

        /// Columns that GET and GETNEXT can reach, in OID order.
        static let accessible: [Column] = allCases.filter { $0.rawValue >= 3 }

        /// True for the read-write columns.
        var isWritable: Bool {
            switch self {
            case .risingThreshold, .fallingThreshold, .action, .actionAuthor: true
            default: false
            }
        }

        /// The cell's OID relative to `objects`: entry.column.ifIndex.vlan.
        func suffix(_ key: VLANStatusKeyArcs) -> OID {
            [LoopSentryMIB.tableArc, 1, rawValue, key.ifIndex, key.vlan]
        }
    }

    /// The full OID of a notification.
    public static func notificationOID(_ arc: Int) -> OID { notifications + [UInt(arc)] }

    /// The full OID of a scalar's instance (`.0`).
    public static func scalarOID(_ scalar: Scalar) -> OID { objects + scalar.suffix }

    /// The full OID of a table cell.
    public static func cellOID(_ column: Column, ifIndex: Int32, vlan: UInt16) -> OID {
        objects + column.suffix(VLANStatusKeyArcs(ifIndex: UInt(ifIndex), vlan: UInt(vlan)))
    }
}

/// A row index as OID arcs.
struct VLANStatusKeyArcs: Equatable {
    var ifIndex: UInt
    var vlan: UInt
}

/// Lexicographic order of OIDs (a proper prefix sorts first), as SNMP walks them.
func compareOID<A: Collection<UInt>, B: Collection<UInt>>(_ a: A, _ b: B) -> Int {
    var i = a.makeIterator(), j = b.makeIterator()
    while true {
        switch (i.next(), j.next()) {
        case (nil, nil): return 0
        case (nil, _): return -1
        case (_, nil): return 1
        case let (x?, y?): if x != y { return x < y ? -1 : 1 }
        }
    }
}
