import Foundation
import LoopSentryCore
@testable import Portal
import Testing

/// Tenant isolation over HTTP, against a real server: each tenant sees and acts on its own
/// VLANs and incidents only, and another tenant's are answered exactly like ones that do not exist.
@Suite struct PortalIsolationTests {
    @Test func everyEndpointWithoutAGoodTokenIs401WithTheSameBody() async throws {
        let p = try await RunningPortal().started()
        defer { p.stop() }
        let paths = [("GET", "/api/v1/vlans"), ("GET", "/api/v1/incidents"), ("GET", "/api/v1/incidents/1"), ("GET", "/api/v1/events"),
                     ("POST", "/api/v1/vlans/trunk0/20/ack"), ("POST", "/api/v1/vlans/trunk0/20/dismiss"),
                     ("POST", "/api/v1/vlans/trunk0/20/restore"), ("GET", "/metrics")]
        for (method, path) in paths {
            for token in [nil, "wrong", "token-of-org-a-not"] as [String?] {
                let r = try await HTTPTestClient.request(port: p.port, method, path, token: token)
                #expect(r.status == 401, "\(method) \(path) \(token ?? "-")")
                #expect(r.body == #"{"error":"missing or unknown bearer token"}"#)
                #expect(r.headers["www-authenticate"] == #"Bearer realm="loopsentry""#)
            }
            let basic = try await HTTPTestClient.request(port: p.port, method, path, headers: ["Authorization": "Basic dG9rZW4tb2Ytb3JnLWE="])
            #expect(basic.status == 401)
        }
        #expect(p.backend.asked.isEmpty)
    }

    @Test func eachTenantListsOnlyItsOwnVLANsAndTheNOCListsAll() async throws {
        let p = try await RunningPortal().started()
        defer { p.stop() }
        let a = try await p.get("/api/v1/vlans", as: "org-a")
        #expect(a.status == 200 && a.headers["content-type"] == "application/json")
        #expect(a.body == #"{"sensor":"edge-1","vlans":[{"interface":"trunk0","last_change":"2025-11-30T01:00:00.000Z","policy":"auto","rates":{"broadcast_pps":5,"frames_pps":10,"multicast_pps":0},"state":"normal","tenant":"org-a","thresholds":{"falling_pps":500,"rising_pps":1000},"vlan":10}]}"#)
        let b = try await p.get("/api/v1/vlans", as: "org-b")
        #expect(b.body == #"{"sensor":"edge-1","vlans":[{"incident":{"ack_deadline":"2026-11-30T01:05:00.000Z","id":1},"interface":"trunk0","last_change":"2025-11-30T01:00:00.000Z","policy":"ack","rates":{"broadcast_pps":3000,"frames_pps":6000,"multicast_pps":0},"state":"pendingAck","tenant":"org-b","thresholds":{"falling_pps":500,"rising_pps":1000},"vlan":20}]}"#)
        let noc = object(try await p.get("/api/v1/vlans", as: "noc").body)["vlans"] as? [[String: Any]]
        #expect(noc?.compactMap { $0["vlan"] as? Int } == [10, 20, 30])
    }

