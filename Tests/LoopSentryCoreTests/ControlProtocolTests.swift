import Foundation
import LoopSentryCore
import Testing

@Suite struct ControlProtocolTests {
    func parse(_ s: String) throws(ControlProtocolError) -> ControlRequest { try ControlRequest.parse(Data(s.utf8)) }

    @Test func validRequestsParse() throws {
        #expect(try parse(#"{"op":"status"}"#) == ControlRequest(op: .status))
        #expect(try parse(#"{"op":"ack","interface":"eth1","vlan":20,"by":"alice"}"#)
                == ControlRequest(op: .ack, interface: "eth1", vlan: 20, by: "alice"))
        var vni = ControlRequest(op: .restore, interface: "eth1", by: "bob")
        vni.vni = 5000
        #expect(try parse(#"{"op":"restore","interface":"eth1","vni":5000,"by":"bob"}"#) == vni)
        // Foundation bridges 0 and 1 to Bool: they are still numbers here, JSON true is not.
        #expect(try parse(#"{"op":"dismiss","interface":"eth1","vlan":1}"#) == ControlRequest(op: .dismiss, interface: "eth1", vlan: 1))
        var one = ControlRequest(op: .dismiss, interface: "eth1")
        one.vni = 1
        #expect(try parse(#"{"op":"dismiss","interface":"eth1","vni":1}"#) == one)
        var thresholds = ControlRequest(op: .thresholds, interface: "ul0", by: "carol")
        thresholds.vni = 5000
        thresholds.rising = 2000
        thresholds.falling = 0
        #expect(try parse(#"{"op":"thresholds","interface":"ul0","vni":5000,"rising":2000,"falling":0,"by":"carol"}"#) == thresholds)
    }

    @Test("bad requests are refused with one line naming the problem", arguments: [
        ("", "request is not a JSON object"),
        ("[1]", "request is not a JSON object"),
        (#"{"op":"cut"}"#, "'op' must be one of status, ack, dismiss, restore, thresholds; got 'cut'"),
        (#"{"interface":"eth1"}"#, "'op' is required (status, ack, dismiss, restore, thresholds)"),
        (#"{"op":"ack","interface":"eth1"}"#, "'ack' needs 'interface' and 'vlan' (or 'vni')"),
        (#"{"op":"restore","interface":"eth1","vni":0}"#, "'vni' must be a whole number 1-16777215"),
        (#"{"op":"restore","interface":"eth1","vni":16777216}"#, "'vni' must be a whole number 1-16777215"),
        (#"{"op":"restore","interface":"eth1","vlan":20,"vni":5000}"#, "give 'vlan' or 'vni', not both"),
        (#"{"op":"ack","interface":"eth1","vlan":4095}"#, "'vlan' must be a whole number 1-4094"),
        (#"{"op":"ack","interface":"eth1","vlan":"20"}"#, "'vlan' must be a whole number 1-4094"),
        (#"{"op":"ack","interface":"eth1","vlan":true}"#, "'vlan' must be a whole number 1-4094"),
        (#"{"op":"ack","interface":"eth1","vlan":20.5}"#, "'vlan' must be a whole number 1-4094"),
        (#"{"op":"ack","interface":"../etc","vlan":20}"#, "'interface' must be an interface name (1-15 characters, no '/', ':' or spaces)"),
        (#"{"op":"ack","interface":"eth1","vlan":20,"by":"x;rm -rf /"}"#, "'by' must be 1-64 letters, digits, or - _ . @ space"),
        (#"{"op":"status","extra":1}"#, "unknown field 'extra'"),
        (#"{"op":"thresholds","interface":"eth1","vni":5000,"rising":2000}"#, "'thresholds' needs 'rising' and 'falling'"),
        (#"{"op":"thresholds","interface":"eth1","vni":5000,"rising":true,"falling":false}"#,
         "'rising' must be a whole number 1-4294967295 (frames per second)"),
        (#"{"op":"thresholds","interface":"eth1","vni":5000,"rising":0,"falling":0}"#,
         "'rising' must be a whole number 1-4294967295 (frames per second)"),
        (#"{"op":"thresholds","interface":"eth1","vlan":20,"rising":10,"falling":2.5}"#,
         "'falling' must be a whole number 0-4294967295 (frames per second)"),
        (#"{"op":"thresholds","interface":"eth1","vlan":20,"rising":4294967296,"falling":1}"#,
         "'rising' must be a whole number 1-4294967295 (frames per second)"),
        (#"{"op":"thresholds","interface":"eth1","vlan":20,"rising":"10","falling":1}"#,
         "'rising' must be a whole number 1-4294967295 (frames per second)"),
        (#"{"op":"thresholds","interface":"eth1","vni":5000,"rising":100,"falling":101}"#, "'falling' (101) must not exceed 'rising' (100)"),
        (#"{"op":"thresholds","interface":"eth1","rising":100,"falling":10}"#, "'thresholds' needs 'interface' and 'vlan' (or 'vni')"),
        (#"{"op":"ack","interface":"eth1","vlan":20,"rising":100}"#, "'rising' and 'falling' belong to op 'thresholds'"),
    ])
    func badRequests(line: String, why: String) {
        #expect(throws: ControlProtocolError.invalid(why)) { try parse(line) }
    }

    @Test func overlongRequestsAreRefused() {
        let long = #"{"op":"status","by":""# + String(repeating: "a", count: 5000) + #""}"#
        #expect(throws: ControlProtocolError.invalid("request longer than 4096 bytes")) { try parse(long) }
    }
}
