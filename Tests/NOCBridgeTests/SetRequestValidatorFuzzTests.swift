import Foundation
import LoopSentryCore
@testable import NOCBridge
import Testing

/// Fuzzes the SNMP SET path's pure part, `SetRequestValidator.validate`, with random OID
/// suffixes, SMI types, values and lengths against tables of random rows. Every SET ends in
/// one of the defined RFC 3416 errors at a real varbind index, or in requests that are
/// consistent with the table; the per-varbind errors follow RFC 3416 §4.2.5 order, checked
/// against an oracle built from the MIB text (`MIBTextOracle`, via snmptranslate), not from the
/// product's column tables. Replay a failure with the printed `FUZZ_SEED=…`.
@Suite(.enabled(if: MIBTextOracle.toolsPresent, "needs snmptranslate and erlang-snmp's MIBs (scripts/setup.sh)"))
struct SetRequestValidatorFuzzTests {
    static let varbindErrors: Set<SNMPErrorStatus> = [.notWritable, .wrongType, .wrongLength, .wrongValue, .noCreation]

    static func arc(_ rng: inout SeededGenerator) -> UInt {
        rng.chance(0.7) ? UInt.random(in: 0...25, using: &rng)
                        : rng.pick([4094, 4095, 65535, UInt(Int32.max), UInt(Int32.max) + 1, UInt(UInt32.max), UInt.max])
    }

    static func value(_ rng: inout SeededGenerator) -> SNMPValue {
        switch Int.random(in: 0..<8, using: &rng) {
        case 0: .integer(rng.chance(0.5) ? Int32.random(in: -2...6, using: &rng) : Int32.random(in: .min ... .max, using: &rng))
        case 1: .gauge32(rng.chance(0.5) ? UInt32.random(in: 0...3000, using: &rng) : UInt32.random(in: .min ... .max, using: &rng))
        case 2: .counter32(UInt32.random(in: .min ... .max, using: &rng))
        case 3: .counter64(rng.next())
        case 4: .timeTicks(UInt32.random(in: .min ... .max, using: &rng))
        case 5: .octetString(rng.chance(0.5) ? Array("alice-é".utf8.prefix(Int.random(in: 0...8, using: &rng)))
                                              : rng.bytes(Int.random(in: 0...(rng.chance(0.1) ? 70_000 : 80), using: &rng)))
        case 6: .objectIdentifier((0..<Int.random(in: 0...130, using: &rng)).map { _ in arc(&rng) })
        default: .other(UInt8.random(in: 0...255, using: &rng))
        }
    }

    /// A random varbind, most often on a writable column of either table (`vlan` or `vni`, the
    /// oracles of loopSentryVlanTable and loopSentryVniTable) and a row that exists.
    static func varbind(_ rng: inout SeededGenerator, keys: [VLANStatusKey], vniKeys: [(UInt, UInt)],
                        _ vlan: MIBTextOracle, _ vni: MIBTextOracle) -> SetVarbind {
        var suffix: [UInt]
        if rng.chance(0.75) {
            let onVNI = rng.chance(0.4)
            let oracle = onVNI ? vni : vlan
            let columns = oracle.columns
            let writable = columns.filter(\.isWritable)
            let column = rng.chance(0.7) ? rng.pick(writable).arcs.last! : rng.chance(0.5) ? rng.pick(columns).arcs.last! : arc(&rng)
            suffix = oracle.entry + [column]
            if rng.chance(0.8), onVNI, let k = vniKeys.randomElement(using: &rng) {
                suffix += [k.0, k.1]
            } else if rng.chance(0.8), !onVNI, let k = keys.randomElement(using: &rng) {
                suffix += [UInt(k.ifIndex), UInt(k.vlan.value)]
            } else {
                suffix += (0..<Int.random(in: 0...3, using: &rng)).map { _ in arc(&rng) }
            }
        } else {
            suffix = (0..<Int.random(in: 0...(rng.chance(0.05) ? 200 : 7), using: &rng)).map { _ in arc(&rng) }
        }
        return SetVarbind(suffix: suffix, value: value(&rng))
    }

    /// The error RFC 3416 gives for one varbind on its own, ignoring the row's state: the MIB
    /// text's answer (the VNI table's for its suffixes), with the row's existence taken from `table`.
    static func expectedError(_ vb: SetVarbind, _ table: VLANStatusTable, _ vlan: MIBTextOracle,
                              _ vni: MIBTextOracle) -> SNMPErrorStatus? {
        if vb.suffix.starts(with: vni.entry) {
            return vni.expectedError(vb) { index in
                table.vniRow(ifIndex: Int32(index[0]), vni: VNI(Int(index[1]))!) != nil
            }
        }
        return vlan.expectedError(vb) { index in
            table.row(VLANStatusKey(ifIndex: Int32(index[0]), vlan: VLANID(Int(index[1]))!)) != nil
        }
    }

