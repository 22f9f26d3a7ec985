import LoopSentryCore
@testable import NOCBridge
import Testing

/// SETs on loopSentryVniTable: the VLAN table's rules (RFC 3416 order, the action fits the
/// incident state, thresholds stay ordered, a name needs an action), and each accepted SET
/// becomes the command the control socket sends for that VNI.
@Suite struct VNISetRequestTests {
    /// Fixtures.vniRows: 3.200 normal, 3.5001 detected, 3.16777215 normal, 9.5001 normal
    /// (rising 1000, falling 500); beside the VLAN rows of Fixtures.rows.
    let table = VLANStatusTable(Fixtures.rows + Fixtures.vniRows
        + [Fixtures.vniRow(3, 7000, state: .pendingAck), Fixtures.vniRow(3, 7001, state: .cut)])
    typealias C = LoopSentryMIB.VNIColumn

    func vb(_ column: C, _ ifIndex: UInt, _ vni: UInt, _ value: SNMPValue) -> SetVarbind {
        SetVarbind(suffix: column.suffix(ifIndex: ifIndex, vni: vni), value: value)
    }

    func status(_ varbinds: [SetVarbind]) -> SetRejection? {
        if case .failure(let r) = SetRequestValidator.validate(varbinds, against: table) { return r }
        return nil
    }

    @Test func theWritableColumnsAreTheVLANTablesOfTheSameMeaning() {
        #expect(C.allCases.filter(\.isWritable) == [.risingThreshold, .fallingThreshold, .action, .actionAuthor])
        #expect([C.action, .actionResult, .actionAuthor].map(\.rawValue) == [16, 17, 18])
    }

    @Test func readOnlyVNIColumnsAreNotWritableEvenForUnknownRows() {
        for column in C.allCases where !column.isWritable {
            #expect(status([vb(column, 3, 5001, .integer(1))]) == SetRejection(status: .notWritable, varbindIndex: 0), "\(column)")
        }
        #expect(status([vb(.actionResult, 9, 9, .string("x"))])?.status == .notWritable)
        #expect(status([SetVarbind(suffix: [3, 1, 19, 3, 5001], value: .integer(2))])?.status == .notWritable)
        #expect(status([SetVarbind(suffix: [3, 2, 16, 3, 5001], value: .integer(2))])?.status == .notWritable)
    }

    @Test func wrongTypeThenWrongValueThenWrongLengthThenNoCreation() {
        #expect(status([vb(.action, 3, 5001, .string("3"))])?.status == .wrongType)
        #expect(status([vb(.risingThreshold, 3, 5001, .integer(5))])?.status == .wrongType)
        #expect(status([vb(.action, 3, 5001, .integer(1))])?.status == .wrongValue)  // none
        #expect(status([vb(.action, 3, 5001, .integer(5))])?.status == .wrongValue)
        #expect(status([vb(.risingThreshold, 3, 5001, .gauge32(0))])?.status == .wrongValue)
        #expect(status([vb(.actionAuthor, 3, 5001, .octetString(Array(repeating: 65, count: 65)))])?.status == .wrongLength)
        #expect(status([vb(.actionAuthor, 3, 5001, .octetString([0xff, 0xfe]))])?.status == .wrongValue)
        #expect(status([vb(.action, 3, 5002, .integer(3))])?.status == .noCreation)
        #expect(status([vb(.action, 3, 0, .integer(3))])?.status == .noCreation)
        #expect(status([vb(.action, 3, 16_777_216, .integer(3))])?.status == .noCreation)
        #expect(status([vb(.action, 0, 5001, .integer(3))])?.status == .noCreation)
        #expect(status([SetVarbind(suffix: [3, 1, 16, 3], value: .integer(3))])?.status == .noCreation)
        // VLAN 20 exists on ifIndex 3, VNI 20 does not: the tables do not share rows.
        #expect(status([vb(.action, 3, 20, .integer(2))])?.status == .noCreation)
        #expect(status([vb(.action, 3, 5002, .string("x"))])?.status == .wrongType)  // type before row
    }

