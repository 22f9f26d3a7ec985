import Foundation
import LoopSentryCore
import Testing
@testable import NOCBridge

@Suite struct SyslogHeaderLimitTests {
    func header(_ message: SyslogMessage) throws -> [Substring] {
        try message.formatted().split(separator: " ", maxSplits: 7, omittingEmptySubsequences: false)
    }

    @Test func fieldsAreCutToTheirRFCLimits() throws {
        let message = SyslogMessage(priority: SyslogPriority(facility: .local7, severity: .debug), timestamp: nil,
                                    hostname: String(repeating: "h", count: 300), appName: String(repeating: "a", count: 60),
                                    procID: String(repeating: "p", count: 200), msgID: String(repeating: "m", count: 40))
        let fields = try header(message)
        #expect(fields[0] == "<191>1")
        #expect(fields[1] == "-")
        #expect(fields[2].count == 255)
        #expect(fields[3].count == 48)
        #expect(fields[4].count == 128)
        #expect(fields[5].count == 32)
        #expect(fields[6] == "-")
        #expect(fields.count == 7)
    }

    @Test func emptyFieldsBecomeNilValueAndNonPrintablesAreReplaced() throws {
        let message = SyslogMessage(priority: SyslogPriority(facility: .kernel, severity: .emergency), timestamp: nil,
                                    hostname: "", appName: "my app", procID: "", msgID: "ü")
        #expect(try message.formatted() == "<0>1 - - my_app - _ -")
    }

    @Test func utf8MessageStartsWithTheByteOrderMark() throws {
        let message = SyslogMessage(priority: SyslogPriority(facility: .daemon, severity: .notice), timestamp: nil,
                                    hostname: "h", body: .utf8("héllo"))
        let bytes = try message.bytes()
        #expect(Array(bytes.suffix(9)) == [0xEF, 0xBB, 0xBF] + Array("héllo".utf8))
    }

    @Test func longMessagesAreCutInMSGAtACharacterBoundary() throws {
        let message = SyslogMessage(priority: SyslogPriority(facility: .daemon, severity: .notice), timestamp: nil,
                                    hostname: "h", body: .any(String(repeating: "é", count: 100)))
        let full = try message.bytes()
        let cut = try message.bytes(maxLength: 40)
        #expect(cut.count <= 40 && cut.count >= 39)
        #expect(Array(full.prefix(cut.count)) == cut)
        #expect(String(validating: cut, as: UTF8.self) != nil)
        // The header and structured data are never cut, whatever the limit.
        #expect(try message.bytes(maxLength: 3).count == "<29>1 - h loopsentry - - -".utf8.count)
    }

    @Test func octetCountingFramesWithDecimalLengthAndSpace() {
        #expect(SyslogConnection.octetCountedFrame(Array("<13>1 - - - - - -".utf8))
            == Array("17 <13>1 - - - - - -".utf8))
    }
}

@Suite struct SyslogEventTests {
    let stamp = SyslogTimestamp(secondsSinceEpoch: 1_700_000_000, microseconds: 123_456, utcOffsetMinutes: 540)

    @Test func stormEventFormatsAllEightParameters() throws {
        var event = SyslogEvent(kind: .storm, interface: "eth1", vlan: .single(VLANID(20)!), tenant: "acme",
                                rate: 15_000.4, threshold: 1000, state: "detected", incident: "42")
        event.sensor = "edge-7"
        let text = try event.message(timestamp: stamp, hostname: "sensor1", procID: "77").formatted()
        #expect(text == "<28>1 2023-11-15T07:13:20.123456+09:00 sensor1 loopsentry 77 STORM "
            + "[loopsentry@8072 ifname=\"eth1\" vlan=\"20\" tenant=\"acme\" rate=\"15000\" threshold=\"1000\" "
            + "state=\"detected\" incident=\"42\" sensor=\"edge-7\"] \u{FEFF}broadcast storm detected on eth1 VLAN 20 tenant acme: "
            + "15000 pps (threshold 1000 pps), state detected")
    }

    @Test func absentFieldsAreEmptyAndQinQIsOuterDotInner() throws {
        let pair = VLANPair(outer: VLANID(100)!, inner: VLANID(7)!)
        let event = SyslogEvent(kind: .action, interface: "eth2", vlan: .qinq(pair), detail: "ack by noc")
        let parsed = try #require(SDTestParser.parse(event.structuredDataElement.formatted))
        #expect(parsed[0].params.map(\.name) == ["ifname", "vlan", "tenant", "rate", "threshold", "state", "incident", "sensor"])
        #expect(parsed[0].params.map(\.value) == ["eth2", "100.7", "", "", "", "", "", ""])
        #expect(event.text == "operator action on eth2 VLAN 100.7 - ack by noc")
    }

    @Test func tenantWithSpecialCharactersRoundTripsThroughTheEvent() throws {
        let tenant = #"ACME "West" \ [lab]"#
        let event = SyslogEvent(kind: .cut, interface: "eth1", vlan: .single(VLANID(5)!), tenant: tenant)
        let parsed = try #require(SDTestParser.parse(event.structuredDataElement.formatted))
        #expect(parsed[0].params[2].value == tenant)
    }

    @Test func msgIDsAreStableDistinctAndValid() {
        #expect(SyslogEventKind.allCases.map(\.msgID)
            == ["STORM", "LOOP", "CUTPEND", "CUT", "CUTFAIL", "CLEAR", "RESTORE", "ACTION"])
        for kind in SyslogEventKind.allCases {
            #expect(SyslogMessage.headerField(kind.msgID, limit: SyslogMessage.Limit.msgID) == kind.msgID)
        }
        #expect(SyslogEvent(kind: .cutFailed, interface: "e", vlan: nil).message(timestamp: nil, hostname: "h",
                                                                                procID: "1").priority.value == 26)
    }
}

