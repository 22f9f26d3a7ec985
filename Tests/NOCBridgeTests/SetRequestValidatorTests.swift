import LoopSentryCore
@testable import NOCBridge
import Testing

@Suite struct SetRequestValidatorTests {
    let table = Fixtures.table
    typealias C = LoopSentryMIB.Column

    func vb(_ column: C, _ ifIndex: UInt, _ vlan: UInt, _ value: SNMPValue) -> SetVarbind {
        SetVarbind(suffix: [2, 1, column.rawValue, ifIndex, vlan], value: value)
    }

    func status(_ varbinds: [SetVarbind]) -> SetRejection? {
        if case .failure(let r) = SetRequestValidator.validate(varbinds, against: table) { return r }
        return nil
    }

    @Test func readOnlyColumnsAndScalarsAreNotWritableEvenForUnknownRows() {
        #expect(status([vb(.state, 3, 20, .integer(1))]) == SetRejection(status: .notWritable, varbindIndex: 0))
        #expect(status([vb(.tenant, 9, 9, .string("x"))])?.status == .notWritable)
        #expect(status([SetVarbind(suffix: [1, 3, 0], value: .gauge32(5))])?.status == .notWritable)
        #expect(status([SetVarbind(suffix: [2, 1, 42, 3, 20], value: .integer(2))])?.status == .notWritable)
    }

    @Test func wrongTypeThenWrongValueThenNoCreation() {
        #expect(status([vb(.action, 3, 20, .string("2"))])?.status == .wrongType)
        #expect(status([vb(.risingThreshold, 3, 20, .integer(5))])?.status == .wrongType)
        #expect(status([vb(.action, 3, 20, .integer(1))])?.status == .wrongValue)  // none
        #expect(status([vb(.action, 3, 20, .integer(5))])?.status == .wrongValue)
        #expect(status([vb(.risingThreshold, 3, 20, .gauge32(0))])?.status == .wrongValue)
        #expect(status([vb(.actionAuthor, 3, 20, .octetString(Array(repeating: 65, count: 65)))])?.status == .wrongLength)
        #expect(status([vb(.actionAuthor, 3, 20, .octetString([0xff, 0xfe]))])?.status == .wrongValue)
        #expect(status([vb(.action, 3, 21, .integer(2))])?.status == .noCreation)
        #expect(status([vb(.action, 3, 0, .integer(2))])?.status == .noCreation)
        #expect(status([SetVarbind(suffix: [2, 1, 17, 3], value: .integer(2))])?.status == .noCreation)
        #expect(status([vb(.action, 3, 21, .string("x"))])?.status == .wrongType)  // type before row
    }

    @Test func actionMustFitTheIncidentState() {
        #expect(status([vb(.action, 3, 10, .integer(2))])?.status == .inconsistentValue)  // ack in detected
        #expect(status([vb(.action, 7, 5, .integer(4))])?.status == .inconsistentValue)   // restore in normal
        #expect(status([vb(.action, 3, 20, .integer(4))])?.status == .inconsistentValue)  // restore in pendingAck
    }

    @Test func thresholdsMustStayOrdered() {
        #expect(status([vb(.fallingThreshold, 3, 20, .gauge32(1001))]) == SetRejection(status: .inconsistentValue, varbindIndex: 0))
        #expect(status([vb(.risingThreshold, 3, 20, .gauge32(99))])?.status == .inconsistentValue)
        #expect(status([vb(.risingThreshold, 3, 20, .gauge32(5000)), vb(.fallingThreshold, 3, 20, .gauge32(1001))]) == nil)
    }

    @Test func authorAloneIsInconsistent() {
        #expect(status([vb(.actionAuthor, 3, 20, .string("alice"))]) == SetRejection(status: .inconsistentValue, varbindIndex: 0))
    }

    @Test func validRequestsCarryTheAuthorOrSnmp() throws {
        let ok = try SetRequestValidator.validate([
            vb(.action, 3, 20, .integer(2)), vb(.actionAuthor, 3, 20, .string("alice")),
            vb(.action, 7, 30, .integer(4)),
            vb(.risingThreshold, 3, 10, .gauge32(2000)),
        ], against: table).get()
        #expect(ok == [
            OperatorRequest(key: Fixtures.key(3, 10), change: .thresholds(rising: 2000, falling: 100), author: "snmp"),
            OperatorRequest(key: Fixtures.key(3, 20), change: .action(.acknowledgeCut), author: "alice"),
            OperatorRequest(key: Fixtures.key(7, 30), change: .action(.restore), author: "snmp"),
        ])
    }

    @Test func theFirstFailingVarbindIsReported() {
        #expect(status([vb(.action, 3, 20, .integer(2)), vb(.state, 3, 20, .integer(1))])
                == SetRejection(status: .notWritable, varbindIndex: 1))
    }
}
