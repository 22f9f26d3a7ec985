import Foundation
import Testing
@testable import NOCBridge

/// The collector goes away for 5 s while events keep coming: sending never waits, the queue
/// drops its oldest messages and counts them, and after the collector returns everything still
/// queued and everything sent afterwards arrives — exactly `enqueued - dropped` messages.
@Suite(.serialized, .enabled(if: SyslogTestCollector.unavailableReason == nil, SyslogDelivery.collectorMissing))
struct SyslogOutageTests {
    @Test(arguments: ["tcp", "tls"])
    func collectorDownFiveSecondsNeverBlocksAndDropsAreCountedExactly(transport: String) throws {
        let pki = try SyslogTestCertificates.make()
        defer { pki.remove() }
        let collector = try SyslogTestCollector(
            transport == "tls" ? [.tls(pki, requireClientCertificate: false)] : [.tcp])
        defer { collector.stop() }
        try collector.start()
        let destination: SyslogDestination = transport == "tls"
            ? .tls(host: "127.0.0.1", port: collector.port, SyslogTLSSettings(caFile: pki.caFile, serverName: "localhost"))
            : .tcp(host: "127.0.0.1", port: collector.port)
        let sender = try SyslogSender(configuration: SyslogSenderConfiguration(
            destination: destination, queueCapacity: 100,
            backoff: SyslogBackoff(initial: .milliseconds(50), maximum: .milliseconds(500))))
        defer { sender.shutdown() }

        var slowestSend: Duration = .zero
        let clock = ContinuousClock()
        func send(_ events: [SyslogEvent], every interval: TimeInterval) {
            for event in events {
                let elapsed = clock.measure { sender.send(event) }
                slowestSend = max(slowestSend, elapsed)
                Thread.sleep(forTimeInterval: interval)
            }
        }

        // Before: the collector is up.
        let before = SyslogDelivery.events(count: 20, tag: "before")
        send(before, every: 0)
        #expect(sender.flush(timeout: .seconds(5)))
        #expect(collector.waitForRecords(count: 20).count == 20)

        // During: stopped for 5 s while an event goes out every 10 ms.
        collector.stop()
        let outageStart = Date()
        var during: [SyslogEvent] = []
        var i = 0
        while Date().timeIntervalSince(outageStart) < 5 {
            let event = SyslogDelivery.events(count: 1, tag: "during-\(i)")[0]
            during.append(event)
            send([event], every: 0.01)
            i += 1
        }
        #expect(sender.statistics.connected == false)

        // After: back on the same port; more events follow.
        try collector.start()
        let after = SyslogDelivery.events(count: 30, tag: "after")
        send(after, every: 0.01)
        #expect(sender.flush(timeout: .seconds(15)))

        let stats = sender.statistics
        let total = UInt64(before.count + during.count + after.count)
        #expect(stats.enqueued == total)
        #expect(stats.queued == 0)
        #expect(stats.dropped == sender.droppedMessages)
        #expect(stats.dropped > 0, "a 5 s outage at 100 events/s must overflow a 100-message queue")
        let expectedArrivals = Int(total - stats.dropped)
        let records = collector.waitForRecords(count: expectedArrivals, timeout: 10)
        Thread.sleep(forTimeInterval: 0.3) // anything extra would show up now
        let incidents = collector.records().compactMap { $0.structuredData[Syslog.eventSDID]?["incident"] }
        #expect(records.count == expectedArrivals)
        #expect(incidents.count == expectedArrivals, "arrived \(incidents.count), sent \(total), dropped \(stats.dropped)")
        #expect(Set(incidents).count == incidents.count, "no message arrives twice")
        #expect(stats.delivered == UInt64(expectedArrivals))

        // Every message sent after the return arrived, and so did everything before the outage.
        let arrived = Set(incidents)
        #expect(after.allSatisfy { arrived.contains($0.incident) })
        #expect(before.allSatisfy { arrived.contains($0.incident) })
        // Drop-oldest: the outage messages that survived are the newest ones, in one run.
        let survivors = during.map { arrived.contains($0.incident) }
        let firstSurvivor = survivors.firstIndex(of: true) ?? survivors.count
        #expect(survivors[firstSurvivor...].allSatisfy { $0 })
        #expect(UInt64(firstSurvivor) == stats.dropped)

        // A caller that waited out the reconnect backoff would, over a 5 s outage, wait its 500 ms
        // maximum at least once; one that only queues returns at once (room left for a loaded machine).
        #expect(slowestSend < .milliseconds(400), "slowest send call took \(slowestSend)")
        print("syslog outage (\(transport)): sent \(total), dropped \(stats.dropped), arrived \(incidents.count), "
            + "slowest send \(slowestSend), connections \(stats.connections)")
    }
}