@Suite struct SyslogWiringTests {
    @Test func notificationsMapOntoEventsWithTheSameValues() throws {
        let key = VLANStatusKey(ifIndex: 3, vlan: VLANID(20)!)
        let notification = NOCNotification(kind: .cutFailed, key: key, ifName: "eth1", tenant: "acme",
                                           broadcastRate: 15_000, risingThreshold: 1_000, state: .cutFailed,
                                           actionAuthor: "auto", actionResult: "playbook timed out")
        let event = SyslogEvent(notification, incident: "42")
        #expect(event == SyslogEvent(kind: .cutFailed, interface: "eth1", vlan: .single(VLANID(20)!), tenant: "acme",
                                     rate: 15_000, threshold: 1_000, state: "cutFailed", incident: "42",
                                     detail: "by auto; playbook timed out"))
        #expect(NOCNotificationKind.allCases.map { SyslogEventKind($0).msgID }
            == ["STORM", "LOOP", "CUTPEND", "CUT", "CUTFAIL", "CLEAR", "RESTORE"])
        let action = SyslogEvent.operatorAction(.acknowledgeCut, interface: "eth1", vlan: VLANID(20)!, tenant: "acme",
                                                state: .cutting, incident: "42", author: "noc-alice")
        #expect(action.kind == .action && action.detail == "acknowledgeCut by noc-alice")
    }

    @Test func destinationsParseFromConfigurationText() throws {
        #expect(try SyslogDestination(transport: "udp", address: "collector:5514") == .udp(host: "collector", port: 5514))
        #expect(try SyslogDestination(transport: "tcp", address: "collector.example.net") == .tcp(host: "collector.example.net", port: 514))
        #expect(try SyslogDestination(transport: "tcp", address: "[::1]:1514") == .tcp(host: "::1", port: 1514))
        #expect(try SyslogDestination(transport: "tls", address: "::1") == .tls(host: "::1", port: 6514, SyslogTLSSettings()))
        #expect(try SyslogDestination(transport: "local", address: "/dev/log") == .local(path: "/dev/log"))
        for (transport, address) in [("udp", "h:0"), ("udp", "h:x"), ("tcp", ":514"), ("local", "dev/log"), ("relp", "h")] {
            #expect(throws: SyslogDestination.AddressError.self) { try SyslogDestination(transport: transport, address: address) }
        }
    }

    @Test func theDaemonAPIQueuesWithoutACollector() throws {
        let sender = try SyslogSender(configuration: SyslogSenderConfiguration(
            destination: try SyslogDestination(transport: "local", address: "/nonexistent/loopsentry-test.sock"),
            queueCapacity: 2))
        defer { sender.shutdown(timeout: .zero) }
        let key = VLANStatusKey(ifIndex: 3, vlan: VLANID(20)!)
        sender.send(SyslogEvent(NOCNotification(kind: .stormDetected, key: key, ifName: "eth1", tenant: "acme",
                                                broadcastRate: 1, risingThreshold: 1, state: .detected), incident: "1"))
        sender.send(.operatorAction(.dismiss, interface: "eth1", vlan: VLANID(20)!, tenant: "acme",
                                    state: .normal, incident: "1", author: "noc"))
        sender.send(SyslogEvent(kind: .cleared, interface: "eth1", vlan: nil))
        #expect(sender.droppedMessages == 1)
        #expect(sender.statistics.enqueued == 3 && sender.statistics.queued == 2)
    }
}
