import LoopSentryCore
import LoopSentryDaemon
import Remediate
import Testing

/// After a native driver: the tenant's playbook takes over when the driver gave up
/// (`fallback: ansible`), and saves and audits a verified cut or restore (`persist: true`).
@Suite struct FallbackAndPersistenceTests {
    @Test("with fallback ansible, the playbook cuts once nftables failed its last attempt")
    func fallbackAfterNativeGivesUp() {
        var h = Harness(Fixture.configuration(fallback: true, maxAttempts: 2))
        #expect(trace(h.storm(10)) == AlarmAndAutoPolicyTests.autoDetection)
        #expect(trace(h.fail(1, "netlink: No such file or directory", at: 1.35)).last == "wake 3.35")
        #expect(trace(h.tick(at: 3.35)).last == "startBatch 2 cut nftables VLANs 10")
        #expect(trace(h.fail(2, "netlink: No such file or directory", at: 3.4)) == [
            "pollSoon",
            "journal run 2 failed",
            "record cutFinished trunk0/10 #1: netlink: No such file or directory",
            "record fallback trunk0/10 #1: nftables gave up (netlink: No such file or directory); running linux_bridge.yml",
        ])
        #expect(h.coordinator.book.machines[key(10)]?.state == .cutting(attempt: 2))
        #expect(h.service(at: 3.5).isEmpty)
        #expect(trace(h.service(at: 3.55)) == [
            "record cutStarted trunk0/10 #1: cut via ansible linux_bridge.yml VLANs 10 port br0 (fallback) attempt 2",
            "startBatch 3 cut ansible VLANs 10",
        ])
        #expect(h.running.map(\.runs) == [[Journal.RunStart(incident: 1, playbook: "linux_bridge.yml", action: "cut", attempt: 2,
                                                             at: wall(3.55).date, driver: "ansible")]])
        #expect(trace(h.succeed(3, "ok=2 changed=1", at: 6.0)) == [
            "pollSoon",
            "journal run 3 succeeded",
            "record cutFinished trunk0/10 #1: ok=2 changed=1",
            "journal #1 cutting→cutting (playbook)",
            "publish",
            "record transition trunk0/10 #1 cutting→cutting",
            "wake 8.0",
        ])
        #expect(trace(h.poll(at: 6.1, [10: 0])).last == "notify cutApplied #1 cut")
        #expect(h.service(at: 10).isEmpty)
    }

    @Test("without fallback, nftables giving up ends the incident cutFailed")
    func noFallbackConfigured() {
        var h = Harness(Fixture.configuration(fallback: false, maxAttempts: 1))
        _ = h.storm(10)
        #expect(trace(h.fail(1, at: 1.35)).suffix(2) == ["record notification trunk0/10 #1 cutFailed", "notify cutFailed #1 cutFailed"])
        #expect(h.service(at: 5).isEmpty)
    }

    @Test("with persist, the playbook saves a verified native cut and, later, a native restore")
    func persistenceAfterNativeCutAndRestore() {
        var h = Harness(Fixture.configuration(persist: true))
        _ = h.storm(10)
        _ = h.succeed(1, at: 1.35)
        #expect(trace(h.poll(at: 1.5, [10: 300])) == Expect.verified(10))
        #expect(h.service(at: 1.6).isEmpty)
        #expect(trace(h.service(at: 1.65)) == [
            "record persistStarted trunk0/10 #1: persist cut via ansible linux_bridge.yml VLANs 10 port br0 attempt 1",
            "startBatch 2 persist ansible VLANs 10",
        ])
        #expect(trace(h.succeed(2, "ok=3 changed=1", at: 5)) == [
            "journal run 2 succeeded",
            "record persistFinished trunk0/10 #1: ok=3 changed=1",
            "journal note #1 cut persistence: saved and audited: ok=3 changed=1",
        ])
        #expect(h.coordinator.book.incidentState(for: key(10)) == .cut)

        _ = h.operator_(.restore, 10, at: 6)
        #expect(trace(h.succeed(3, at: 6.01)) == Expect.restored(10, run: 3))
        #expect(trace(h.service(at: 6.16)) == [
            "record persistStarted trunk0/10 #1: persist restore via ansible linux_bridge.yml VLANs 10 port br0 attempt 1",
            "startBatch 4 persist ansible VLANs 10",
        ])
    }

    @Test("without persist, a native cut runs no playbook")
    func noPersistence() {
        var h = Harness(Fixture.configuration(persist: false))
        _ = h.storm(10)
        _ = h.succeed(1, at: 1.35)
        _ = h.poll(at: 1.5, [10: 300])
        #expect(h.service(at: 10).isEmpty)
        #expect(h.running.isEmpty)
    }
}
