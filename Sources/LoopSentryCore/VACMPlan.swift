/// The SNMPv3 users and VACM configuration (RFC 3414 USM, RFC 3415 VACM) that keep tenants apart
/// in LOOPSENTRY-MIB: each tenant's user reads only its own rows of `loopSentryVlanTable` and
/// `loopSentryVniTable` (plus `loopSentryVersion`, `loopSentryStartTime` and `loopSentrySensorName`)
/// and writes only the action columns of those rows;
/// one NOC user reads everything and writes the whole module. Pure: no I/O, no randomness — the
/// `loopsentry snmp-vacm` command resolves ifIndex values and passphrases and prints `render`.
///
/// A row is `loopSentryVlanEntry.<column>.<ifIndex>.<vlan>` (or `loopSentryVniEntry.<column>.<ifIndex>.<vni>`);
/// one view family per row covers every column, because its mask has a 0 bit (wildcard) at the
/// column's sub-identifier.
public struct VACMPlan: Equatable, Sendable {
    /// One tenant and its VLANs per interface, as in the configuration's `tenants:`.
    public struct Tenant: Equatable, Sendable {
        public var name: String
        /// (interface name, VLANs on it); an interface may appear more than once.
        public var vlans: [(interface: String, vlans: VLANSet)]
        /// (underlay interface name, VXLAN VNIs on it), as the configuration's `vnis:`.
        public var vnis: [(interface: String, vnis: VNISet)]

        public init(name: String, vlans: [(interface: String, vlans: VLANSet)], vnis: [(interface: String, vnis: VNISet)] = []) {
            self.name = name
            self.vlans = vlans
            self.vnis = vnis
        }

        public static func == (a: Tenant, b: Tenant) -> Bool {
            a.name == b.name && a.vlans.map(\.interface) == b.vlans.map(\.interface)
                && a.vlans.map(\.vlans) == b.vlans.map(\.vlans)
                && a.vnis.map(\.interface) == b.vnis.map(\.interface) && a.vnis.map(\.vnis) == b.vnis.map(\.vnis)
        }
    }

    /// One table row a tenant owns: the index (ifIndex, VLAN ID) and the interface's name.
    public struct Row: Hashable, Comparable, Sendable {
        public var interface: String
        public var ifIndex: Int32
        public var vlan: VLANID

        public static func < (a: Row, b: Row) -> Bool { (a.ifIndex, a.vlan.value) < (b.ifIndex, b.vlan.value) }
    }

    /// One `loopSentryVniTable` row a tenant owns: the index (ifIndex, VNI) and the interface's name.
    public struct VNIRow: Hashable, Comparable, Sendable {
        public var interface: String
        public var ifIndex: Int32
        public var vni: VNI

        public static func < (a: VNIRow, b: VNIRow) -> Bool { (a.ifIndex, a.vni.value) < (b.ifIndex, b.vni.value) }
    }

    /// The SHA authentication and AES privacy passphrases of one USM user.
    public struct Credentials: Equatable, Sendable {
        public var auth: String
        public var priv: String
        public init(auth: String, priv: String) {
            self.auth = auth
            self.priv = priv
        }
    }

    /// Why a plan cannot be made; `description` is one line for the operator.
    public enum PlanError: Error, Equatable, Sendable, CustomStringConvertible {
        case invalidTenantName(String)
        case tenantNameIsNOCUser(String)
        case invalidUserName(String)
        case noVLANs(tenant: String)
        case tooManyVNIs(tenant: String, count: Int)
        case unknownIfIndex(interface: String, tenant: String)
        case invalidIfIndex(interface: String, value: Int32)
        case invalidPassphrase(user: String, kind: String)
        case missingCredentials(user: String)

        public var description: String {
            switch self {
            case .invalidTenantName(let n):
                return "tenant name '\(n)' must be 1-\(VACMPlan.maxTenantName) ASCII letters, digits, '-', '_' or '.' (it names SNMPv3 users, groups and views)"
            case .tenantNameIsNOCUser(let n): return "tenant '\(n)' has the same name as the NOC user: choose another --noc-user"
            case .invalidUserName(let n): return "user name '\(n)' must be 1-32 ASCII letters, digits, '-', '_' or '.'"
            case .noVLANs(let t): return "tenant '\(t)' has no VLANs or VNIs: nothing to grant"
            case .tooManyVNIs(let t, let n):
                return "tenant '\(t)' has \(n) VNIs; at most \(VACMPlan.maxTenantVNIs) get views (one view line per row): list fewer VNIs"
            case .unknownIfIndex(let i, let t): return "no ifIndex for interface '\(i)' (tenant '\(t)'): pass --ifindex \(i)=N"
            case .invalidIfIndex(let i, let v): return "ifIndex \(v) of interface '\(i)' is outside 1-2147483647"
            case .invalidPassphrase(let u, let k):
                return "the \(k) passphrase of '\(u)' must be 8-64 printable ASCII characters without blanks, quotes, '#' or '\\'"
            case .missingCredentials(let u): return "no passphrases for user '\(u)'"
            }
        }
    }

