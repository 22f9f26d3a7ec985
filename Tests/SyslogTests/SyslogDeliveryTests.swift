import Foundation
import LoopSentryCore
import Logging
import Testing
@testable import NOCBridge

/// Shared by the integration suites: events with awkward values, and the check that each one
/// reached rsyslog byte for byte and that mmpstrucdata parsed its structured data back.
enum SyslogDelivery {
    static let collectorMissing = Comment(rawValue: SyslogTestCollector.unavailableReason ?? "")
    static let tenants = [#"ACME "West" \ [lab]"#, "plain", "ünïcödé ✓", "x]y", "\\", "quote\"", ""]

    static func events(count: Int, tag: String = "inc") -> [SyslogEvent] {
        (0..<count).map { i in
            SyslogEvent(kind: SyslogEventKind.allCases[i % SyslogEventKind.allCases.count],
                        interface: "eth\(i % 3)", vlan: .single(VLANID(1 + i % 4094)!),
                        tenant: tenants[i % tenants.count], rate: Double(1000 + i) + 0.4, threshold: 500,
                        state: "detected", incident: "\(tag)-\(i)")
        }
    }

    /// Sends `count` events through a new sender to `destination`, waits, and checks every record.
    static func sendAndVerify(_ destination: SyslogDestination, collector: SyslogTestCollector,
                              count: Int = 40) throws {
        let sender = try SyslogSender(configuration: SyslogSenderConfiguration(destination: destination,
                                                                               hostname: "sensor-test"))
        defer { sender.shutdown() }
        var expected: [String: (raw: String, event: SyslogEvent)] = [:]
        let start = Date()
        for (i, event) in events(count: count).enumerated() {
            let date = start.addingTimeInterval(Double(i) / 1000)
            sender.send(event, at: date)
            let message = event.message(timestamp: sender.timestamp(for: date), hostname: sender.hostname,
                                        procID: sender.procID, facility: sender.configuration.facility)
            expected[event.incident] = (try message.formatted(), event)
        }
        #expect(sender.flush(timeout: .seconds(10)))
        let records = collector.waitForRecords(count: count)
        #expect(records.count == count)
        for record in records {
            let fields = try #require(record.structuredData[Syslog.eventSDID], "no parsed SD in \(record.raw)")
            let sent = try #require(expected[fields["incident"] ?? ""], "unexpected record \(record.raw)")
            #expect(record.raw == sent.raw)
            #expect(record.msgID == sent.event.kind.msgID)
            #expect(fields["ifname"] == sent.event.interface)
            #expect(fields["vlan"] == sent.event.vlan?.description)
            #expect(fields["tenant"] == sent.event.tenant)
            #expect(fields["rate"] == String(Int(sent.event.rate!.rounded())))
            #expect(fields["threshold"] == "500")
            #expect(fields["state"] == "detected")
        }
        let stats = sender.statistics
        #expect(stats.delivered == UInt64(count) && stats.dropped == 0 && stats.queued == 0)
    }
}

@Suite(.serialized, .enabled(if: SyslogTestCollector.unavailableReason == nil, SyslogDelivery.collectorMissing))
struct SyslogPlainDeliveryTests {
    @Test func udpMessagesArriveIntactAndStructuredDataParses() throws {
        let collector = try SyslogTestCollector([.udp])
        defer { collector.stop() }
        try collector.start()
        try SyslogDelivery.sendAndVerify(.udp(host: "127.0.0.1", port: collector.port), collector: collector)
    }

    @Test func tcpOctetCountedMessagesArriveIntactAndStructuredDataParses() throws {
        let collector = try SyslogTestCollector([.tcp])
        defer { collector.stop() }
        try collector.start()
        try SyslogDelivery.sendAndVerify(.tcp(host: "127.0.0.1", port: collector.port), collector: collector)
    }

    @Test func localSocketMessagesArriveIntactAndStructuredDataParses() throws {
        let collector = try SyslogTestCollector([.unixSocket])
        defer { collector.stop() }
        try collector.start()
        try SyslogDelivery.sendAndVerify(.local(path: collector.socketPath), collector: collector)
    }

    @Test func swiftLogLinesArriveWithLabelAndMetadata() throws {
        let collector = try SyslogTestCollector([.tcp])
        defer { collector.stop() }
        try collector.start()
        let sender = try SyslogSender(configuration: SyslogSenderConfiguration(
            destination: .tcp(host: "127.0.0.1", port: collector.port)))
        defer { sender.shutdown() }
        var logger = Logger(label: "loopsentry.sensor") { SyslogLogHandler(label: $0, sender: sender) }
        logger[metadataKey: "vlan"] = "20"
        logger.warning("rate above threshold", metadata: ["tenant": "a \"b\" ]"])
        #expect(sender.flush(timeout: .seconds(5)))
        let records = collector.waitForRecords(count: 1)
        let record = try #require(records.first)
        #expect(record.msgID == "LOG")
        #expect(record.raw.hasPrefix("<28>1 "))
        #expect(record.raw.hasSuffix("\u{FEFF}rate above threshold"))
        #expect(record.structuredData[Syslog.logMetadataSDID]
            == ["label": "loopsentry.sensor", "source": "SyslogTests", "tenant": "a \"b\" ]", "vlan": "20"])
    }
}
