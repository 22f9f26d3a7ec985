import LoopSentryCore
@testable import NOCBridge
import Testing

@Suite struct MIBViewTests {
    let view = MIBView(table: Fixtures.table,
                       scalars: ScalarValues(version: "1.2.3", startTime: Fixtures.t0,
                                             notifyGlobalLimit: 120, notifyVlanLimit: 12, sensorName: "edge-7"))
    let state = LoopSentryMIB.Column.state.rawValue

    @Test func tableIsSortedByIfIndexThenVLANAndDropsInvalidKeys() {
        let extra = [Fixtures.row(3, 1), Fixtures.row(0, 5)]  // ifIndex 0 is not a table index
        var withVID0 = Fixtures.row(4, 1)
        withVID0 = VLANStatusRow(key: VLANStatusKey(ifIndex: 4, vlan: VLANID(0)!), ifName: "x",
                                 risingThreshold: 1, fallingThreshold: 0, policy: .auto, lastChange: Fixtures.t0)
        let table = VLANStatusTable(Fixtures.rows + extra + [withVID0])
        #expect(table.rows.map(\.key.description) == ["3.1", "3.10", "3.20", "3.4094", "7.5", "7.30"])
    }

    @Test func getReturnsTheCellOrSaysWhyNot() {
        #expect(view.get([2, 1, state, 3, 20]) == .value(.integer(3)))  // pendingAck
        #expect(view.get([2, 1, 3, 7, 30]) == .value(.string("trunk1")))
        #expect(view.get([2, 1, 6, 3, 10]) == .value(.counter64(5_000_001_000)))
        #expect(view.get([2, 1, state, 3, 21]) == .noSuchInstance)
        #expect(view.get([2, 1, state, 3]) == .noSuchInstance)
        #expect(view.get([2, 1, 1, 3, 20]) == .noSuchObject)  // index column is not-accessible
        #expect(view.get([2, 1, 99, 3, 20]) == .noSuchObject)
        #expect(view.get([1, 1, 0]) == .value(.string("1.2.3")))
        #expect(view.get([1, 1]) == .noSuchInstance)
        #expect(view.get([1, 9, 0]) == .noSuchObject)
    }