    /// What is wrong with validating `varbinds`, or nil.
    static func violation(_ varbinds: [SetVarbind], _ table: VLANStatusTable, _ oracle: MIBTextOracle,
                          _ vniOracle: MIBTextOracle) -> String? {
        let result = SetRequestValidator.validate(varbinds, against: table)
        let firstBad = varbinds.indices.lazy.compactMap { i in expectedError(varbinds[i], table, oracle, vniOracle).map { (i, $0) } }.first
        switch result {
        case let .failure(r):
            guard varbinds.indices.contains(r.varbindIndex) else { return "rejection names varbind \(r.varbindIndex) of \(varbinds.count)" }
            if let (i, status) = firstBad {
                if r.varbindIndex != i || r.status != status { return "got \(r.status)@\(r.varbindIndex), expected \(status)@\(i)" }
            } else if r.status != .inconsistentValue {
                return "got \(r.status) for well-formed varbinds (only inconsistentValue may remain)"
            }
        case let .success(requests):
            if let (i, status) = firstBad { return "accepted although varbind \(i) is \(status)" }
            var seen: Set<String> = []
            for q in requests {
                let found = q.vni.map { table.vniRow(ifIndex: q.key.ifIndex, vni: $0) } ?? table.row(q.key)
                guard let row = found else { return "request for a row not in the table" }
                let kind: String
                switch q.change {
                case let .action(a):
                    if !a.acceptedStates.contains(row.state) { return "\(a) accepted in state \(row.state)" }
                    kind = "action"
                case let .thresholds(rising, falling):
                    if falling > rising || rising == 0 { return "thresholds \(rising)/\(falling) accepted" }
                    kind = "thresholds"
                }
                if q.author.isEmpty || q.author.utf8.count > 64 { return "author \(q.author.debugDescription)" }
                if !seen.insert("\(q.key)\(q.vni.map(String.init(describing:)) ?? "")\(kind)").inserted { return "two \(kind) requests for one row" }
            }
        }
        return nil
    }

    @Test("random SETs: a defined SNMP error at a real varbind, in RFC order, or consistent requests")
    func randomSets() throws {
        let oracle = try MIBTextOracle.loopSentryVlanTable.get()
        let vniOracle = try MIBTextOracle.loopSentryVniTable.get()
        let budget = FuzzBudget(environment: ProcessInfo.processInfo.environment, defaultIterations: 20_000,
                                defaultSeed: 0x5E7_0001, scale: 10)
        print("SET validator fuzz: \(budget)")
        var rng = budget.generator
        var failures = 0
        var outcomes: [String: Int] = [:]
        var vniRequests = 0
        for i in 0..<budget.iterations {
            let rows = (0..<Int.random(in: 0...6, using: &rng)).map { _ in
                Fixtures.row(Int32(rng.pick([1, 3, 7, Int(Int32.max)])), Int.random(in: 1...4094, using: &rng),
                             state: rng.pick(IncidentState.allCases),
                             rising: UInt32.random(in: 1...5000, using: &rng), falling: UInt32.random(in: 0...5000, using: &rng))
            }
            var vniRows: [VLANStatusRow] = []
            for _ in 0..<Int.random(in: 0...4, using: &rng) {
                var r = Fixtures.vniRow(Int32(rng.pick([1, 3, Int(Int32.max)])), rng.pick([1, 20, 5000, 16_777_215]),
                                        state: rng.pick(IncidentState.allCases))
                (r.risingThreshold, r.fallingThreshold) = (UInt32.random(in: 1...5000, using: &rng), UInt32.random(in: 0...5000, using: &rng))
                vniRows.append(r)
            }
            let table = VLANStatusTable(rows + vniRows)
            let keys = rows.map(\.key)
            let vniKeys = vniRows.map { (UInt($0.key.ifIndex), UInt($0.vni!.value)) }
            let varbinds = (0..<Int.random(in: 0...6, using: &rng)).map { _ in
                Self.varbind(&rng, keys: keys, vniKeys: vniKeys, oracle, vniOracle)
            }
            if let why = Self.violation(varbinds, table, oracle, vniOracle) {
                failures += 1
                if failures <= 5 { Issue.record("#\(i) (\(budget)): \(why)\nvarbinds: \(varbinds)") }
            }
            switch SetRequestValidator.validate(varbinds, against: table) {
            case let .success(requests):
                outcomes["accepted", default: 0] += 1
                vniRequests += requests.filter { $0.vni != nil }.count
            case let .failure(r): outcomes["\(r.status)", default: 0] += 1
            }
        }
        print("SET validator fuzz: \(budget.iterations) SETs, outcomes \(outcomes.sorted { $0.key < $1.key }), "
              + "\(vniRequests) requests on VNI rows, \(failures) violations")
        #expect(vniRequests > 0, "the fuzz never reached a VNI row")
        #expect(outcomes.keys.allSatisfy { $0 == "accepted" || Self.varbindErrors.map(\.description).contains($0) || $0 == "inconsistentValue" })
    }
}
