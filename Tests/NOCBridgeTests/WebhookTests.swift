import Foundation
import LoopSentryCore
@testable import NOCBridge
import Testing

/// The webhook's pure parts: the retry schedule and the outbox on a manual clock, the
/// signature, the body.
@Suite struct WebhookTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    static func delivery(_ id: String, at t: Date = t0) -> WebhookDelivery {
        WebhookDelivery(id: id, tenant: "acme", url: "http://127.0.0.1:9/hook", body: "{}", createdAt: t)
    }

    @Test("the backoff ceiling doubles from 1 s and is capped at 5 min")
    func backoffCeiling() {
        let b = WebhookBackoff()
        #expect((0...11).map { b.ceiling(afterFailures: $0) } == [0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300])
        #expect(b.ceiling(afterFailures: 10_000) == 300)
    }

    /// Expected values computed outside Swift (SplitMix64 and Lemire's bounded draw, in Python).
    @Test("equal jitter: seed 42 gives exactly these waits; each is half the ceiling plus 0...half, in ms")
    func backoffJitterForASeed() {
        let b = WebhookBackoff()
        var g = SeededGenerator(seed: 42)
        #expect((1...11).map { b.delay(afterFailures: $0, using: &g) }
                == [0.871, 1.16, 2.557, 5.377, 8.304, 29.892, 38.989, 115.241, 171.511, 242.772, 180.735])
        var h = SeededGenerator(seed: 42)
        #expect(b.nextAttempt(afterFailures: 1, at: Self.t0, using: &h) == Self.t0.addingTimeInterval(0.871))
    }

    @Test("equal jitter: for any seed every wait is within [ceiling/2, ceiling], in whole ms, and the waits spread")
    func backoffJitterBounds() {
        let b = WebhookBackoff()
        for seed in UInt64(0)..<200 {
            var g = SeededGenerator(seed: seed &* 0x9E37_79B9)
            for failures in [1, 2, 3, 9, 10, 11, 40, 10_000] {
                let ceiling = b.ceiling(afterFailures: failures)
                let wait = b.delay(afterFailures: failures, using: &g)
                #expect(wait >= ceiling / 2 && wait <= ceiling, "seed \(seed), failure \(failures): \(wait)")
                #expect((wait * 1000).rounded() / 1000 == wait)
            }
        }
        // 200 deliveries failing once at the same moment do not retry in lockstep.
        var g = SeededGenerator(seed: 7)
        let firstRetries = Set((0..<200).map { _ in b.delay(afterFailures: 1, using: &g) })
        #expect(firstRetries.count > 150)
        var zero = SeededGenerator(seed: 1)
        #expect(b.delay(afterFailures: 0, using: &zero) == 0)
    }

    @Test("the outbox on a manual clock: due at once, retried after jittered 1, 2, 4 s ceilings, gone once delivered")
    func outboxSchedule() throws {
        var now = Self.t0
        var o = WebhookOutbox()
        var g = SeededGenerator(seed: 42)
        o.add(Self.delivery("a"))
        o.add(Self.delivery("a"))
        #expect(o.due(at: now).map(\.id) == ["a"] && o.pending.count == 1)
        var waits: [TimeInterval] = []
        for _ in 0..<3 {
            let failed = o.failed("a", error: "HTTP 500", at: now, using: &g)
            let row = try #require(failed)
            #expect(row.lastError == "HTTP 500" && row.deliveredAt == nil)
            waits.append(row.nextAttemptAt.timeIntervalSince(now))
            #expect(o.due(at: now.addingTimeInterval(waits.last! - 0.001)).isEmpty)
            now = row.nextAttemptAt
            #expect(o.due(at: now).map(\.id) == ["a"])
        }
        #expect(zip(waits, [0.871, 1.16, 2.557]).allSatisfy { abs($0 - $1) < 1e-6 }, "\(waits)")
        let delivered = o.delivered("a", at: now)
        let done = try #require(delivered)
        #expect(done.deliveredAt == now && done.attempts == 3)
        #expect(o.pending.isEmpty && o.nextAttemptAt == nil && o.delivered("a", at: now) == nil)
    }

    @Test("lanes: one per URL, each oldest due first; a failing lane's schedule does not hold the other; abandon removes")
    func outboxLanes() throws {
        func to(_ id: String, _ url: String, at t: Date = Self.t0) -> WebhookDelivery {
            WebhookDelivery(id: id, tenant: "acme", url: url, body: "{}", createdAt: t)
        }
        let (a, b) = ("http://127.0.0.1:1/a", "http://127.0.0.1:2/b")
        var o = WebhookOutbox(pending: [to("a1", a), to("b1", b), to("a2", a), to("b2", b, at: Self.t0.addingTimeInterval(5))])
        #expect(o.lanes == [a, b])
        #expect(o.firstDue(lane: a, at: Self.t0)?.id == "a1" && o.firstDue(lane: b, at: Self.t0)?.id == "b1")
        var g = SeededGenerator(seed: 3)
        _ = o.failed("a1", error: "timed out after 10 s", at: Self.t0, using: &g)
        // a1 waits for its retry; a2 is the lane's oldest due now; lane b is untouched.
        #expect(o.firstDue(lane: a, at: Self.t0)?.id == "a2" && o.firstDue(lane: b, at: Self.t0)?.id == "b1")
        _ = o.delivered("a2", at: Self.t0)
        #expect(o.firstDue(lane: a, at: Self.t0) == nil)
        let retry = try #require(o.nextAttemptAt(lane: a))
        #expect(retry > Self.t0 && retry <= Self.t0.addingTimeInterval(1) && o.firstDue(lane: a, at: retry)?.id == "a1")
        #expect(o.nextAttemptAt(lane: b) == Self.t0 && o.nextAttemptAt(lane: "http://x/none") == nil)
        let gone = o.abandon { $0.url == b }
        #expect(gone.map(\.id) == ["b1", "b2"] && o.lanes == [a] && o.pending.map(\.id) == ["a1"])
    }

    @Test("retention: the cutoff is exactly `days` days before now; the next prune a day after the last")
    func retention() {
        let r = WebhookRetention(days: 30)
        #expect(r.cutoff(at: Self.t0) == Date(timeIntervalSince1970: 1_795_000_000 - 30 * 86_400))
        #expect(r.nextPrune(after: Self.t0) == Date(timeIntervalSince1970: 1_795_086_400))
    }

    @Test("resumed rows keep their schedule; delivered rows are not resumed; oldest first")
    func outboxResume() {
        var late = Self.delivery("late")
        late.attempts = 9
        late.nextAttemptAt = Self.t0.addingTimeInterval(256)
        var done = Self.delivery("done")
        done.deliveredAt = Self.t0
        let o = WebhookOutbox(pending: [Self.delivery("first"), late, done, Self.delivery("second", at: Self.t0.addingTimeInterval(1))])
        #expect(o.pending.map(\.id) == ["first", "late", "second"])
        #expect(o.due(at: Self.t0.addingTimeInterval(1)).map(\.id) == ["first", "second"])
        #expect(o.due(at: Self.t0.addingTimeInterval(256)).map(\.id) == ["first", "late", "second"])
        #expect(o.nextAttemptAt == Self.t0)
    }

    @Test("HMAC-SHA256 through the OpenSSL shim matches RFC 4231; the header is t=...,v1=...")
    func signature() {
        let mac = OpenSSLHMAC.sha256(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(WebhookSignature.hex(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        let v = WebhookSignature.value(secret: Array("Jefe".utf8), timestamp: 1_795_000_000, body: Array("{}".utf8))
        let expected = WebhookSignature.hex(OpenSSLHMAC.sha256(key: Array("Jefe".utf8), message: Array("1795000000.{}".utf8)))
        #expect(v == "t=1795000000,v1=\(expected)")
    }

    @Test("the body has exactly the documented fields; sensor is omitted when nil; multicast storms carry multicast figures")
    func body() throws {
        var n = NOCNotification(kind: .cutApplied, key: VLANStatusKey(ifIndex: 4, vlan: VLANID(20)!), ifName: "trunk0",
                                tenant: "acme", broadcastRate: 3000, risingThreshold: 1000, state: .cut,
                                actionAuthor: "auto", actionResult: "ok")
        let json = WebhookPayload(id: "d1", sensor: 2, notification: n, incident: 7, detail: "by playbook",
                                  time: Date(timeIntervalSince1970: 1_795_000_000.25)).json()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["id", "sensor", "tenant", "interface", "vlan", "notification", "state", "incident",
                                     "rate", "threshold", "author", "detail", "time"])
        #expect(object["id"] as? String == "d1" && object["sensor"] as? Int == 2 && object["tenant"] as? String == "acme")
        #expect(object["interface"] as? String == "trunk0" && object["vlan"] as? Int == 20 && object["incident"] as? Int == 7)
        #expect(object["notification"] as? String == "cutApplied" && object["state"] as? String == "cut")
        #expect(object["rate"] as? Double == 3000 && object["threshold"] as? Double == 1000 && object["author"] as? String == "auto")
        #expect(object["detail"] as? String == "ok; by playbook" && object["time"] as? String == "2026-11-18T11:06:40.250Z")
        n.kind = .stormDetected
        n.storm = .multicast
        n.multicastRate = 900
        n.multicastThreshold = 500
        let m = WebhookPayload(id: "d2", sensor: nil, notification: n, incident: nil, detail: "", time: Date())
        #expect(m.rate == 900 && m.threshold == 500)
        #expect(!m.json().contains("\"sensor\"") && !m.json().contains("\"incident\""))
    }
}
