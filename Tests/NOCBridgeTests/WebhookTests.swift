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

    @Test("backoff doubles from 1 s and is capped at 5 min")
    func backoff() {
        let b = WebhookBackoff()
        #expect((0...11).map { b.delay(afterFailures: $0) } == [0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300])
        #expect(b.delay(afterFailures: 10_000) == 300)
        #expect(b.nextAttempt(afterFailures: 3, at: Self.t0) == Self.t0.addingTimeInterval(4))
    }

    @Test("the outbox on a manual clock: due at once, retried after 1, 2, 4 s, gone once delivered")
    func outboxSchedule() throws {
        var now = Self.t0
        var o = WebhookOutbox()
        o.add(Self.delivery("a"))
        o.add(Self.delivery("a"))
        #expect(o.due(at: now).map(\.id) == ["a"] && o.pending.count == 1)
        var waits: [TimeInterval] = []
        for _ in 0..<3 {
            let failed = o.failed("a", error: "HTTP 500", at: now)
            let row = try #require(failed)
            #expect(row.lastError == "HTTP 500" && row.deliveredAt == nil)
            waits.append(row.nextAttemptAt.timeIntervalSince(now))
            #expect(o.due(at: now.addingTimeInterval(waits.last! - 0.001)).isEmpty)
            now = row.nextAttemptAt
            #expect(o.due(at: now).map(\.id) == ["a"])
        }
        #expect(waits == [1, 2, 4])
        let delivered = o.delivered("a", at: now)
        let done = try #require(delivered)
        #expect(done.deliveredAt == now && done.attempts == 3)
        #expect(o.pending.isEmpty && o.nextAttemptAt == nil && o.delivered("a", at: now) == nil)
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