    @Test func actionMustFitTheIncidentState() {
        #expect(status([vb(.action, 3, 5001, .integer(2))]) == SetRejection(status: .inconsistentValue, varbindIndex: 0))  // ack in detected
        #expect(status([vb(.action, 3, 200, .integer(4))])?.status == .inconsistentValue)   // restore in normal
        #expect(status([vb(.action, 3, 7000, .integer(4))])?.status == .inconsistentValue)  // restore in pendingAck
        #expect(status([vb(.action, 3, 7001, .integer(3))])?.status == .inconsistentValue)  // dismiss in cut
    }

    @Test func thresholdsMustStayOrderedAndAuthorAloneIsInconsistent() {
        #expect(status([vb(.fallingThreshold, 3, 5001, .gauge32(1001))]) == SetRejection(status: .inconsistentValue, varbindIndex: 0))
        #expect(status([vb(.risingThreshold, 3, 5001, .gauge32(499))])?.status == .inconsistentValue)
        #expect(status([vb(.risingThreshold, 3, 5001, .gauge32(5000)), vb(.fallingThreshold, 3, 5001, .gauge32(1001))]) == nil)
        #expect(status([vb(.actionAuthor, 3, 5001, .string("alice"))]) == SetRejection(status: .inconsistentValue, varbindIndex: 0))
        // The second varbind's row is wrong: the index names that varbind.
        #expect(status([vb(.action, 3, 7000, .integer(2)), vb(.action, 3, 200, .integer(4))])
            == SetRejection(status: .inconsistentValue, varbindIndex: 1))
    }

    @Test func validRequestsNameTheVNIAndComeAfterTheVLANRows() throws {
        let ok = try SetRequestValidator.validate([
            vb(.action, 3, 7000, .integer(2)), vb(.actionAuthor, 3, 7000, .string("alice")),
            vb(.risingThreshold, 9, 5001, .gauge32(2000)),
            SetVarbind(suffix: LoopSentryMIB.Column.action.suffix(VLANStatusKeyArcs(ifIndex: 3, vlan: 20)), value: .integer(3)),
            vb(.action, 3, 7001, .integer(4)),
        ], against: table).get()
        #expect(ok == [
            OperatorRequest(key: Fixtures.key(3, 20), change: .action(.dismiss), author: "snmp"),
            OperatorRequest(ifIndex: 3, vni: VNI(7000)!, change: .action(.acknowledgeCut), author: "alice"),
            OperatorRequest(ifIndex: 3, vni: VNI(7001)!, change: .action(.restore), author: "snmp"),
            OperatorRequest(ifIndex: 9, vni: VNI(5001)!, change: .thresholds(rising: 2000, falling: 500), author: "snmp"),
        ])
    }

    @Test func anAcceptedRequestBecomesTheControlSocketsCommandForThatVNI() {
        let ack = OperatorRequest(ifIndex: 3, vni: VNI(7000)!, change: .action(.acknowledgeCut), author: "alice")
        #expect(SNMPSink.command(ack, interface: "underlay0")
            == .vniAction(.acknowledgeCut, interface: "underlay0", vni: 7000, author: "alice", via: "snmp"))
        let thresholds = OperatorRequest(ifIndex: 3, vni: VNI(5001)!, change: .thresholds(rising: 2000, falling: 150), author: "snmp")
        #expect(SNMPSink.command(thresholds, interface: "underlay0")
            == .vniThresholds(interface: "underlay0", vni: VNI(5001)!, rising: 2000, falling: 150, author: "snmp", via: "snmp"))
        let vlan = OperatorRequest(key: Fixtures.key(3, 20), change: .action(.dismiss), author: "bob")
        #expect(SNMPSink.command(vlan, interface: "trunk0")
            == .action(.dismiss, interface: "trunk0", vlan: 20, author: "bob", via: "snmp"))
    }
}