    /// Tenant names end up in view names `lst-<name>-r` (VACM names are at most 32 octets).
    public static let maxTenantName = 26
    /// `loopSentryVlanEntry` columns a tenant may write on its own rows: action (17) and
    /// actionAuthor (19), which the MIB says is written in the same request as the action.
    public static let tenantWritableColumns: [UInt] = [17, 19]
    /// `loopSentryVniEntry` columns a tenant may write on its own VNI rows: action (16) and
    /// actionAuthor (18).
    public static let tenantWritableVNIColumns: [UInt] = [16, 18]
    /// The most VNI rows one tenant's views list: each is three view lines, and a VNI range can
    /// name millions.
    public static let maxTenantVNIs = 4094
    /// `loopSentryScalars` a tenant may read: version (1), startTime (2) and sensorName (8), which
    /// tells a tenant of a fleet which sensor answers.
    public static let tenantReadableScalars: [UInt] = [1, 2, 8]

    public let mibRoot: [UInt]
    /// The NOC user, or nil when its lines are left out (it exists already).
    public let nocUser: String?
    /// Tenants with their VLAN rows sorted by (ifIndex, VLAN) and VNI rows by (ifIndex, VNI), in
    /// configuration order.
    public let tenants: [(name: String, rows: [Row], vniRows: [VNIRow])]

    public static func == (a: VACMPlan, b: VACMPlan) -> Bool {
        a.mibRoot == b.mibRoot && a.nocUser == b.nocUser && a.tenants.map(\.name) == b.tenants.map(\.name)
            && a.tenants.map(\.rows) == b.tenants.map(\.rows) && a.tenants.map(\.vniRows) == b.tenants.map(\.vniRows)
    }

    /// Checks names and expands every tenant's VLAN and VNI ranges into rows (a range 100-199 is 100 rows).
    /// `ifIndex` maps interface names to their Linux ifindex; `mibRoot` is `loopSentryMIB`'s OID;
    /// `nocUser` nil leaves the NOC user's lines out.
    public init(tenants: [Tenant], ifIndex: [String: Int32], mibRoot: [UInt],
                nocUser: String? = "loopsentry-noc") throws(PlanError) {
        if let nocUser, !Self.isValidName(nocUser, maxLength: 32) { throw .invalidUserName(nocUser) }
        var planned: [(name: String, rows: [Row], vniRows: [VNIRow])] = []
        for t in tenants {
            guard Self.isValidName(t.name, maxLength: Self.maxTenantName) else { throw .invalidTenantName(t.name) }
            guard t.name != nocUser else { throw .tenantNameIsNOCUser(t.name) }
            var rows: Set<Row> = []
            for entry in t.vlans {
                guard let index = ifIndex[entry.interface] else {
                    throw .unknownIfIndex(interface: entry.interface, tenant: t.name)
                }
                guard index >= 1 else { throw .invalidIfIndex(interface: entry.interface, value: index) }
                for id in entry.vlans where VLANID.validRange.contains(Int(id.value)) {
                    rows.insert(Row(interface: entry.interface, ifIndex: index, vlan: id))
                }
            }
            var vniRows: Set<VNIRow> = []
            for entry in t.vnis {
                guard let index = ifIndex[entry.interface] else {
                    throw .unknownIfIndex(interface: entry.interface, tenant: t.name)
                }
                guard index >= 1 else { throw .invalidIfIndex(interface: entry.interface, value: index) }
                let count = vniRows.count + entry.vnis.count
                guard count <= Self.maxTenantVNIs else { throw .tooManyVNIs(tenant: t.name, count: count) }
                for vni in entry.vnis.members where vni.value >= 1 {
                    vniRows.insert(VNIRow(interface: entry.interface, ifIndex: index, vni: vni))
                }
            }
            guard !rows.isEmpty || !vniRows.isEmpty else { throw .noVLANs(tenant: t.name) }
            planned.append((t.name, rows.sorted(), vniRows.sorted()))
        }
        self.mibRoot = mibRoot
        self.nocUser = nocUser
        self.tenants = planned
    }

    /// Every USM user name of the plan: the NOC user (if any), then one per tenant (its name).
    public var users: [String] { (nocUser.map { [$0] } ?? []) + tenants.map(\.name) }

    /// True for 1...`maxLength` ASCII letters, digits, `-`, `_`, `.`.
    public static func isValidName(_ name: String, maxLength: Int) -> Bool {
        !name.isEmpty && name.utf8.count <= maxLength
            && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)) }
    }

    /// True when snmpd can read `p` unquoted on a `createUser` line (Net-SNMP wants at least 8).
    public static func isValidPassphrase(_ p: String) -> Bool {
        (8...64).contains(p.utf8.count)
            && p.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7f && !"\"'#\\".unicodeScalars.contains($0) }
    }
}
