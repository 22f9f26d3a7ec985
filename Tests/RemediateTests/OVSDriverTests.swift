import Foundation
import LoopSentryCore
@testable import Remediate
import Testing

/// The native `ovs` driver against a real Open vSwitch (private ovsdb-server + ovs-vswitchd,
/// userspace datapath), cross-checked with `ovs-vsctl`, with frames through the switch counted by
/// tcpdump, and with ovs-trunk-vlan.yml (each sees the other's cut as done).
@Suite(.serialized, .enabled(if: OVSFixture.canRun, "\(OVSFixture.unavailable ?? "")"))
final class OVSDriverTests {
    let ovs: OVSFixture

    init() throws { ovs = try OVSFixture(tag: "d") }

    deinit { ovs.close() }

    func v(_ n: Int...) -> [VLANID] { n.map { VLANID($0)! } }
    func driver(_ port: String = "trunk", timeout: Int = 5000) -> OVSCutDriver {
        OVSCutDriver(target: OVSCutTarget(database: ovs.database, timeoutMilliseconds: timeout), port: port)
    }
    func batch(_ action: PlaybookAction, _ vlans: [VLANID]) -> CutBatch {
        CutBatch(action: action, items: vlans.map { ($0, UInt64(7)) }, tenant: "acme")
    }

    @Test("cut VLAN 20 from trunks 10,20,30 and read it back with ovs-vsctl; a repeat changes nothing; restore gives back exactly 10,20,30 and no keys")
    func cutRepeatRestore() async throws {
        let cut = await driver().apply(batch(.cut, v(20)))
        #expect(cut.succeeded && cut.changed, "\(cut.detail)")
        #expect(cut.detail.hasPrefix("ovs: VLAN 20 removed from port trunk: trunks 10,20,30 -> 10,30, applied by ovs-vswitchd in "), "\(cut.detail)")
        #expect(try ovs.get("trunk", "trunks") == "[10, 30]")
        #expect(try ovs.get("trunk", "external_ids") == "{loopsentry-cut-vlans=\"20\", loopsentry-original-trunks=\"10,20,30\"}")
        let again = await driver().apply(batch(.cut, v(20)))
        #expect(again.succeeded && !again.changed && again.detail.hasPrefix("ovs: no change on port trunk (VLAN 20 already cut; trunks 10,30)"))
        let restore = await driver().apply(batch(.restore, v(20)))
        #expect(restore.succeeded && restore.changed, "\(restore.detail)")
        #expect(try ovs.get("trunk", "trunks") == "[10, 20, 30]")
        #expect(try ovs.get("trunk", "external_ids") == "{}")
        let twice = await driver().apply(batch(.restore, v(20)))
        #expect(twice.succeeded && !twice.changed)
    }

    @Test("a port with empty trunks (every VLAN): the cut writes the explicit rest and records 'all'; restore gives back empty trunks")
    func everyVLANPort() async throws {
        let cut = await driver("allv").apply(batch(.cut, v(20, 21)))
        #expect(cut.succeeded && cut.detail.contains("trunks all -> 0-19,22-4095 (empty trunks: every VLAN)"), "\(cut.detail)")
        let trunks = try ovs.get("allv", "trunks")
        #expect(trunks.split(separator: ",").count == 4094 && !trunks.contains(" 20,") && trunks.hasPrefix("[0, 1, "))
        #expect(try ovs.get("allv", "external_ids") == "{loopsentry-cut-vlans=\"20,21\", loopsentry-original-trunks=all}")
        #expect(await driver("allv").apply(batch(.restore, v(20, 21))).succeeded)
        #expect(try ovs.get("allv", "trunks") == "[]")
        #expect(try ovs.get("allv", "external_ids") == "{}")
    }

    @Test("neighbour VLAN exact: VLAN 10 delivers 1000 of 1000 while VLAN 20 is cut mid-stream; afterwards 10 gets 200 of 200, 20 none; after restore 20 gets 200 of 200")
    func neighbourDelivery() async throws {
        try ovs.send([10, 20], count: 5)   // MAC learning and flows settle
        let fixture = ovs, cutter = driver(), cutBatch = batch(.cut, v(20))
        let during = try await fixture.delivered([10, 20]) {
            let before = try fixture.receivedFrames()
            let sender = Task.detached { try fixture.send([10, 20], count: 1000, rate: 400) }
            try fixture.waitForFrames(200, from: before)   // the stream flows: cut in its middle (it lasts 5 s)
            let cut = await cutter.apply(cutBatch)
            #expect(cut.succeeded, "\(cut.detail)")
            try await sender.value
        }
        print("during the cut: VLAN 10 \(during[10] ?? -1) of 1000, VLAN 20 \(during[20] ?? -1) of 1000")
        #expect(during[10] == 1000)
        #expect((1..<1000).contains(during[20] ?? -1), "VLAN 20 flowed until the cut, then stopped")
        let after = try await fixture.delivered([10, 20]) { try fixture.send([10, 20], count: 200) }
        #expect(after == [10: 200, 20: 0])
        #expect(await driver().apply(batch(.restore, v(20))).succeeded)
        let restored = try await fixture.delivered([10, 20]) { try fixture.send([10, 20], count: 200) }
        #expect(restored == [10: 200, 20: 200])
    }

