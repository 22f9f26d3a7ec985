import Foundation
import LoopSentryCore
import NOCBridge
@testable import Portal
import Synchronization
import Testing

/// /metrics on Hummingbird: alone for `metrics.listen` (no token), and on the portal for NOC tokens.
@Suite struct MetricsEndpointTests {
    final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    /// The exposition of the NOCBridge tests' rows, served per scrape by a metrics-only server.
    static func metricsServer(counter: Counter, port: Int = 0) async throws -> (PortalServer, Task<Void, Error>) {
        let sink = MetricsSink()
        sink.publish(MetricsFixture.rows)
        sink.update(extra: MetricsFixture.extra)
        let server = try PortalServer(host: "127.0.0.1", port: port, role: .metrics) {
            counter.value.add(1, ordering: .relaxed)
            return sink.render()
        }
        let task = Task { try await server.run() }
        try await waitForPort(server)
        return (server, task)
    }

    @Test func getMetricsAnswersTheExpositionWithItsContentType() async throws {
        let counter = Counter()
        let (server, task) = try await Self.metricsServer(counter: counter)
        defer { task.cancel() }
        let port = UInt16(try #require(server.boundPort))
        let reply = try await HTTPTestClient.request(port: port, "GET", "/metrics")
        let body = MetricsExposition.render(rows: MetricsFixture.rows, extra: MetricsFixture.extra)
        #expect(reply.status == 200)
        #expect(reply.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        #expect(reply.headers["content-length"] == String(body.utf8.count))
        #expect(reply.body == body)
        _ = try await HTTPTestClient.request(port: port, "GET", "/metrics?x=1")
        #expect(counter.value.load(ordering: .relaxed) == 2)
        #expect(try await HTTPTestClient.request(port: port, "GET", "/other").status == 404)
        #expect(try await HTTPTestClient.request(port: port, "GET", "/").status == 404)
        #expect(try await HTTPTestClient.request(port: port, "GET", "/api/v1/vlans").status == 404)
        #expect(counter.value.load(ordering: .relaxed) == 2)
    }

    @Test func aPortInUseEndsTheServerWithOneLineNamingHostAndPort() async throws {
        let counter = Counter()
        let (first, task) = try await Self.metricsServer(counter: counter)
        defer { task.cancel() }
        let port = try #require(first.boundPort)
        let second = try PortalServer(host: "127.0.0.1", port: port, role: .metrics) { "" }
        let error = await #expect(throws: PortalServer.Failure.self) { try await second.run() }
        #expect(error?.description == "metrics endpoint 127.0.0.1:\(port): bind: Address already in use")
    }

    @Test func stoppingFreesThePort() async throws {
        let counter = Counter()
        let (server, task) = try await Self.metricsServer(counter: counter)
        let port = try #require(server.boundPort)
        task.cancel()
        _ = await task.result
        let (again, task2) = try await Self.metricsServer(counter: counter, port: port)
        defer { task2.cancel() }
        #expect(again.boundPort == port)
    }

    @Test func onThePortalMetricsNeedANOCToken() async throws {
        let p = try await RunningPortal().started()
        defer { p.stop() }
        #expect(try await p.get("/metrics", as: nil).status == 401)
        let tenant = try await p.get("/metrics", as: "org-a")
        #expect(tenant.status == 403 && tenant.body == #"{"error":"/metrics is for NOC tokens"}"#)
        let noc = try await p.get("/metrics", as: "noc")
        #expect(noc.status == 200 && noc.body == "m 1\n")
    }

    @Test func thePageIsServedWithoutATokenAndFetchesNothingFromElsewhere() async throws {
        let p = try await RunningPortal().started()
        defer { p.stop() }
        let page = try await p.get("/", as: nil)
        #expect(page.status == 200 && page.headers["content-type"] == "text/html; charset=utf-8")
        #expect(page.body.contains("<title>LoopSentry portal</title>") && page.body.contains("sessionStorage"))
        #expect(!page.body.contains("http://") && !page.body.contains("https://"))
    }
}

/// Rows and figures for the exposition served in these tests.
enum MetricsFixture {
    static let rows = [RunningPortal.row(10, tenant: "org-a"), RunningPortal.row(20, tenant: "org-b", state: .cut, rate: 60)]
    static let extra = MetricsExtra(uptimeSeconds: 12.5, openIncidents: 1, notificationsSent: 4,
                                    notificationsSuppressed: 2, notificationsDropped: 1, syslogDropped: 3)
}
