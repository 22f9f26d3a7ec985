import Foundation
@testable import NOCBridge
import Testing

/// LOOPSENTRY-MIB stays clean under `smilint -l 6`, and its sensor-name scalar and the
/// notifications' OBJECTS clauses agree with the code (read from the MIB text by snmptranslate).
@Suite(.enabled(if: MIBTextOracle.toolsPresent && FileManager.default.isExecutableFile(atPath: "/usr/bin/smilint"),
                "needs smilint, snmptranslate and erlang-snmp's MIBs (scripts/setup.sh)"))
struct MIBSensorNameTests {
    static let mib = SNMPTools.repoRoot.path + "/mibs/LOOPSENTRY-MIB.txt"

    func translate(_ args: [String]) throws -> CommandResult {
        try Command.run(["/usr/bin/snmptranslate", "-M", SNMPTools.mibPath, "-m", "LOOPSENTRY-MIB"] + args,
                        in: FileManager.default.temporaryDirectory)
    }

    @Test("smilint -l 6 finds nothing to say about LOOPSENTRY-MIB")
    func smilintIsClean() throws {
        let r = try Command.run(["/usr/bin/smilint", "-l", "6", Self.mib],
                                environment: ["SMIPATH": SNMPTools.mibPath], in: FileManager.default.temporaryDirectory)
        #expect(r.status == 0 && r.stdout.isEmpty && r.stderr.isEmpty, "smilint: \(r.stdout)\(r.stderr)")
    }

    @Test("loopSentrySensorName.0 in the MIB text is the OID the subagent serves and notifications carry")
    func sensorNameScalarMatchesTheCode() throws {
        let r = try translate(["-On", "LOOPSENTRY-MIB::loopSentrySensorName.0"])
        #expect(r.status == 0, "\(r.stderr)")
        let numeric = "." + LoopSentryMIB.scalarOID(.sensorName).map(String.init).joined(separator: ".")
        #expect(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == numeric)
    }

    @Test("every notification's OBJECTS clause ends with loopSentrySensorName")
    func everyNotificationEndsWithTheSensorName() throws {
        let names = ["loopSentryStormDetected", "loopSentryLoopConfirmed", "loopSentryCutPending", "loopSentryCutApplied",
                     "loopSentryCutFailed", "loopSentryStormCleared", "loopSentryVlanRestored"]
        for name in names {
            let r = try translate(["-Td", "LOOPSENTRY-MIB::\(name)"])
            let objects = MIBTextOracle.Object.matches(in: r.stdout, pattern: #"OBJECTS\s+\{([^}]*)\}"#).first?
                .split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? []
            #expect(objects.last == "loopSentrySensorName", "\(name): \(objects)")
        }
    }
}
