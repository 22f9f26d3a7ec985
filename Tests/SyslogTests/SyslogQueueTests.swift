import Foundation
import Logging
import Testing
@testable import NOCBridge

@Suite struct SyslogQueueTests {
    @Test func fullQueueDropsTheOldest() {
        var queue = BoundedQueue<Int>(capacity: 3)
        let dropped = [1, 2, 3, 4, 5].map { queue.append($0) }
        #expect(dropped == [nil, nil, nil, 1, 2])
        #expect([queue.popFirst(), queue.popFirst(), queue.popFirst(), queue.popFirst()] == [3, 4, 5, nil])
    }

    @Test func aFailedWriteGoesBackToTheHeadUnlessTheQueueFilledMeanwhile() {
        var queue = BoundedQueue<Int>(capacity: 2)
        queue.append(1)
        queue.append(2)
        let taken = queue.popFirst()!
        let putBack = queue.pushFront(taken)
        #expect(putBack)
        #expect(queue.popFirst() == 1)
        queue.append(3)
        let putBackWhenFull = queue.pushFront(1)
        #expect(!putBackWhenFull, "the oldest message is the one dropped")
        #expect([queue.popFirst(), queue.popFirst()] == [2, 3])
    }
}

@Suite struct SyslogBackoffTests {
    @Test func doublesUpToTheMaximumAndResets() {
        var backoff = SyslogBackoff(initial: .milliseconds(100), maximum: .seconds(1))
        let delays = (0..<6).map { _ in backoff.failed() }
        #expect(delays == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800),
                           .seconds(1), .seconds(1)])
        backoff.reset()
        #expect(backoff.failed() == .milliseconds(100))
    }

    @Test func manyFailuresDoNotOverflow() {
        var backoff = SyslogBackoff(initial: .milliseconds(1), maximum: .seconds(30))
        for _ in 0..<500 { _ = backoff.failed() }
        #expect(backoff.failed() == .seconds(30))
    }
}

@Suite struct SyslogLogHandlerTests {
    @Test func levelsMapOntoSeverities() {
        #expect(SyslogLogHandler.severity(.trace) == .debug)
        #expect(SyslogLogHandler.severity(.info) == .informational)
        #expect(SyslogLogHandler.severity(.critical) == .critical)
    }

    @Test func metadataBecomesValidSDParametersInKeyOrder() throws {
        let element = SyslogLogHandler.element(label: "ls.sensor", source: "Sensor",
                                               metadata: ["vlan": "20", "bad key=x]": "v\"]", "a": .array(["1", "2"])])
        let parsed = try #require(SDTestParser.parse(element.formatted))
        #expect(parsed[0].id == "log@8072")
        #expect(parsed[0].params.map(\.name) == ["label", "source", "a", "bad_key_x_", "vlan"])
        #expect(parsed[0].params[3].value == "v\"]")
    }

    @Test func loggingThroughTheHandlerQueuesAMessage() throws {
        // A collector that is never reachable: the message stays queued and send never blocks.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID()).sock").path
        let sender = try SyslogSender(configuration: SyslogSenderConfiguration(destination: .local(path: path)))
        defer { sender.shutdown(timeout: .zero) }
        var logger = Logger(label: "test") { SyslogLogHandler(label: $0, sender: sender) }
        logger[metadataKey: "vlan"] = "20"
        logger.warning("hello")
        #expect(sender.statistics.enqueued == 1)
        #expect(sender.statistics.delivered == 0)
    }
}
