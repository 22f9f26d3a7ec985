import Foundation
import Testing
@testable import NOCBridge

/// RFC 5425 against rsyslog's imtcp with the gtls driver, using a CA made by the test.
@Suite(.serialized, .enabled(if: SyslogTestCollector.unavailableReason == nil, SyslogDelivery.collectorMissing))
final class SyslogTLSTests {
    let pki: SyslogTestCertificates

    init() throws { pki = try SyslogTestCertificates.make() }
    deinit { pki.remove() }

    @Test func tlsMessagesArriveWhenTheServerNameIsVerified() throws {
        let collector = try SyslogTestCollector([.tls(pki, requireClientCertificate: false)])
        defer { collector.stop() }
        try collector.start()
        let settings = SyslogTLSSettings(caFile: pki.caFile, serverName: "localhost")
        try SyslogDelivery.sendAndVerify(.tls(host: "127.0.0.1", port: collector.port, settings), collector: collector)
    }

    @Test func tlsWithAClientCertificateReachesACollectorThatRequiresOne() throws {
        let collector = try SyslogTestCollector([.tls(pki, requireClientCertificate: true)])
        defer { collector.stop() }
        try collector.start()
        // No serverName: the literal address must match the certificate's IP address SAN.
        let settings = SyslogTLSSettings(caFile: pki.caFile, certificateFile: pki.clientCertificateFile,
                                         privateKeyFile: pki.clientKeyFile)
        try SyslogDelivery.sendAndVerify(.tls(host: "127.0.0.1", port: collector.port, settings), collector: collector)
    }

    @Test func withoutAClientCertificateThatCollectorAcceptsNothing() throws {
        // Proves the test above depends on the client certificate.
        let collector = try SyslogTestCollector([.tls(pki, requireClientCertificate: true)])
        defer { collector.stop() }
        try collector.start()
        let settings = SyslogTLSSettings(caFile: pki.caFile)
        let sender = try SyslogSender(configuration: SyslogSenderConfiguration(
            destination: .tls(host: "127.0.0.1", port: collector.port, settings)))
        defer { sender.shutdown(timeout: .zero) }
        for event in SyslogDelivery.events(count: 3) { sender.send(event) }
        _ = sender.flush(timeout: .seconds(1))
        Thread.sleep(forTimeInterval: 0.5)
        #expect(collector.records().isEmpty)
    }

    @Test func aServerCertificateFromAnotherCAIsRefused() throws {
        let collector = try SyslogTestCollector([.tls(pki, requireClientCertificate: false)])
        defer { collector.stop() }
        try collector.start()
        let settings = SyslogTLSSettings(caFile: pki.rogueCAFile, serverName: "localhost")
        let error = try #require(throws: SyslogTransportError.self) {
            _ = try SyslogConnection.open(.tls(host: "127.0.0.1", port: collector.port, settings),
                                          tlsContext: SyslogTLSContext(settings),
                                          connectTimeout: .seconds(2), sendTimeout: .seconds(2))
        }
        #expect("\(error)".contains("certificate"), "\(error)")
    }

    @Test func aServerCertificateForAnotherNameIsRefused() throws {
        let collector = try SyslogTestCollector([.tls(pki, requireClientCertificate: false)])
        defer { collector.stop() }
        try collector.start()
        let settings = SyslogTLSSettings(caFile: pki.caFile, serverName: "collector.example.net")
        let error = try #require(throws: SyslogTransportError.self) {
            _ = try SyslogConnection.open(.tls(host: "127.0.0.1", port: collector.port, settings),
                                          tlsContext: SyslogTLSContext(settings),
                                          connectTimeout: .seconds(2), sendTimeout: .seconds(2))
        }
        #expect("\(error)".contains("hostname mismatch"), "\(error)")
        // The sender keeps the messages queued and reports the failure instead of delivering.
        let sender = try SyslogSender(configuration: SyslogSenderConfiguration(
            destination: .tls(host: "127.0.0.1", port: collector.port, settings)))
        defer { sender.shutdown(timeout: .zero) }
        sender.send(SyslogDelivery.events(count: 1)[0])
        #expect(!sender.flush(timeout: .milliseconds(500)))
        #expect(sender.statistics.delivered == 0 && sender.statistics.queued == 1)
        #expect(sender.statistics.lastError != nil)
    }
}