    @Test func getNextWalksScalarsThenEachColumnInRowOrderThenEnds() {
        let all = view.walk(from: [])
        #expect(all.count == 8 + 17 * 5)
        #expect(all.prefix(9) == [[1, 1, 0], [1, 2, 0], [1, 3, 0], [1, 4, 0], [1, 5, 0], [1, 6, 0], [1, 7, 0], [1, 8, 0],
                                  [2, 1, 3, 3, 10]])
        #expect(view.get([1, 8, 0][...]) == .value(.string("edge-7")))
        let stateColumn = all.filter { $0.starts(with: [2, 1, state]) }.map { Array($0.suffix(2)) }
        #expect(stateColumn == [[3, 10], [3, 20], [3, 4094], [7, 5], [7, 30]])
        #expect(all.last == [2, 1, 19, 7, 30])
        #expect(view.next(after: [2, 1, 19, 7, 30], inclusive: false) == nil)
    }

    @Test func getNextFromInsideAColumnFindsTheFollowingRow() {
        #expect(view.next(after: [2, 1, state, 3, 20], inclusive: false)?.suffix == [2, 1, state, 3, 4094])
        #expect(view.next(after: [2, 1, state, 3, 4094], inclusive: false)?.suffix == [2, 1, state, 7, 5])
        #expect(view.next(after: [2, 1, state, 3], inclusive: false)?.suffix == [2, 1, state, 3, 10])
        #expect(view.next(after: [2, 1, state, 3, 20, 5], inclusive: false)?.suffix == [2, 1, state, 3, 4094])
        #expect(view.next(after: [2, 1, state, 5], inclusive: false)?.suffix == [2, 1, state, 7, 5])
        // Past the last row of a column: the first row of the next column.
        #expect(view.next(after: [2, 1, state, 7, 30], inclusive: false)?.suffix == [2, 1, state + 1, 3, 10])
        #expect(view.next(after: [2, 1, state, 4_294_967_295], inclusive: false)?.suffix == [2, 1, state + 1, 3, 10])
        // The index columns are skipped.
        #expect(view.next(after: [2, 1], inclusive: false)?.suffix == [2, 1, 3, 3, 10])
    }

    @Test func inclusiveGetNextReturnsTheStartWhenItExists() {
        #expect(view.next(after: [2, 1, state, 3, 20], inclusive: true)?.suffix == [2, 1, state, 3, 20])
        #expect(view.next(after: [1, 1, 0], inclusive: true)?.suffix == [1, 1, 0])
        #expect(view.next(after: [], inclusive: true)?.suffix == [1, 1, 0])
    }

    /// The suffix of a `locate` answer, to compare with `next`'s.
    func suffix(_ position: MIBPosition?) -> [UInt]? {
        switch position {
        case nil: nil
        case .scalar(let scalar): scalar.suffix
        case .cell(let column, let i): column.suffix(MIBView.arcs(view.table.rows[i].key))
        case .vniCell(let column, let i):
            column.suffix(ifIndex: UInt(view.table.vniRows[i].key.ifIndex), vni: UInt(view.table.vniRows[i].vni!.value))
        }
    }

    @Test func aWalkCarryingTheLastRowHintVisitsWhatAPlainWalkVisits() {
        var hint = MIBPosition.noHint
        var at: [UInt] = []
        var steps = 0
        while true {
            let hinted = at.withUnsafeBufferPointer { view.locate(after: $0, inclusive: false, hint: &hint) }
            let plain = view.next(after: at[...], inclusive: false)
            #expect(suffix(hinted) == plain?.suffix, "after \(at)")
            guard let next = plain?.suffix else { break }
            at = next
            steps += 1
        }
        #expect(steps == 8 + 17 * 5)  // the eight scalars, then 17 columns of 5 rows
    }

    @Test func anyHintGivesTheAnswerOfNoHint() {
        // Hints that name the start's row, another row, a row of a table since republished
        // smaller (out of range), or none: the answer is the same.
        let starts: [[UInt]] = [[2, 1, state, 3, 20], [2, 1, state, 3, 4094], [2, 1, state, 7], [2, 1, 3, 3, 10, 1],
                                [2, 1, state, 7, 30], [2, 1, 19, 7, 30], [1, 7, 0], []]
        for start in starts {
            for inclusive in [false, true] {
                var none = MIBPosition.noHint
                let expected = start.withUnsafeBufferPointer { view.locate(after: $0, inclusive: inclusive, hint: &none) }
                for h in [-1, 0, 1, 2, 3, 4, 5, 99] {
                    var hint = h
                    let got = start.withUnsafeBufferPointer { view.locate(after: $0, inclusive: inclusive, hint: &hint) }
                    #expect(got == expected, "start \(start) inclusive \(inclusive) hint \(h)")
                }
            }
        }
    }

    @Test func emptyTableEndsAfterTheScalars() {
        let empty = MIBView(table: .empty, scalars: view.scalars)
        #expect(empty.next(after: [1, 8, 0], inclusive: false) == nil)
    }

    @Test func dateAndTimeIsElevenOctetsUTC() {
        // 2026-11-22T14:13:20.500Z
        let t = UTCTimestamp(millisecondsSince1970: 1_795_356_800_500)
        #expect(DateAndTime.octets(t) == [0x07, 0xEA, 11, 22, 14, 13, 20, 5, UInt8(ascii: "+"), 0, 0])
        #expect(DateAndTime.octets(UTCTimestamp(secondsSince1970: 951_782_400))
                == [0x07, 0xD0, 2, 29, 0, 0, 0, 0, UInt8(ascii: "+"), 0, 0])  // 2000-02-29
    }

    @Test func gaugeSaturatesAndFloors() {
        #expect(VLANStatusRow.gauge(1234.9) == 1234)
        #expect(VLANStatusRow.gauge(-3) == 0)
        #expect(VLANStatusRow.gauge(.nan) == 0)
        #expect(VLANStatusRow.gauge(1e12) == UInt32.max)
    }
}
