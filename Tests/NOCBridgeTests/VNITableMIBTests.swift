import Foundation
import LoopSentryCore
@testable import NOCBridge
import Testing

/// loopSentryVniTable and the VNI notifications as the MIB text defines them (read by
/// snmptranslate) agree with what the subagent serves and sends.
@Suite(.enabled(if: MIBTextOracle.toolsPresent, "needs snmptranslate and erlang-snmp's MIBs (scripts/setup.sh)"))
struct VNITableMIBTests {
    func translate(_ args: [String]) throws -> CommandResult {
        try Command.run(["/usr/bin/snmptranslate", "-M", SNMPTools.mibPath, "-m", "LOOPSENTRY-MIB"] + args,
                        in: FileManager.default.temporaryDirectory)
    }

    @Test("the MIB's VNI table follows the VLAN table, writes what the VLAN table writes and is indexed by ifIndex and a 24-bit VNI")
    func tableShape() throws {
        let oracle = try MIBTextOracle.loopSentryVniTable.get()
        let vlan = try MIBTextOracle.loopSentryVlanTable.get()
        #expect(oracle.entry == LoopSentryMIB.vniEntry && compareOID(vlan.entry, oracle.entry) < 0)
        #expect(oracle.indexes.map(\.name) == ["loopSentryVniIfIndex", "loopSentryVniId"])
        #expect(oracle.indexes.map { $0.constraint ?? [] } == [[1...2_147_483_647], [1...16_777_215]])
        #expect(oracle.indexes.map(\.baseType) == ["Integer32", "Unsigned32"])
        #expect(oracle.columns.filter(\.isWritable).map(\.name) == ["loopSentryVniRisingThreshold", "loopSentryVniFallingThreshold",
                                                                   "loopSentryVniAction", "loopSentryVniActionAuthor"])
        #expect(oracle.columns.filter(\.isWritable).compactMap(\.arcs.last)
            == LoopSentryMIB.VNIColumn.allCases.filter(\.isWritable).map(\.rawValue))
        // The action columns have the VLAN table's syntax and rules.
        for name in ["Action", "ActionResult", "ActionAuthor"] {
            let vni = try #require(oracle.columns.first { $0.name == "loopSentryVni\(name)" })
            let vlanColumn = try #require(vlan.columns.first { $0.name == "loopSentryVlan\(name)" })
            #expect(vni.syntax == vlanColumn.syntax && vni.access == vlanColumn.access && vni.neverWritten == vlanColumn.neverWritten, "\(name)")
        }
        // Every column of the code is in the MIB at the same arc, the MIB has no other column.
        #expect(oracle.columns.map(\.arcs) == LoopSentryMIB.VNIColumn.allCases.map { oracle.entry + [$0.rawValue] })
        #expect(oracle.columns.filter { $0.access == "read-only" || $0.isWritable }.compactMap(\.arcs.last)
            == LoopSentryMIB.VNIColumn.accessible.map(\.rawValue))
    }

    @Test("each VNI column's SYNTAX is the type the subagent answers with")
    func columnTypesMatchTheCellValues() throws {
        let oracle = try MIBTextOracle.loopSentryVniTable.get()
        let row = Fixtures.vniRow(3, 5001)
        for column in LoopSentryMIB.VNIColumn.accessible {
            let object = try #require(oracle.columns.first { $0.arcs.last == column.rawValue })
            let expected: String = switch MIBView.cell(column, row)!.snmpValue {
            case .octetString: "OCTET"
            case .integer: "INTEGER"
            case .gauge32: object.baseType == "Unsigned32" ? "Unsigned32" : "Gauge32"
            case .counter64: "Counter64"
            default: "?"
            }
            #expect(object.baseType == expected, "\(object.name): \(object.syntax)")
        }
    }

    @Test("the VNI notifications' OIDs and OBJECTS are what the subagent sends, each instance .ifIndex.vni")
    func notificationsMatchTheVarbinds() throws {
        let oracle = try MIBTextOracle.loopSentryVniTable.get()
        let kinds: [(String, NOCNotificationKind)] = [("loopSentryVniStormDetected", .stormDetected),
                                                      ("loopSentryVniStormCleared", .stormCleared),
                                                      ("loopSentryVniStateChanged", .loopConfirmed)]
        for (name, kind) in kinds {
            let numeric = try translate(["-On", "LOOPSENTRY-MIB::\(name)"])
            let n = NOCNotification(kind: kind, row: Fixtures.vniRow(3, 5001, state: .detected))
            let trapOID = "." + NotificationVarbinds.trapOID(n).map(String.init).joined(separator: ".")
            #expect(numeric.status == 0 && numeric.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == trapOID, "\(name)")
            let text = try translate(["-Td", "LOOPSENTRY-MIB::\(name)"]).stdout
            let objects = MIBTextOracle.Object.matches(in: text, pattern: #"OBJECTS\s+\{([^}]*)\}"#).first?
                .split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? []
            #expect(objects.count == 6 && objects.last == "loopSentrySensorName", "\(name): \(objects)")
            let fromMIB = try objects.map { object -> [UInt] in
                if object == "loopSentrySensorName" { return LoopSentryMIB.scalarOID(.sensorName) }
                let column = try #require(oracle.columns.first { $0.name == object }, "\(object)")
                return LoopSentryMIB.objects + column.arcs + [3, 5001]
            }
            #expect(NotificationVarbinds.varbinds(n, sensorName: "s").map(\.oid) == fromMIB, "\(name)")
        }
        // A VLAN event keeps its own notification type.
        let vlan = NOCNotification(kind: .stormCleared, row: Fixtures.row(3, 20))
        #expect(NotificationVarbinds.trapOID(vlan) == LoopSentryMIB.notificationOID(6))
    }
}
