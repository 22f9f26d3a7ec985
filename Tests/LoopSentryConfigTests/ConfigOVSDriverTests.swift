import LoopSentryConfig
import LoopSentryCore
import Testing

/// `remediation.driver: ovs` and its `ovs` mapping: defaults, the playbook's database, and the
/// refusals naming key and line.
@Suite struct ConfigOVSDriverTests {
    let helper = ConfigDriverTests()

    @Test("driver ovs: the system's database and 5000 ms by default; ovs.database and timeout_ms are read; the port key includes the database")
    func defaults() throws {
        let bare = try ConfigLoader.parse(helper.config("{ driver: ovs, port: bond0 }"))
        let r = try #require(bare.tenants[0].remediation)
        #expect(r.driver == .ovs && r.ovs == OVSCutTarget(database: "unix:/var/run/openvswitch/db.sock", timeoutMilliseconds: 5000))
        #expect(r.driver.isNative && !r.persist)
        let set = try ConfigLoader.parse(helper.config(
            "{ driver: ovs, port: trunk, playbook: ovs-trunk-vlan.yml, host: hv1, ovs: { database: \"unix:/run/x/db.sock\", timeout_ms: 800 } }"))
        let t = try #require(set.tenants[0].remediation)
        #expect(t.ovs == OVSCutTarget(database: "unix:/run/x/db.sock", timeoutMilliseconds: 800) && t.persist)
        #expect(t.portKey.hasSuffix("|unix:/run/x/db.sock"))
    }

    @Test("driver ansible may name the database for ovs-trunk-vlan.yml")
    func ansibleDatabase() throws {
        let c = try ConfigLoader.parse(helper.config("{ playbook: ovs-trunk-vlan.yml, host: hv1, port: bond0, ovs: { database: \"unix:/run/o/db.sock\" } }"))
        #expect(c.tenants[0].remediation?.ovs?.database == "unix:/run/o/db.sock")
    }

    @Test("refusals: a database that is not unix:/PATH, a timeout out of range, ovs with driver nftables, a bad port name")
    func refusals() {
        #expect(helper.errors(helper.config("{ driver: ovs, port: p, ovs: { database: \"tcp:10.0.0.1:6640\" } }"))
                == ["tenants[0].remediation.ovs.database (line 7): must be unix:/PATH (the ovsdb-server socket; letters, digits, _ . / -); got 'tcp:10.0.0.1:6640'"])
        #expect(helper.errors(helper.config("{ driver: ovs, port: p, ovs: { timeout_ms: 5 } }")).first?
                    .hasPrefix("tenants[0].remediation.ovs.timeout_ms (line 7): ") == true)
        #expect(helper.errors(helper.config("{ driver: nftables, port: p, ovs: {} }"))
                == ["tenants[0].remediation.ovs (line 7): is only read with driver ovs (or ansible, for the playbook's database)"])
        #expect(helper.errors(helper.config("{ driver: ovs, port: \"a b\" }")).first?
                    .hasPrefix("tenants[0].remediation.port (line 7): 'a b' is not an Open vSwitch port name") == true)
        #expect(helper.errors(helper.config("{ driver: ovs, port: p, ovs: { socket: x } }")).first?
                    .hasPrefix("tenants[0].remediation.ovs.socket (line 7): ") == true)
    }
}
