import LoopSentryCore
@testable import NOCBridge
import Testing

@Suite struct NotificationLimitTests {
    let a = Fixtures.key(3, 20), b = Fixtures.key(3, 21), c = Fixtures.key(7, 1)
    let second: UInt64 = 1_000_000_000

    /// Asks `limiter` about each (key, seconds) in turn.
    func admits(_ limiter: inout NotificationRateLimiter, _ asks: [(VLANStatusKey, UInt64)]) -> [Bool] {
        asks.map { limiter.admit($0.0, now: $0.1 * second) }
    }

    @Test func perVLANBurstThenOnePerRefillInterval() {
        var limiter = NotificationRateLimiter(
            limits: NotificationLimits(globalPerMinute: 600, globalBurst: 100, perVLANPerMinute: 6, perVLANBurst: 3), now: 0)
        // 6/min is one token per 10 s; another VLAN has its own bucket.
        let got = admits(&limiter, [(a, 0), (a, 0), (a, 0), (a, 0), (a, 0), (b, 0), (a, 9), (a, 10), (a, 10)])
        #expect(got == [true, true, true, false, false, true, false, true, false])
    }

    @Test func eachVNIHasItsOwnBucketApartFromTheInterfacesVLANs() {
        var limiter = NotificationRateLimiter(
            limits: NotificationLimits(globalPerMinute: 600, globalBurst: 100, perVLANPerMinute: 6, perVLANBurst: 2), now: 0)
        // A VNI row's key holds VLAN 0 of its interface: the VNI, not the key, picks the bucket.
        let underlay = VLANStatusKey(ifIndex: 3, vlan: VLANID(masking: 0))
        let v1 = VNI(5001)!, v2 = VNI(5002)!
        let got = [limiter.admit(underlay, vni: v1, now: 0), limiter.admit(underlay, vni: v1, now: 0),
                   limiter.admit(underlay, vni: v1, now: 0), limiter.admit(underlay, vni: v2, now: 0),
                   limiter.admit(underlay, vni: v2, now: 0), limiter.admit(underlay, vni: v2, now: 0),
                   limiter.admit(underlay, now: 0)]
        #expect(got == [true, true, false, true, true, false, true])
        #expect(limiter.suppressed == 2 && limiter.trackedVLANs == 3)
    }

    @Test func globalLimitCapsAllVLANsAndRefusalsCostNothing() {
        var limiter = NotificationRateLimiter(
            limits: NotificationLimits(globalPerMinute: 60, globalBurst: 2, perVLANPerMinute: 60, perVLANBurst: 2), now: 0)
        // c is refused by the global bucket at 0 without being charged, so it gets the token at 1 s.
        #expect(admits(&limiter, [(a, 0), (b, 0), (c, 0), (c, 1), (a, 1)]) == [true, true, false, true, false])
    }

    @Test func zeroRateSendsNothing() {
        var limiter = NotificationRateLimiter(
            limits: NotificationLimits(globalPerMinute: 0, globalBurst: 5, perVLANPerMinute: 10, perVLANBurst: 5), now: 0)
        #expect(admits(&limiter, [(a, 0), (a, 3600)]) == [false, false])
    }

    @Test func idleVLANBucketsAreForgotten() {
        var limiter = NotificationRateLimiter(limits: NotificationLimits(globalPerMinute: 1_000_000, globalBurst: 10_000), now: 0)
        for v in 1...4094 { _ = limiter.admit(Fixtures.key(1, v), now: 0) }
        for v in 1...10 { _ = limiter.admit(Fixtures.key(2, v), now: 0) }
        #expect(limiter.trackedVLANs == 4104)
        _ = limiter.admit(a, now: 3600 * second)
        #expect(limiter.trackedVLANs == 1)
    }

    @Test func boundedQueueDropsTheOldest() {
        var q = BoundedQueue<Int>(capacity: 3)
        let first = q.append(1)
        #expect(first == nil)
        q.append(2)
        q.append(3)
        let dropped = q.append(4)
        #expect(dropped == 1)
        #expect(q.count == 3)
        let two = q.popFirst()
        #expect(two == 2)
        let pushed = q.pushFront(9)
        #expect(pushed)
        let rest = [q.popFirst(), q.popFirst(), q.popFirst(), q.popFirst()]
        #expect(rest == [9, 3, 4, nil])
        for i in 0..<1000 { q.append(i) }
        let last = [q.popFirst(), q.popFirst(), q.popFirst()]
        #expect(last == [997, 998, 999])
    }

    @Test func notificationVarbindsFollowTheMIB() {
        let n = NOCNotification(kind: .loopConfirmed, row: Fixtures.row(3, 20, state: .detected))
        let vbs = NotificationVarbinds.varbinds(n, sensorName: "edge-7")
        let base = LoopSentryMIB.objects + [2, 1]
        #expect(vbs.map(\.oid) == [3, 13, 8, 11, 15, 7].map { base + [$0, 3, 20] } + [LoopSentryMIB.objects + [1, 8, 0]])
        #expect(vbs.map(\.value) == [.string("trunk0"), .string("acme"), .gauge32(40), .gauge32(1000),
                                     .integer(2), .counter64(6), .string("edge-7")])
        #expect(NotificationVarbinds.trapOID(.vlanRestored) == [1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 1, 0, 7])
    }
}

@Suite struct SubagentLifecycleTests {
    @Test func aSubagentThatWasNeverStartedRefusesNotifications() throws {
        let config = SubagentConfiguration(agentXSocket: "/nonexistent/agentx", version: "x", startTime: Fixtures.t0)
        let subagent = try SNMPSubagent(configuration: config)
        #expect(subagent.notify(NOCNotification(kind: .stormCleared, row: Fixtures.row(3, 20))) == .notRunning)
        #expect(!subagent.isConnectedToMaster)
        subagent.stop()  // no thread: returns at once
        #expect(subagent.statistics == NotificationStatistics())
    }
}
