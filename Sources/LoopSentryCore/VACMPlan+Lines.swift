/// The snmpd.conf lines of a `VACMPlan`: `createUser` lines for snmpd's persistent file
/// (/var/lib/snmp/snmpd.conf) and `group` / `view` / `access` lines for /etc/snmp/snmpd.conf.
extension VACMPlan {
    /// `loopSentryVlanEntry` (root.1.2.1).
    public var entryOID: [UInt] { mibRoot + [1, 2, 1] }

    /// `loopSentryVniEntry` (root.1.3.1).
    public var vniEntryOID: [UInt] { mibRoot + [1, 3, 1] }

    /// The view family of one row: `entry.0.<ifIndex>.<vlan>`; the column's sub-identifier (written
    /// 0) is a wildcard because its mask bit is 0, so the family covers every column of the row.
    public func rowFamily(_ row: Row) -> (subtree: String, mask: String) {
        family(entryOID, UInt(row.ifIndex), UInt(row.vlan.value))
    }

    /// The view family of one VNI row: `vniEntry.0.<ifIndex>.<vni>`, masked like a VLAN row's.
    public func rowFamily(_ row: VNIRow) -> (subtree: String, mask: String) {
        family(vniEntryOID, UInt(row.ifIndex), UInt(row.vni.value))
    }

    private func family(_ entry: [UInt], _ ifIndex: UInt, _ segment: UInt) -> (subtree: String, mask: String) {
        let subtree = entry + [0, ifIndex, segment]
        return (Self.dotted(subtree), Self.mask(length: subtree.count, wildcard: entry.count + 1))
    }

    /// The RFC 3415 mask for a subtree of `length` sub-identifiers with a 0 bit at the 1-based
    /// position `wildcard`: the most significant bit of octet i is sub-identifier 8i-7; bits past
    /// `length` are 1 (as the RFC extends a short mask). Written as Net-SNMP reads it: `ff:fb`.
    public static func mask(length: Int, wildcard: Int) -> String {
        var octets = [UInt8](repeating: 0xff, count: (length + 7) / 8)
        octets[(wildcard - 1) / 8] &= ~(UInt8(0x80) >> UInt8((wildcard - 1) % 8))
        return octets.map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined(separator: ":")
    }

    static func dotted(_ oid: [UInt]) -> String { oid.map { ".\($0)" }.joined() }

    /// Group and view names: `lst-<tenant>`, `lst-<tenant>-r`, `lst-<tenant>-w`; the NOC's `lsnoc…`.
    public static func group(tenant: String) -> String { "lst-\(tenant)" }
    public static let nocGroup = "lsnoc"

    /// The lines for snmpd's persistent file, one `createUser` per user (NOC first, if any). snmpd reads
    /// them at start and, when it next saves the file, replaces them with `usmUser` lines holding
    /// localized keys, so the passphrases do not stay on disk. Throws if a user has no credentials.
    public func createUserLines(_ credentials: [String: Credentials]) throws(PlanError) -> [String] {
        try users.map { user throws(PlanError) in
            guard let c = credentials[user] else { throw .missingCredentials(user: user) }
            guard Self.isValidPassphrase(c.auth) else { throw .invalidPassphrase(user: user, kind: "auth") }
            guard Self.isValidPassphrase(c.priv) else { throw .invalidPassphrase(user: user, kind: "priv") }
            return "createUser \(user) SHA \(c.auth) AES \(c.priv)"
        }
    }

