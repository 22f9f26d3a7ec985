import Foundation
@testable import NOCBridge
import Testing

/// The SET fuzz oracle reads what it needs from the MIB text, and fails loudly when it cannot.
@Suite(.enabled(if: MIBTextOracle.toolsPresent, "needs snmptranslate and erlang-snmp's MIBs (scripts/setup.sh)"))
struct MIBTextOracleTests {
    @Test("the oracle finds the read-write columns, the INDEX ranges, the enumeration and the never-written value in the MIB text")
    func readsTheMIB() throws {
        let oracle = try MIBTextOracle.loopSentryVlanTable.get()
        #expect(oracle.entry == [2, 1])
        #expect(oracle.columns.count == 19)
        #expect(oracle.columns.filter(\.isWritable).map(\.name) == ["loopSentryVlanRisingThreshold", "loopSentryVlanFallingThreshold",
                                                                   "loopSentryVlanAction", "loopSentryVlanActionAuthor"])
        #expect(oracle.indexes.map { $0.constraint ?? [] } == [[1...2_147_483_647], [1...4094]])
        let action = try #require(oracle.columns.first { $0.name == "loopSentryVlanAction" })
        #expect(action.enumeration == [1, 2, 3, 4] && action.neverWritten == [1])
        let author = try #require(oracle.columns.first { $0.name == "loopSentryVlanActionAuthor" })
        #expect(author.baseType == "OCTET" && author.constraint == [0...64] && author.textualConvention == "SnmpAdminString")
    }

    @Test("the oracle throws when snmptranslate cannot load the MIB")
    func throwsWithoutTheMIB() {
        #expect(throws: MIBTextOracle.Failure.self) { try MIBTextOracle(mibPath: "/nonexistent") }
    }
}
