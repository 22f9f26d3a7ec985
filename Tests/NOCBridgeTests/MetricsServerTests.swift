import Foundation
import Glibc
import LoopSentryCore
@testable import NOCBridge
import Synchronization
import Testing

@Suite struct MetricsServerTests {
    /// Counts provider calls across the server thread and the test.
    final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    /// A started server on 127.0.0.1 and a free port, serving `body` and counting requests;
    /// stopped when the test lets go of it.
    final class Running {
        let server: MetricsServer
        let counter = Counter()

        init(body: String = "m 1\n") throws {
            let counter = counter
            server = try MetricsServer(host: "127.0.0.1", port: 0) {
                counter.value.add(1, ordering: .relaxed)
                return body
            }
            server.start()
        }

        deinit { server.stop() }

        var port: UInt16 { server.boundPort }
        var providerCalls: Int { counter.value.load(ordering: .relaxed) }
    }

    @Test func getMetricsAnswersTheProvidersBodyWithExpositionHeaders() throws {
        let body = MetricsExposition.render(rows: MetricsExpositionTests.rows, extra: MetricsExpositionTests.extra)
        let running = try Running(body: body)
        let reply = try MetricsTestClient.exchange(port: running.port, "GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n")
        #expect(reply.status == 200)
        #expect(reply.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        #expect(reply.headers["content-length"] == String(body.utf8.count))
        #expect(reply.headers["connection"] == "close")
        #expect(reply.body == body)
        #expect(ExpositionValidator.problems(in: reply.body) == [])
        // The provider runs once per request, so each scrape sees fresh values.
        _ = try MetricsTestClient.exchange(port: running.port, "GET /metrics?x=1 HTTP/1.0\r\n\r\n")
        #expect(running.providerCalls == 2)
    }

    @Test func anotherPathIs404AndDoesNotCallTheProvider() throws {
        let running = try Running()
        #expect(try MetricsTestClient.exchange(port: running.port, "GET /other HTTP/1.1\r\n\r\n").status == 404)
        #expect(try MetricsTestClient.exchange(port: running.port, "GET / HTTP/1.1\r\n\r\n").status == 404)
        #expect(running.providerCalls == 0)
    }

    @Test func anotherMethodIs405WithAllowGET() throws {
        let running = try Running()
        let reply = try MetricsTestClient.exchange(port: running.port, "POST /metrics HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc")
        #expect(reply.status == 405)
        #expect(reply.headers["allow"] == "GET")
        #expect(running.providerCalls == 0)
    }

    @Test func malformedRequestLineIs400() throws {
        let running = try Running()
        #expect(try MetricsTestClient.exchange(port: running.port, "GET\r\n\r\n").status == 400)
        #expect(try MetricsTestClient.exchange(port: running.port, "GET /metrics SPDY/3\r\n\r\n").status == 400)
    }

    @Test func headOver8KiBIs400() throws {
        let running = try Running()
        let padding = String(repeating: "a", count: 9000)
        let reply = try MetricsTestClient.exchange(port: running.port, "GET /metrics HTTP/1.1\r\nX-Pad: \(padding)\r\n\r\n")
        #expect(reply.status == 400)
        #expect(running.providerCalls == 0)
        // A head just under the limit is still served.
        let fits = String(repeating: "a", count: 8000)
        #expect(try MetricsTestClient.exchange(port: running.port, "GET /metrics HTTP/1.1\r\nX-Pad: \(fits)\r\n\r\n").status == 200)
    }

    @Test func silentClientGets408AfterTwoSecondsAndTheNextRequestIsServedSoonAfter() throws {
        let running = try Running()
        let silent = try MetricsTestClient(port: running.port)
        silent.send("GET /met")
        let start = ContinuousClock.now
        let next = try MetricsTestClient.exchange(port: running.port, "GET /metrics HTTP/1.1\r\n\r\n")
        let waited = ContinuousClock.now - start
        #expect(next.status == 200)
        // The silent client holds the one-at-a-time server for its 2 s head timeout, no longer.
        #expect(waited < .seconds(3.5))
        #expect(silent.reply()?.status == 408)
    }

