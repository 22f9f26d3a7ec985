import Foundation
import LoopSentryCore
@testable import Portal
import Testing

/// Bad requests get one-line JSON errors and 4xx, and nothing reaches the daemon; the rate limit
/// answers 429 with Retry-After.
@Suite struct PortalInputTests {
    @Test("bad input is refused with one line and nothing changes", arguments: [
        ("/api/v1/vlans/trunk0/abc/ack", nil as String?, 400, #"{"error":"VLAN must be a whole number 1-4094; got 'abc'"}"#),
        ("/api/v1/vlans/trunk0/0/ack", nil, 400, #"{"error":"VLAN must be a whole number 1-4094; got '0'"}"#),
        ("/api/v1/vlans/trunk0/4095/dismiss", nil, 400, #"{"error":"VLAN must be a whole number 1-4094; got '4095'"}"#),
        ("/api/v1/vlans/trunk0/-20/restore", nil, 400, #"{"error":"VLAN must be a whole number 1-4094; got '-20'"}"#),
        ("/api/v1/vlans/trunk0/20/ack", "{not json", 400, #"{"error":"request body is not a JSON object"}"#),
        ("/api/v1/vlans/trunk0/20/ack", "[1]", 400, #"{"error":"request body is not a JSON object"}"#),
        ("/api/v1/vlans/trunk0/20/ack", #"{"by":"x"}"#, 400, #"{"error":"unknown field 'by' (only 'comment')"}"#),
        ("/api/v1/vlans/trunk0/20/ack", #"{"comment":7}"#, 400,
         #"{"error":"'comment' must be a string of at most 200 characters without control characters"}"#),
        ("/api/v1/vlans/eth9/20/ack", nil, 404, #"{"error":"no VLAN 20 on eth9"}"#),
    ])
    func badInput(path: String, body: String?, status: Int, expected: String) async throws {
        let p = try await RunningPortal().started()
        defer { p.stop() }
        let r = try await p.post(path, as: "org-b", body: body)
        #expect(r.status == status)
        #expect(r.body == expected)
        #expect(!r.body.contains("\n"))
        #expect(p.backend.asked.isEmpty)
    }

    @Test func aBadIncidentIDIs400AndAnUnknownRouteIs404() async throws {
        let p = try await RunningPortal().started()
        defer { p.stop() }
        let bad = try await p.get("/api/v1/incidents/x1", as: "noc")
        #expect(bad.status == 400 && bad.body == #"{"error":"incident id must be a whole number ≥ 1; got 'x1'"}"#)
        #expect(try await p.get("/api/v1/incidents/0", as: "noc").status == 400)
        #expect(try await p.post("/api/v1/vlans/trunk0/20/cut", as: "noc").body == #"{"error":"no such endpoint"}"#)
        let wrongMethod = try await p.get("/api/v1/vlans/trunk0/20/ack", as: "noc")
        #expect(wrongMethod.status == 405 && wrongMethod.headers["allow"] == "POST")
        #expect(p.backend.asked.isEmpty)
    }

    @Test func aTokenOverItsBucketGets429WithRetryAfterAndOthersGoOn() async throws {
        // The limiter's clock stands still: the bucket does not refill during the test, however slow the machine.
        let p = try await RunningPortal(burst: 3, perMinute: 1, frozenClock: true).started()
        defer { p.stop() }
        for _ in 0..<3 { #expect(try await p.get("/api/v1/vlans", as: "org-a").status == 200) }
        let limited = try await p.get("/api/v1/vlans", as: "org-a")
        #expect(limited.status == 429)
        let wait = try #require(limited.headers["retry-after"].flatMap { Int($0) })
        #expect((30...60).contains(wait))
        #expect(limited.body == #"{"error":"rate limit of token 'org-a-ops' exceeded: retry in \#(wait) s"}"#)
        let action = try await p.post("/api/v1/vlans/trunk0/10/ack", as: "org-a")
        #expect(action.status == 429)
        #expect(p.backend.asked.isEmpty)
        #expect(try await p.get("/api/v1/vlans", as: "org-b").status == 200)
    }

    @Test func theBucketRefillsAtItsRate() {
        var limiter = RateLimiter(perMinute: 60, burst: 2)
        #expect(limiter.admit("a", now: 0) == nil)
        #expect(limiter.admit("a", now: 0) == nil)
        #expect(limiter.admit("a", now: 0) == 1)
        #expect(limiter.admit("b", now: 0) == nil)
        #expect(limiter.admit("a", now: 999_000_000) == 1)
        #expect(limiter.admit("a", now: 1_000_000_000) == nil)
        var slow = RateLimiter(perMinute: 6, burst: 1)
        #expect(slow.admit("a", now: 0) == nil)
        #expect(slow.admit("a", now: 0) == 10)
    }

    @Test func tokensAreRandomAndKnownByTheirSHA256() throws {
        #expect(PortalToken.sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let a = try PortalToken.generate(), b = try PortalToken.generate()
        #expect(a != b && a.hasPrefix("lsp_") && a.count == 47)
        #expect(a.dropFirst(4).allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        #expect(PortalToken.configLine(name: "noc", tenant: nil, token: "abc")
            == "- { name: noc, noc: true, sha256: ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad }")
    }
}
