import Foundation
import LoopSentryCore
@testable import Portal
import Testing

/// VXLAN VNIs in the portal, against a real server: `/api/v1/vnis` lists the caller's VNIs
/// (`/api/v1/vlans` stays VLANs only), a tenant acts on its own VNI only (another tenant's is
/// answered like one that does not exist), and the event stream carries the caller's VNIs.
@Suite struct PortalVNITests {
    /// A portal whose sink holds the VLAN rows and the VNI rows.
    func portal() async throws -> RunningPortal {
        let p = try await RunningPortal().started()
        p.sink.publish(RunningPortal.rows + RunningPortal.vniRows)
        return p
    }

    @Test func eachTenantListsOnlyItsOwnVNIsAndTheVLANListIsUnchanged() async throws {
        let p = try await portal()
        defer { p.stop() }
        let b = try await p.get("/api/v1/vnis", as: "org-b")
        #expect(b.status == 200 && b.headers["content-type"] == "application/json")
        #expect(b.body == #"{"sensor":"edge-1","vnis":[{"incident":{"ack_deadline":"2026-11-30T02:05:00.000Z","id":3},"interface":"underlay0","last_change":"2025-11-30T01:00:00.000Z","policy":"ack","rates":{"broadcast_pps":4000,"frames_pps":8000,"multicast_pps":0},"state":"pendingAck","tenant":"org-b","thresholds":{"falling_pps":500,"rising_pps":1000},"vni":6000}]}"#)
        let a = object(try await p.get("/api/v1/vnis", as: "org-a").body)["vnis"] as? [[String: Any]]
        #expect(a?.compactMap { $0["vni"] as? Int } == [5000] && a?.allSatisfy { $0["vlan"] == nil } == true)
        let noc = object(try await p.get("/api/v1/vnis", as: "noc").body)["vnis"] as? [[String: Any]]
        #expect(noc?.compactMap { $0["vni"] as? Int } == [5000, 6000, 7000])
        // The VLAN list is what it was before VNIs existed: VLAN rows only, each with its own incident.
        let vlans = try await p.get("/api/v1/vlans", as: "org-b")
        #expect(vlans.body == #"{"sensor":"edge-1","vlans":[{"incident":{"ack_deadline":"2026-11-30T01:05:00.000Z","id":1},"interface":"trunk0","last_change":"2025-11-30T01:00:00.000Z","policy":"ack","rates":{"broadcast_pps":3000,"frames_pps":6000,"multicast_pps":0},"state":"pendingAck","tenant":"org-b","thresholds":{"falling_pps":500,"rising_pps":1000},"vlan":20}]}"#)
        let none = try await p.get("/api/v1/vnis", as: "noc")
        #expect(none.status == 200)
        let unauthorized = try await HTTPTestClient.request(port: p.port, "GET", "/api/v1/vnis", token: nil)
        #expect(unauthorized.status == 401 && unauthorized.body == #"{"error":"missing or unknown bearer token"}"#)
    }

    @Test func theOwnersVNIActionReachesTheLoopAsTheControlSocketsCommand() async throws {
        let p = try await portal()
        defer { p.stop() }
        let ok = try await p.post("/api/v1/vnis/underlay0/6000/ack", as: "org-b", body: #"{"comment":"our VNI loops"}"#)
        #expect(ok.status == 200)
        #expect(ok.body == #"{"message":"cut of VNI 6000 on underlay0 acknowledged","ok":true}"#)
        let refused = try await p.post("/api/v1/vnis/underlay0/5000/restore", as: "org-a")
        #expect(refused.status == 409)
        #expect(refused.body == #"{"error":"VNI 5000 on underlay0 is normal, not pendingAck: nothing to acknowledge"}"#)
        let noc = try await p.post("/api/v1/vnis/underlay0/7000/dismiss", as: "noc")
        #expect(noc.status == 409)
        #expect(p.backend.asked == [
            .vniAction(.acknowledgeCut, interface: "underlay0", vni: 6000, author: "org-b-ops", via: "api 127.0.0.1; comment: our VNI loops"),
            .vniAction(.restore, interface: "underlay0", vni: 5000, author: "org-a-ops", via: "api 127.0.0.1"),
            .vniAction(.dismiss, interface: "underlay0", vni: 7000, author: "noc-desk", via: "api 127.0.0.1"),
        ])
    }

    @Test func aTenantActingOnAnotherTenantsVNIGetsTheAnswerOfAVNIThatDoesNotExist() async throws {
        let p = try await portal()
        defer { p.stop() }
        let cases: [(String, String, Int, String)] = [
            ("org-a", "/api/v1/vnis/underlay0/6000/ack", 404, #"{"error":"no VNI 6000 on underlay0"}"#),       // org-b's
            ("org-a", "/api/v1/vnis/underlay0/7000/dismiss", 404, #"{"error":"no VNI 7000 on underlay0"}"#),   // nobody's
            ("org-a", "/api/v1/vnis/underlay9/5000/ack", 404, #"{"error":"no VNI 5000 on underlay9"}"#),       // not watched
            ("org-b", "/api/v1/vnis/underlay0/5000/restore", 404, #"{"error":"no VNI 5000 on underlay0"}"#),   // org-a's
            ("org-a", "/api/v1/vnis/underlay0/0/ack", 400, #"{"error":"VNI must be a whole number 1-16777215; got '0'"}"#),
            ("org-a", "/api/v1/vnis/underlay0/16777216/ack", 400, #"{"error":"VNI must be a whole number 1-16777215; got '16777216'"}"#),
            ("org-a", "/api/v1/vnis/underlay0/5e3/ack", 400, #"{"error":"VNI must be a whole number 1-16777215; got '5e3'"}"#),
        ]
        for (who, path, status, body) in cases {
            let r = try await p.post(path, as: who)
            #expect(r.status == status && r.body == body, "\(who) \(path): \(r.status) \(r.body)")
        }
        #expect(p.backend.asked.isEmpty)
    }

    @Test func eventStreamsCarryTheSubscribersVNIsOnly() async throws {
        let p = try await portal()
        defer { p.stop() }
        let streams = try await p.subscribe(["org-a", "org-b"])
        let (a, b) = (streams[0], streams[1])
        #expect(p.sink.subscriberCount == 2)
        var vnis = RunningPortal.vniRows
        vnis[0].state = .detected
        vnis[1].state = .cutting
        p.sink.publish(RunningPortal.rows + vnis)
        p.sink.close()
        let textA = await a.readAllAsync(), textB = await b.readAllAsync()
        #expect(textA.contains(#""from":"normal","interface":"underlay0","tenant":"org-a","to":"detected","vni":5000"#), "\(textA)")
        #expect(textA.contains(#""vnis":[{"interface":"underlay0","rates":{"broadcast_pps":5,"frames_pps":10,"multicast_pps":0},"state":"detected","vni":5000}]"#))
        #expect(textA.contains(#""vlans":[{"interface":"trunk0","rates":{"broadcast_pps":5,"frames_pps":10,"multicast_pps":0},"state":"normal","vlan":10}]"#))
        #expect(!textA.contains(#""vni":6000"#) && !textA.contains(#""vni":7000"#) && !textA.contains("org-b"))
        #expect(textB.contains(#""from":"pendingAck","interface":"underlay0","tenant":"org-b","to":"cutting","vni":6000"#))
        #expect(!textB.contains(#""vni":5000"#) && !textB.contains("org-a"))
    }
}