    @Test func stopInterruptsAConnectionInProgressAndFreesThePort() throws {
        let server = try MetricsServer(host: "127.0.0.1", port: 0) { "m 1\n" }
        server.start()
        let port = server.boundPort
        #expect(try MetricsTestClient.exchange(port: port, "GET /metrics HTTP/1.1\r\n\r\n").status == 200)
        let silent = try MetricsTestClient(port: port)
        Thread.sleep(forTimeInterval: 0.1)  // let the server thread take the connection
        let start = ContinuousClock.now
        server.stop()
        #expect(ContinuousClock.now - start < .seconds(1))
        withExtendedLifetime(silent) {}  // the connection stayed open until the stop
        #expect(throws: MetricsTestClient.Failure.self) { try MetricsTestClient(port: port) }
        let again = try MetricsServer(host: "127.0.0.1", port: port) { "" }
        #expect(again.boundPort == port)
        again.stop()
        server.stop()  // a second stop is harmless
    }

    @Test func portInUseThrowsOneLineErrorNamingHostAndPort() throws {
        let running = try Running()
        let error = #expect(throws: MetricsServerError.self) {
            try MetricsServer(host: "127.0.0.1", port: running.port) { "" }
        }
        #expect(error?.description == "metrics endpoint 127.0.0.1:\(running.port): bind: Address already in use (errno \(EADDRINUSE))")
        #expect(error?.errno == EADDRINUSE)
    }

    @Test func hostMustBeANumericAddress() throws {
        let error = #expect(throws: MetricsServerError.self) {
            try MetricsServer(host: "metrics.example", port: 9464) { "" }
        }
        #expect(error?.description == "metrics endpoint metrics.example:9464: inet_pton: not a numeric IPv4 or IPv6 address")
        let v6 = try MetricsServer(host: "::1", port: 0) { "" }
        #expect(v6.boundPort != 0)
        v6.stop()
    }
}


/// The endpoint's HTTP handling as pure functions, without a socket.
@Suite struct MetricsHTTPTests {
    func line(_ text: String) -> MetricsHTTP.RequestLine? {
        MetricsHTTP.parseRequestLine(Array(text.utf8)[...])
    }

    @Test func headEndsAtTheFirstBlankLineWithCRLFOrBareLF() {
        #expect(MetricsHTTP.headEnd(Array("GET / HTTP/1.1\r\nA: b\r\n\r\nbody".utf8)) == 24)
        #expect(MetricsHTTP.headEnd(Array("GET / HTTP/1.1\n\n".utf8)) == 16)
        #expect(MetricsHTTP.headEnd(Array("GET / HTTP/1.1\r\nA: b\r\n".utf8)) == nil)
        #expect(MetricsHTTP.headEnd([]) == nil)
    }

    @Test func requestLineNeedsMethodTargetAndHTTP1Version() {
        #expect(line("GET /metrics HTTP/1.1\r\n") == .init(method: "GET", target: "/metrics", version: "HTTP/1.1"))
        #expect(line("GET /metrics?name[]=x HTTP/1.0\n")?.path == "/metrics")
        #expect(line("GET /metrics") == nil)
        #expect(line("GET  /metrics HTTP/1.1\r\n") == nil)
        #expect(line("GET metrics HTTP/1.1\r\n") == nil)
        #expect(line("GET /metrics HTTP/2\r\n") == nil)
        #expect(MetricsHTTP.parseRequestLine([0x47, 0xFF, 0x20, 0x2F, 0x20][...]) == nil)
    }

    @Test func routingCallsTheExpositionOnlyForGETMetrics() {
        var calls = 0
        let body = { calls += 1; return "m 1\n" }
        #expect(MetricsHTTP.respond(to: line("GET /metrics HTTP/1.1"), exposition: body).status == 200)
        #expect(MetricsHTTP.respond(to: line("HEAD /metrics HTTP/1.1"), exposition: body).status == 405)
        #expect(MetricsHTTP.respond(to: line("POST /other HTTP/1.1"), exposition: body).status == 404)
        #expect(MetricsHTTP.respond(to: nil, exposition: body).status == 400)
        #expect(calls == 1)
    }

    @Test func responsesCarryLengthAndCloseTheConnection() {
        let wire = String(decoding: MetricsHTTP.Response.methodNotAllowed.serialized(), as: UTF8.self)
        #expect(wire == "HTTP/1.1 405 Method Not Allowed\r\nContent-Type: text/plain; charset=utf-8\r\nAllow: GET\r\n"
            + "Content-Length: 20\r\nConnection: close\r\n\r\nonly GET is allowed\n")
        #expect(MetricsSocket.pollTimeout(until: 5_000_001, now: 3_000_000) == 3)
        #expect(MetricsSocket.pollTimeout(until: 1, now: 2) == 0)
        #expect(MetricsSocket.endpoint("::1", 9464) == "[::1]:9464")
    }
}