    @Test func eachTenantSeesOnlyItsOwnIncidents() async throws {
        let p = try await RunningPortal().started()
        defer { p.stop() }
        func ids(_ who: String) async throws -> [Int] {
            (object(try await p.get("/api/v1/incidents", as: who).body)["incidents"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } ?? []
        }
        #expect(try await ids("org-a") == [2])
        #expect(try await ids("org-b") == [1])
        #expect(try await ids("noc") == [2, 1])
        let own = try await p.get("/api/v1/incidents/1", as: "org-b")
        #expect(own.status == 200)
        #expect((object(own.body)["transitions"] as? [[String: Any]])?.first?["to"] as? String == "detected")
        #expect(try await p.get("/api/v1/incidents/1", as: "noc").status == 200)
        // Another tenant's incident and one that does not exist: the same answer.
        let other = try await p.get("/api/v1/incidents/1", as: "org-a")
        let missing = try await p.get("/api/v1/incidents/999", as: "org-a")
        #expect(other.status == 404 && other.body == #"{"error":"no incident 1"}"#)
        #expect(missing.status == 404 && missing.body == #"{"error":"no incident 999"}"#)
        #expect(try await p.get("/api/v1/incidents/2", as: "org-b").body == #"{"error":"no incident 2"}"#)
    }

    @Test func aTenantActingOnAnotherTenantsVLANGetsTheAnswerOfAVLANThatDoesNotExist() async throws {
        let p = try await RunningPortal().started()
        defer { p.stop() }
        for action in ["ack", "dismiss", "restore"] {
            let other = try await p.post("/api/v1/vlans/trunk0/20/\(action)", as: "org-a")
            let nobodys = try await p.post("/api/v1/vlans/trunk0/30/\(action)", as: "org-a")
            let unknown = try await p.post("/api/v1/vlans/eth9/20/\(action)", as: "org-a")
            #expect(other.status == 404 && other.body == #"{"error":"no VLAN 20 on trunk0"}"#)
            #expect(nobodys.status == 404 && nobodys.body == #"{"error":"no VLAN 30 on trunk0"}"#)
            #expect(unknown.status == 404 && unknown.body == #"{"error":"no VLAN 20 on eth9"}"#)
            #expect(try await p.post("/api/v1/vlans/trunk0/10/\(action)", as: "org-b").status == 404)
            // The NOC too gets 404 for an interface the daemon does not watch.
            #expect(try await p.post("/api/v1/vlans/eth9/20/\(action)", as: "noc").body == #"{"error":"no VLAN 20 on eth9"}"#)
        }
        #expect(p.backend.asked.isEmpty)
    }

    @Test func theOwnersActionReachesTheLoopWithTokenNameAndSourceAddress() async throws {
        let p = try await RunningPortal().started()
        defer { p.stop() }
        let ok = try await p.post("/api/v1/vlans/trunk0/20/ack", as: "org-b", body: #"{"comment":"our loop, cut it"}"#)
        #expect(ok.status == 200)
        #expect(ok.body == #"{"message":"cut of VLAN 20 on trunk0 acknowledged","ok":true}"#)
        let refused = try await p.post("/api/v1/vlans/trunk0/10/ack", as: "org-a")
        #expect(refused.status == 409)
        #expect(refused.body == #"{"error":"VLAN 10 on trunk0 is normal, not pendingAck: nothing to acknowledge"}"#)
        let noc = try await p.post("/api/v1/vlans/trunk0/30/dismiss", as: "noc")
        #expect(noc.status == 409)
        #expect(p.backend.asked == [
            .action(.acknowledgeCut, interface: "trunk0", vlan: 20, author: "org-b-ops", via: "api 127.0.0.1; comment: our loop, cut it"),
            .action(.acknowledgeCut, interface: "trunk0", vlan: 10, author: "org-a-ops", via: "api 127.0.0.1"),
            .action(.dismiss, interface: "trunk0", vlan: 30, author: "noc-desk", via: "api 127.0.0.1"),
        ])
    }

    @Test func eventStreamsCarryOnlyTheSubscribersVLANs() async throws {
        let p = try await RunningPortal().started()
        defer { p.stop() }
        let streams = try await p.subscribe(["org-a", "org-b"])
        let (a, b) = (streams[0], streams[1])
        #expect(p.sink.subscriberCount == 2)
        var rows = RunningPortal.rows
        rows[0].state = .cutting
        rows[1].state = .cut
        p.sink.publish(rows)
        p.sink.close()   // ends both streams: the whole answer can be read
        let textA = await a.readAllAsync(), textB = await b.readAllAsync()
        #expect(textA.contains("text/event-stream"))
        #expect(textA.contains(#"event: state"#) && textA.contains(#""from":"normal","interface":"trunk0","tenant":"org-a","to":"cutting","vlan":10"#))
        #expect(textA.contains(#""vlans":[{"interface":"trunk0","rates":{"broadcast_pps":5,"frames_pps":10,"multicast_pps":0},"state":"cutting","vlan":10}]"#))
        #expect(!textA.contains(#""vlan":20"#) && !textA.contains(#""vlan":30"#) && !textA.contains("org-b"))
        #expect(textB.contains(#""from":"pendingAck","interface":"trunk0","tenant":"org-b","to":"cut","vlan":20"#))
        #expect(!textB.contains(#""vlan":10"#) && !textB.contains("org-a"))
    }
}