    @Test("interop: the playbook sees the driver's cut as done (changed=0) and restores it; the driver sees the playbook's cut as done",
          .enabled(if: AnsibleTestEnv.hasAnsible, AnsibleTestEnv.noAnsible))
    func playbookInterop() async throws {
        #expect(await driver().apply(batch(.cut, v(20))).succeeded)
        let audit = try await OVSPlaybookTests.play(.cut, [20], database: ovs.database)
        #expect(audit.succeeded && audit.changed == 0, "\(audit.output.suffix(400))")
        let restored = try await OVSPlaybookTests.play(.restore, [20], database: ovs.database)
        #expect(restored.succeeded && restored.changed == 1)
        #expect(try ovs.get("trunk", "trunks") == "[10, 20, 30]")
        let byPlaybook = try await OVSPlaybookTests.play(.cut, [30], database: ovs.database)
        #expect(byPlaybook.succeeded && byPlaybook.changed == 1)
        let seen = await driver().apply(batch(.cut, v(30)))
        #expect(seen.succeeded && !seen.changed, "\(seen.detail)")
        let removed = await driver().apply(batch(.restore, v(30)))
        #expect(removed.succeeded && removed.changed)
        #expect(try ovs.get("trunk", "trunks") == "[10, 20, 30]")
        #expect(try ovs.get("trunk", "external_ids") == "{}")
    }

    @Test("a port that does not exist and an access port: every VLAN fails with one line, nothing changes")
    func badPorts() async throws {
        let missing = await driver("nope").apply(batch(.cut, v(20, 30)))
        #expect(missing.failures.count == 2)
        #expect(missing.failures[VLANID(20)!] == "ovs port nope (\(ovs.database)): port nope not found in the database; nothing changed")
        let access = await driver("acc").apply(batch(.cut, v(10)))
        #expect(access.failures[VLANID(10)!] == "ovs port acc (\(ovs.database)): acc is an access port (tag 10): its trunks do not decide what it forwards; nothing changed")
        #expect(try ovs.get("acc", "tag") == "10" && ovs.get("acc", "trunks") == "[]" && ovs.get("acc", "external_ids") == "{}")
    }

    @Test("database down (socket missing): every VLAN fails with one line naming the socket; after it returns the trunks are untouched and the cut works")
    func databaseDown() async throws {
        ovs.ovs.stopDaemon("ovsdb-server")
        #expect(!FileManager.default.fileExists(atPath: ovs.ovs.socket))
        let out = await driver().apply(batch(.cut, v(20, 30)))
        #expect(out.failures.count == 2 && !out.changed)
        #expect(out.failures[VLANID(30)!] == "ovs port trunk (\(ovs.database)): connect \(ovs.ovs.socket): No such file or directory (errno 2)")
        try ovs.ovs.startDatabase()
        let clock = ContinuousClock(), until = clock.now.advanced(by: .seconds(10))
        while !FileManager.default.fileExists(atPath: ovs.ovs.socket), clock.now < until { usleep(20_000) }
        #expect(try ovs.get("trunk", "trunks") == "[10, 20, 30]")
        #expect(await driver().apply(batch(.cut, v(20))).succeeded)
    }

    @Test("ovs-vswitchd down: the driver gives up at its timeout with one line naming cur_cfg; a retry after it returns succeeds")
    func switchDaemonDown() async throws {
        ovs.ovs.stopDaemon("ovs-vswitchd")
        let out = await driver(timeout: 500).apply(batch(.cut, v(20)))
        #expect(out.failures.count == 1)
        let line = out.failures[VLANID(20)!] ?? ""
        #expect(line.hasPrefix("ovs port trunk (\(ovs.database)): ovs-vswitchd has not applied the database (cur_cfg "), "\(line)")
        #expect(line.hasSuffix("within 500 ms: is ovs-vswitchd running? The database has the change."), "\(line)")
        try ovs.ovs.startSwitch()
        let retry = await driver(timeout: 15_000).apply(batch(.cut, v(20)))
        #expect(retry.succeeded && !retry.changed, "\(retry.detail)")
        #expect(try ovs.get("trunk", "trunks") == "[10, 30]")
    }

    @Test("another writer between the read and the transaction: the guarded transaction is refused and the other writer's trunks stay; the next batch plans from them")
    func concurrentWriter() async throws {
        let d = driver()
        let db = try OVSDBConnection(path: ovs.ovs.socket, deadline: ContinuousClock.now.advanced(by: .seconds(5)))
        let stale = try d.readPort(db)
        try ovs.ovs.vsctl(["set", "Port", "trunk", "trunks=10,20,30,40"])   // the other writer
        let b = batch(.cut, v(20))
        let plan = OVSTrunkPlan(row: stale, action: .cut, vlans: b.vlans, port: "trunk")
        #expect(throws: OVSDBError.refused("timed out: \"where\" clause test failed")) {
            try d.commit(db, row: stale, plan: plan, batch: b)
        }
        #expect(try ovs.get("trunk", "trunks") == "[10, 20, 30, 40]")
        #expect(try ovs.get("trunk", "external_ids") == "{}")
        let cut = await d.apply(b)
        #expect(cut.succeeded && cut.detail.contains("trunks 10,20,30,40 -> 10,30,40"), "\(cut.detail)")
    }
}
