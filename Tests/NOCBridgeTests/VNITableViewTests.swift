import LoopSentryCore
@testable import NOCBridge
import Testing

/// loopSentryVniTable in the MIB view: after the VLAN table in OID order, GET of its cells,
/// GETNEXT into it, through it and out of it at the end of the MIB.
@Suite struct VNITableViewTests {
    let view = MIBView(table: VLANStatusTable(Fixtures.rows + Fixtures.vniRows),
                       scalars: ScalarValues(version: "1.2.3", startTime: Fixtures.t0,
                                             notifyGlobalLimit: 120, notifyVlanLimit: 12, sensorName: "edge-7"))
    let state = LoopSentryMIB.VNIColumn.state.rawValue

    @Test func vniRowsAreSortedByIfIndexThenVNIAndKeptOutOfTheVLANTable() {
        var vni0 = Fixtures.vniRow(3, 1)
        vni0.vni = VNI(0)!  // VNI 0 is not an index
        let onIfIndex0 = Fixtures.vniRow(0, 77)
        let table = VLANStatusTable(Fixtures.rows + Fixtures.vniRows + [vni0, onIfIndex0])
        #expect(table.vniRows.map { "\($0.key.ifIndex).\($0.vni!)" } == ["3.200", "3.5001", "3.16777215", "9.5001"])
        #expect(table.rows.count == 5 && table.rows.allSatisfy { $0.vni == nil })
        #expect(table.vniRow(ifIndex: 3, vni: VNI(5001)!)?.state == .detected)
        #expect(table.vniRow(ifIndex: 3, vni: VNI(5002)!) == nil)
    }

    @Test func getReturnsAVNICellOrSaysWhyNot() {
        #expect(view.get([3, 1, state, 3, 5001]) == .value(.integer(2)))  // detected
        #expect(view.get([3, 1, 3, 9, 5001]) == .value(.string("underlay1")))
        #expect(view.get([3, 1, 6, 3, 200]) == .value(.counter64(6_000_002_000)))
        #expect(view.get([3, 1, 12, 3, 16_777_215]) == .value(.string("org-v")))
        #expect(view.get([3, 1, 13, 3, 200]) == .value(.integer(3)))  // alarm(3)
        #expect(view.get([3, 1, state, 3, 5002]) == .noSuchInstance)
        #expect(view.get([3, 1, state, 3, 16_777_216]) == .noSuchInstance)  // beyond 24 bits
        #expect(view.get([3, 1, state, 3, 0]) == .noSuchInstance)
        #expect(view.get([3, 1, state, 3]) == .noSuchInstance)
        #expect(view.get([3, 1, 2, 3, 5001]) == .noSuchObject)  // index column is not-accessible
        #expect(view.get([3, 1, 16, 3, 5001]) == .value(.integer(1)))  // action: none(1)
        #expect(view.get([3, 1, 18, 3, 5001]) == .value(.string("")))  // actionAuthor
        #expect(view.get([3, 1, 19, 3, 5001]) == .value(.counter64(3)))  // returnedProbes
        #expect(view.get([3, 1, 20, 3, 5001]) == .noSuchObject)
        #expect(view.get([3, 2, 3, 3, 5001]) == .noSuchObject)
        #expect(view.get([4, 1, 3, 3, 5001]) == .noSuchObject)
    }

    @Test func aWalkCrossesFromTheVLANTableIntoTheVNITableAndEndsAfterIt() {
        let all = view.walk(from: [])
        #expect(all.count == 8 + 17 * 5 + 17 * 4)
        let lastVLAN = [UInt]([2, 1, 19, 7, 30])
        let crossing = all.firstIndex(of: lastVLAN).map { Array(all[$0...].prefix(3)) }
        #expect(crossing == [lastVLAN, [3, 1, 3, 3, 200], [3, 1, 3, 3, 5001]])
        let stateColumn = all.filter { $0.starts(with: [3, 1, state]) }.map { Array($0.suffix(2)) }
        #expect(stateColumn == [[3, 200], [3, 5001], [3, 16_777_215], [9, 5001]])
        #expect(all.last == [3, 1, 19, 9, 5001])
        #expect(all == all.sorted { compareOID($0, $1) < 0 })
        #expect(view.next(after: [3, 1, 19, 9, 5001], inclusive: false) == nil)
        #expect(view.next(after: [3, 2], inclusive: false) == nil)
        #expect(view.next(after: [4], inclusive: false) == nil)
    }

    @Test func getNextFromInsideOrBeforeTheVNITableFindsTheFollowingCell() {
        #expect(view.next(after: [3, 1, state, 3, 5001], inclusive: false)?.suffix == [3, 1, state, 3, 16_777_215])
        #expect(view.next(after: [3, 1, state, 3, 16_777_215], inclusive: false)?.suffix == [3, 1, state, 9, 5001])
        #expect(view.next(after: [3, 1, state, 9, 5001], inclusive: false)?.suffix == [3, 1, state + 1, 3, 200])
        #expect(view.next(after: [3, 1, state, 3, 5001], inclusive: true)?.suffix == [3, 1, state, 3, 5001])
        #expect(view.next(after: [3, 1, state, 4], inclusive: false)?.suffix == [3, 1, state, 9, 5001])
        #expect(view.next(after: [3], inclusive: false)?.suffix == [3, 1, 3, 3, 200])
        #expect(view.next(after: [2, 2], inclusive: false)?.suffix == [3, 1, 3, 3, 200])
        let value = view.next(after: [3, 1, 6, 3, 200], inclusive: false)
        #expect(value?.suffix == [3, 1, 6, 3, 5001] && value?.value == .counter64(6_000_050_010))
    }

    @Test func withNoVLANRowsAWalkGoesFromTheScalarsToTheVNITable() {
        let onlyVNI = MIBView(table: VLANStatusTable(Fixtures.vniRows), scalars: view.scalars)
        #expect(onlyVNI.next(after: [1, 8, 0], inclusive: false)?.suffix == [3, 1, 3, 3, 200])
        let noVNI = MIBView(table: Fixtures.table, scalars: view.scalars)
        #expect(noVNI.next(after: [2, 1, 19, 7, 30], inclusive: false) == nil)
    }

    @Test func locateWithTheWalkHintAnswersLikeASearch() {
        var hint = MIBPosition.noHint
        var at: [UInt] = [2, 1, 19, 7, 30]
        var answers: [MIBPosition] = []
        while let p = at.withUnsafeBufferPointer({ view.locate(after: $0, inclusive: false, hint: &hint) }) {
            answers.append(p)
            guard case .vniCell(let column, let i) = p else { break }
            let row = view.table.vniRows[i]
            at = column.suffix(ifIndex: UInt(row.key.ifIndex), vni: UInt(row.vni!.value))
            #expect(hint == i)
        }
        #expect(answers.count == 17 * 4)
        #expect(answers.first == .vniCell(.ifName, 0) && answers.last == .vniCell(.returnedProbes, 3))
    }

    @Test func aSetOfAReadOnlyVNICellIsNotWritable() {
        for (column, value): (LoopSentryMIB.VNIColumn, SNMPValue) in [(.frames, .counter64(5)), (.state, .integer(1)),
                                                                      (.tenant, .string("x")), (.actionResult, .string("x"))] {
            let set = SetVarbind(suffix: column.suffix(ifIndex: 3, vni: 5001), value: value)
            guard case .failure(let r) = SetRequestValidator.validate([set], against: view.table) else {
                Issue.record("SET of \(column) was accepted")
                continue
            }
            #expect(r == SetRejection(status: .notWritable, varbindIndex: 0))
        }
    }
}