    /// The lines for /etc/snmp/snmpd.conf: the NOC's group, views and access, then each tenant's.
    /// Every `access` line requires `priv` (authPriv), exact context "" and the USM model; the
    /// notify view is `none` (notifications go to trap sinks, not per user).
    public var accessLines: [String] {
        var lines: [String] = []
        if let nocUser {
            lines += [
                "# NOC operator '\(nocUser)': reads everything snmpd serves, writes LOOPSENTRY-MIB only",
                "group  \(Self.nocGroup)  usm  \(nocUser)",
                "view   \(Self.nocGroup)-r  included  .1",
                "view   \(Self.nocGroup)-w  included  \(Self.dotted(mibRoot))",
                "access \(Self.nocGroup)  \"\"  usm  priv  exact  \(Self.nocGroup)-r  \(Self.nocGroup)-w  none",
            ]
        }
        for t in tenants {
            let g = Self.group(tenant: t.name)
            lines += ["# tenant '\(t.name)': \(t.rows.count + t.vniRows.count) row(s) on \(Self.summary(t.rows, t.vniRows))",
                      "group  \(g)  usm  \(t.name)"]
            lines += Self.tenantReadableScalars.map { "view   \(g)-r  included  \(Self.dotted(mibRoot + [1, 1, $0]))" }
            lines += t.rows.map { row in
                let f = rowFamily(row)
                return "view   \(g)-r  included  \(f.subtree)  \(f.mask)"
            }
            lines += t.vniRows.map { row in
                let f = rowFamily(row)
                return "view   \(g)-r  included  \(f.subtree)  \(f.mask)"
            }
            lines += t.rows.flatMap { row in
                Self.tenantWritableColumns.map { c in
                    "view   \(g)-w  included  \(Self.dotted(entryOID + [c, UInt(row.ifIndex), UInt(row.vlan.value)]))"
                }
            }
            lines += t.vniRows.flatMap { row in
                Self.tenantWritableVNIColumns.map { c in
                    "view   \(g)-w  included  \(Self.dotted(vniEntryOID + [c, UInt(row.ifIndex), UInt(row.vni.value)]))"
                }
            }
            lines.append("access \(g)  \"\"  usm  priv  exact  \(g)-r  \(g)-w  none")
        }
        return lines
    }

    /// `eth1 (ifIndex 3): VLANs 10-11, VNIs 5000; eth2 (ifIndex 7): VLANs 5`, by interface name.
    static func summary(_ rows: [Row], _ vniRows: [VNIRow]) -> String {
        let vlans = Dictionary(grouping: rows, by: \.interface)
        let vnis = Dictionary(grouping: vniRows, by: \.interface)
        return Set(vlans.keys).union(vnis.keys).sorted().map { name in
            let ifIndex = vlans[name]?.first?.ifIndex ?? vnis[name]![0].ifIndex
            let parts = (vlans[name].map { ["VLANs \(VLANSet($0.map { $0.vlan...$0.vlan }))"] } ?? [])
                + (vnis[name].map { ["VNIs \(VNISet($0.map { $0.vni...$0.vni }))"] } ?? [])
            return "\(name) (ifIndex \(ifIndex)): \(parts.joined(separator: ", "))"
        }.joined(separator: "; ")
    }

    /// The command's whole output: passphrases in comments, then both files' parts, each headed
    /// by the file it belongs in.
    public func render(_ credentials: [String: Credentials]) throws(PlanError) -> String {
        let create = try createUserLines(credentials)
        let width = users.map(\.count).max() ?? 0
        var out = [
            "# loopsentry snmp-vacm — SNMPv3 (SHA + AES, authPriv) users and VACM views for LOOPSENTRY-MIB",
            "# (\(Self.dotted(mibRoot))). Passphrases, shown only here; give each user its own:",
        ]
        out += users.map { u in
            "#   \(u.padding(toLength: width, withPad: " ", startingAt: 0))  auth \(credentials[u]!.auth)  priv \(credentials[u]!.priv)"
        }
        out += ["#",
                "# ---- Part 1: snmpd's persistent file /var/lib/snmp/snmpd.conf (stop snmpd first) ----",
                "# snmpd turns these into usmUser lines with localized keys when it next saves that file."]
        out += create
        out += ["#",
                "# ---- Part 2: /etc/snmp/snmpd.conf ----",
                "# Tenants: read their own VLAN and VNI rows (every column) + loopSentryVersion/StartTime/SensorName;",
                "# write loopSentryVlanAction/ActionAuthor and loopSentryVniAction/ActionAuthor of their own rows; nothing else."]
        out += accessLines
        return out.joined(separator: "\n") + "\n"
    }
}
