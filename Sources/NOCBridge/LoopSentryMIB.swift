import LoopSentryCore

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
    /// The arc of `loopSentryVniTable` under `objects` (after the VLAN table).
    static let vniTableArc: UInt = 3
    /// `loopSentryVniEntry` relative to `objects`.
    static let vniEntry: OID = [vniTableArc, 1]

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

    /// The columns of `loopSentryVniEntry`; 1 and 2 are the (not-accessible) indices ifIndex and
    /// VNI. Thresholds, action and actionAuthor are writable with the VLAN table's rules.
    public enum VNIColumn: UInt, CaseIterable, Sendable {
        case ifIndex = 1
        case vni = 2
        case ifName = 3
        case broadcastFrames = 4
        case multicastFrames = 5
        case frames = 6
        case broadcastRate = 7
        case multicastRate = 8
        case frameRate = 9
        case risingThreshold = 10
        case fallingThreshold = 11
        case tenant = 12
        case policy = 13
        case state = 14
        case lastChange = 15
        case action = 16
        case actionResult = 17
        case actionAuthor = 18
        case returnedProbes = 19

        /// Columns that GET and GETNEXT can reach, in OID order.
        static let accessible: [VNIColumn] = allCases.filter { $0.rawValue >= 3 }

        /// True for the read-write columns (those of the VLAN column of the same meaning).
        var isWritable: Bool { vlanColumn?.isWritable ?? false }

        /// The column of `loopSentryVlanEntry` with the same meaning (a VNI's inner frames are
        /// the VLAN's tagged frames); nil for the indices.
        var vlanColumn: Column? {
            switch self {
            case .ifIndex, .vni: nil
            case .ifName: .ifName
            case .broadcastFrames: .broadcastFrames
            case .multicastFrames: .multicastFrames
            case .frames: .taggedFrames
            case .broadcastRate: .broadcastRate
            case .multicastRate: .multicastRate
            case .frameRate: .frameRate
            case .risingThreshold: .risingThreshold
            case .fallingThreshold: .fallingThreshold
            case .tenant: .tenant
            case .policy: .policy
            case .state: .state
            case .lastChange: .lastChange
            case .action: .action
            case .actionResult: .actionResult
            case .actionAuthor: .actionAuthor
            case .returnedProbes: .returnedProbes
            }
        }

        /// The VNI column with the same meaning as a VLAN column, if the VNI table has one.
        init?(_ column: Column) {
            guard let match = Self.allCases.first(where: { $0.vlanColumn == column }) else { return nil }
            self = match
        }

        /// The cell's OID relative to `objects`: vniEntry.column.ifIndex.vni.
        func suffix(ifIndex: UInt, vni: UInt) -> OID {
            [LoopSentryMIB.vniTableArc, 1, rawValue, ifIndex, vni]
        }
    }

    /// The notifications about VNI rows: their own types, so an NMS routes them by
    /// `snmpTrapOID.0` alone.
    public enum VNINotification: UInt, CaseIterable, Sendable {
        case stormDetected = 8
        case stormCleared = 9
        case stateChanged = 10

        /// The VNI notification for an incident event: detected and cleared keep their meaning,
        /// every other change is `stateChanged` (the state varbind says which).
        init(_ kind: NOCNotificationKind) {
            switch kind {
            case .stormDetected: self = .stormDetected
            case .stormCleared: self = .stormCleared
            default: self = .stateChanged
            }
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

    /// The full OID of a VNI table cell.
    public static func vniCellOID(_ column: VNIColumn, ifIndex: Int32, vni: VNI) -> OID {
        objects + column.suffix(ifIndex: UInt(ifIndex), vni: UInt(vni.value))
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
