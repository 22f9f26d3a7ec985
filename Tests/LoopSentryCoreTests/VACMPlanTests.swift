import LoopSentryCore
import Testing

/// `VACMPlan` turns tenants, ifIndex values and the MIB root into exact snmpd.conf lines.
@Suite struct VACMPlanTests {
    static let root: [UInt] = [1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 1]

    static func vlans(_ text: String) -> VLANSet { try! VLANSet(parsing: text) }

    static let tenants = [
        VACMPlan.Tenant(name: "org-a", vlans: [("eth1", vlans("10-11"))]),
        VACMPlan.Tenant(name: "org_b.2", vlans: [("eth2", vlans("5")), ("eth1", vlans("20"))]),
    ]

    static func plan() throws -> VACMPlan {
        try VACMPlan(tenants: tenants, ifIndex: ["eth1": 3, "eth2": 7], mibRoot: root, nocUser: "noc")
    }

    @Test func accessLinesGiveEachTenantMaskedRowViewsAndActionWriteViews() throws {
        let p = "view   lst-org-a"
        let e = ".1.3.6.1.4.1.8072.9999.9999.1.1.2.1"
        #expect(try Self.plan().accessLines == [
            "# NOC operator 'noc': reads everything snmpd serves, writes LOOPSENTRY-MIB only",
            "group  lsnoc  usm  noc",
            "view   lsnoc-r  included  .1",
            "view   lsnoc-w  included  .1.3.6.1.4.1.8072.9999.9999.1",
            "access lsnoc  \"\"  usm  priv  exact  lsnoc-r  lsnoc-w  none",
            "# tenant 'org-a': 2 row(s) on eth1 (ifIndex 3): VLANs 10-11",
            "group  lst-org-a  usm  org-a",
            "\(p)-r  included  .1.3.6.1.4.1.8072.9999.9999.1.1.1.1",
            "\(p)-r  included  .1.3.6.1.4.1.8072.9999.9999.1.1.1.2",
            "\(p)-r  included  .1.3.6.1.4.1.8072.9999.9999.1.1.1.8",
            "\(p)-r  included  \(e).0.3.10  ff:fb",
            "\(p)-r  included  \(e).0.3.11  ff:fb",
            "\(p)-w  included  \(e).17.3.10",
            "\(p)-w  included  \(e).19.3.10",
            "\(p)-w  included  \(e).17.3.11",
            "\(p)-w  included  \(e).19.3.11",
            "access lst-org-a  \"\"  usm  priv  exact  lst-org-a-r  lst-org-a-w  none",
            "# tenant 'org_b.2': 2 row(s) on eth1 (ifIndex 3): VLANs 20; eth2 (ifIndex 7): VLANs 5",
            "group  lst-org_b.2  usm  org_b.2",
            "view   lst-org_b.2-r  included  .1.3.6.1.4.1.8072.9999.9999.1.1.1.1",
            "view   lst-org_b.2-r  included  .1.3.6.1.4.1.8072.9999.9999.1.1.1.2",
            "view   lst-org_b.2-r  included  .1.3.6.1.4.1.8072.9999.9999.1.1.1.8",
            "view   lst-org_b.2-r  included  \(e).0.3.20  ff:fb",
            "view   lst-org_b.2-r  included  \(e).0.7.5  ff:fb",
            "view   lst-org_b.2-w  included  \(e).17.3.20",
            "view   lst-org_b.2-w  included  \(e).19.3.20",
            "view   lst-org_b.2-w  included  \(e).17.7.5",
            "view   lst-org_b.2-w  included  \(e).19.7.5",
            "access lst-org_b.2  \"\"  usm  priv  exact  lst-org_b.2-r  lst-org_b.2-w  none",
        ])
    }

    @Test func createUserLinesUseSHAAndAESForTheNOCThenEachTenant() throws {
        let c = ["noc": VACMPlan.Credentials(auth: "nocAuth123", priv: "nocPriv123"),
                 "org-a": VACMPlan.Credentials(auth: "aAuth12345", priv: "aPriv12345"),
                 "org_b.2": VACMPlan.Credentials(auth: "bAuth12345", priv: "bPriv12345")]
        #expect(try Self.plan().createUserLines(c) == [
            "createUser noc SHA nocAuth123 AES nocPriv123",
            "createUser org-a SHA aAuth12345 AES aPriv12345",
            "createUser org_b.2 SHA bAuth12345 AES bPriv12345",
        ])
        let text = try Self.plan().render(c)
        #expect(text.contains("#   org-a    auth aAuth12345  priv aPriv12345\n"))
        #expect(text.contains("# ---- Part 1: snmpd's persistent file /var/lib/snmp/snmpd.conf (stop snmpd first) ----\n"
                              + "# snmpd turns these into usmUser lines with localized keys when it next saves that file.\n"
                              + "createUser noc SHA"))
        #expect(text.hasSuffix("access lst-org_b.2  \"\"  usm  priv  exact  lst-org_b.2-r  lst-org_b.2-w  none\n"))
    }

    @Test func withoutANOCUserOnlyTheTenantsLinesArePrinted() throws {
        let plan = try VACMPlan(tenants: Array(Self.tenants.prefix(1)), ifIndex: ["eth1": 3], mibRoot: Self.root, nocUser: nil)
        #expect(plan.users == ["org-a"])
        #expect(plan.accessLines.first == "# tenant 'org-a': 2 row(s) on eth1 (ifIndex 3): VLANs 10-11")
        #expect(!plan.accessLines.contains { $0.contains("lsnoc") })
        let c = VACMPlan.Credentials(auth: "aAuth12345", priv: "aPriv12345")
        #expect(try plan.createUserLines(["org-a": c]) == ["createUser org-a SHA aAuth12345 AES aPriv12345"])
    }

    @Test func masksFollowRFC3415BitOrderAndExtendWithOnes() {
        #expect(VACMPlan.mask(length: 16, wildcard: 14) == "ff:fb")
        #expect(VACMPlan.mask(length: 12, wildcard: 1) == "7f:ff")
        #expect(VACMPlan.mask(length: 17, wildcard: 9) == "ff:7f:ff")
        #expect(VACMPlan.mask(length: 8, wildcard: 8) == "fe")
    }

    @Test func aRangeOf100VLANsIsExpandedTo100RowViewsAndDuplicatesMerge() throws {
        let t = VACMPlan.Tenant(name: "big", vlans: [("eth1", Self.vlans("100-199")), ("eth1", Self.vlans("150-160"))])
        let plan = try VACMPlan(tenants: [t], ifIndex: ["eth1": 3], mibRoot: Self.root)
        #expect(plan.tenants[0].rows.count == 100)
        #expect(plan.accessLines.filter { $0.hasPrefix("view   lst-big-r") && $0.hasSuffix("ff:fb") }.count == 100)
        #expect(plan.accessLines.filter { $0.hasPrefix("view   lst-big-w") }.count == 200)
    }

    @Test func badNamesIfIndexesAndPassphrasesAreRefusedWithOneLineErrors() throws {
        func make(_ name: String, _ ifIndex: [String: Int32] = ["eth1": 3], noc: String = "noc") -> VACMPlan.PlanError? {
            do {
                _ = try VACMPlan(tenants: [.init(name: name, vlans: [("eth1", Self.vlans("10"))])],
                                 ifIndex: ifIndex, mibRoot: Self.root, nocUser: noc)
                return nil
            } catch { return error }
        }
        #expect(make("org a") == .invalidTenantName("org a"))
        #expect(make("org\"a") == .invalidTenantName("org\"a"))
        #expect(make("örg") == .invalidTenantName("örg"))
        #expect(make(String(repeating: "x", count: 27)) == .invalidTenantName(String(repeating: "x", count: 27)))
        #expect(make(String(repeating: "x", count: 26)) == nil)
        #expect(make("noc") == .tenantNameIsNOCUser("noc"))
        #expect(make("a", noc: "bad user") == .invalidUserName("bad user"))
        #expect(make("a", [:]) == .unknownIfIndex(interface: "eth1", tenant: "a"))
        #expect(make("a", ["eth1": 0]) == .invalidIfIndex(interface: "eth1", value: 0))
        #expect(make("a", [:])?.description == "no ifIndex for interface 'eth1' (tenant 'a'): pass --ifindex eth1=N")
        let empty = VACMPlan.Tenant(name: "e", vlans: [])
        #expect(throws: VACMPlan.PlanError.noVLANs(tenant: "e")) {
            try VACMPlan(tenants: [empty], ifIndex: [:], mibRoot: Self.root)
        }
        let plan = try Self.plan()
        let good = VACMPlan.Credentials(auth: "abcdefgh", priv: "abcdefgh")
        for bad in ["short", "has space1", "quote\"abc", "hash#abcd", "back\\slash", String(repeating: "a", count: 65)] {
            var c = ["noc": good, "org-a": good, "org_b.2": good]
            c["org-a"]?.priv = bad
            #expect(throws: VACMPlan.PlanError.invalidPassphrase(user: "org-a", kind: "priv")) { try plan.createUserLines(c) }
        }
        #expect(throws: VACMPlan.PlanError.missingCredentials(user: "org_b.2")) {
            try plan.createUserLines(["noc": good, "org-a": good])
        }
    }

    @Test func aTenantsVNIRowsGetMaskedRowViewsAndActionWriteViewsOfTheVNITable() throws {
        let t = VACMPlan.Tenant(name: "org-v", vlans: [("eth1", Self.vlans("10"))],
                                vnis: [("ul0", try VNISet(parsing: "5000-5001")), ("eth1", try VNISet(parsing: "7"))])
        let plan = try VACMPlan(tenants: [t], ifIndex: ["eth1": 3, "ul0": 4], mibRoot: Self.root, nocUser: nil)
        let p = "view   lst-org-v"
        let e = ".1.3.6.1.4.1.8072.9999.9999.1.1.2.1"
        let v = ".1.3.6.1.4.1.8072.9999.9999.1.1.3.1"
        #expect(plan.accessLines == [
            "# tenant 'org-v': 4 row(s) on eth1 (ifIndex 3): VLANs 10, VNIs 7; ul0 (ifIndex 4): VNIs 5000-5001",
            "group  lst-org-v  usm  org-v",
            "\(p)-r  included  .1.3.6.1.4.1.8072.9999.9999.1.1.1.1",
            "\(p)-r  included  .1.3.6.1.4.1.8072.9999.9999.1.1.1.2",
            "\(p)-r  included  .1.3.6.1.4.1.8072.9999.9999.1.1.1.8",
            "\(p)-r  included  \(e).0.3.10  ff:fb",
            "\(p)-r  included  \(v).0.3.7  ff:fb",
            "\(p)-r  included  \(v).0.4.5000  ff:fb",
            "\(p)-r  included  \(v).0.4.5001  ff:fb",
            "\(p)-w  included  \(e).17.3.10",
            "\(p)-w  included  \(e).19.3.10",
            "\(p)-w  included  \(v).16.3.7",
            "\(p)-w  included  \(v).18.3.7",
            "\(p)-w  included  \(v).16.4.5000",
            "\(p)-w  included  \(v).18.4.5000",
            "\(p)-w  included  \(v).16.4.5001",
            "\(p)-w  included  \(v).18.4.5001",
            "access lst-org-v  \"\"  usm  priv  exact  lst-org-v-r  lst-org-v-w  none",
        ])
        // A tenant with VNIs only is planned; one whose VNIs would need too many view lines is not.
        let only = VACMPlan.Tenant(name: "org-w", vlans: [], vnis: [("ul0", try VNISet(parsing: "9"))])
        #expect(try VACMPlan(tenants: [only], ifIndex: ["ul0": 4], mibRoot: Self.root).tenants[0].vniRows.map(\.vni.value) == [9])
        let huge = VACMPlan.Tenant(name: "org-x", vlans: [], vnis: [("ul0", try VNISet(parsing: "1-4095"))])
        #expect(throws: VACMPlan.PlanError.tooManyVNIs(tenant: "org-x", count: 4095)) {
            try VACMPlan(tenants: [huge], ifIndex: ["ul0": 4], mibRoot: Self.root)
        }
        let unknown = VACMPlan.Tenant(name: "org-y", vlans: [], vnis: [("ul9", try VNISet(parsing: "9"))])
        #expect(throws: VACMPlan.PlanError.unknownIfIndex(interface: "ul9", tenant: "org-y")) {
            try VACMPlan(tenants: [unknown], ifIndex: ["ul0": 4], mibRoot: Self.root)
        }
    }
}
