import Foundation
import LoopSentryCore
@testable import NOCBridge
import Testing

extension SNMPIntegrationTests {
/// BENCHMARKS.md's SNMP section (bench/snmp.sh runs it in a release build): a bulkwalk of a
/// 4094-row table through snmpd, and GET latency over 1000 requests. Runs only when
/// LOOPSENTRY_SNMP_BENCH is set; writes Markdown to the file it names.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["LOOPSENTRY_SNMP_BENCH"] != nil, "set LOOPSENTRY_SNMP_BENCH=<file>"))
struct SubagentBenchmark {
    let output = ProcessInfo.processInfo.environment["LOOPSENTRY_SNMP_BENCH"] ?? "/dev/stdout"

    /// CPU seconds (user + system) this process and snmpd have used so far.
    func cpu(_ lab: SNMPLab) -> (subagent: Double, snmpd: Double) {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let mine = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        let stat = (try? String(contentsOfFile: "/proc/\(lab.snmpd?.pid ?? 0)/stat", encoding: .utf8)) ?? ""
        let fields = stat.split(separator: ")").last?.split(separator: " ") ?? []
        let ticks = fields.count > 13 ? (Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0) : 0
        return (mine, ticks / Double(sysconf(Int32(_SC_CLK_TCK))))
    }

    func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = Date()
        try body()
        return Date().timeIntervalSince(start)
    }

    @Test func bulkwalkOf4094RowsAndGetLatency() throws {
        let lab = try SNMPLab()
        defer { lab.stop() }
        let rows = (1...4094).map { Fixtures.row(2, $0, name: "trunk0") }
        let publish = seconds { lab.shared.subagent.publish(rows) }
        try #require(try lab.waitForSubagent(), "subagent never answered\n\(lab.diagnostics)")
        let base = LoopSentryMIB.objects.map(String.init).joined(separator: ".")
        var md = ["| measurement | varbinds | seconds | CPU s: test process (subagent) / snmpd |", "|---|---|---|---|",
                  String(format: "| publish 4094 rows (sort, on the caller's thread) | – | %.4f | |", publish)]
        for (label, oid, count) in [("bulkwalk one column (loopSentryVlanState)", ".\(base).2.1.15", 4094),
                                    ("bulkwalk the whole table, 17 columns", ".\(base).2.1", 4094 * 17)] {
            var out = CommandResult(status: 0, stdout: "", stderr: "")
            let before = cpu(lab)
            let t = try seconds {
                out = try lab.tool("snmpbulkwalk", [oid], options: ["-m", "", "-On", "-Oq", "-Cr100", "-t", "30"])
            }
            let lines = out.stdout.split(separator: "\n").count
            #expect(lines == count, "\(out.stderr)")
            let after = cpu(lab)
            md.append(String(format: "| %@ (snmpbulkwalk -Cr100) | %d | %.3f | %.2f / %.2f |", label, lines, t,
                             after.subagent - before.subagent, after.snmpd - before.snmpd))
        }
        var table = CommandResult(status: 0, stdout: "", stderr: "")
        let before = cpu(lab)
        let t = try seconds {
            table = try lab.tool("snmptable", ["LOOPSENTRY-MIB::loopSentryVlanTable"],
                                 options: ["-Cb", "-Cr", "100", "-Cf", ",", "-CH", "-t", "30"])
        }
        let tableRows = table.stdout.split(separator: "\n").count
        #expect(tableRows == 4094, "\(table.stderr)")
        let after = cpu(lab)
        md.append(String(format: "| snmptable: GETBULK of all 17 columns per request (-Cr 100) | %d | %.3f | %.2f / %.2f |",
                         tableRows * 17, t, after.subagent - before.subagent, after.snmpd - before.snmpd))
        let client = try RawSNMPGet(port: lab.agentPort)
        var latencies: [Double] = []
        var errors = 0
        for i in 0..<1000 {
            let oid = LoopSentryMIB.cellOID(.broadcastRate, ifIndex: 2, vlan: UInt16(1 + (i * 37) % 4094))
            let t = seconds { if client.get(oid) != 0 { errors += 1 } }
            latencies.append(t)
        }
        #expect(errors == 0)
        latencies.sort()
        func ms(_ q: Double) -> Double { latencies[min(latencies.count - 1, Int(q * Double(latencies.count)))] * 1000 }
        md += ["", "| GET latency, 1000 sequential requests (one varbind, UDP v2c, via snmpd + AgentX) | ms |", "|---|---|",
               String(format: "| median | %.3f |", ms(0.5)), String(format: "| p99 | %.3f |", ms(0.99)),
               String(format: "| max | %.3f |", latencies.last! * 1000),
               String(format: "| total for 1000 | %.1f |", latencies.reduce(0, +) * 1000)]
        try (md.joined(separator: "\n") + "\n").write(toFile: output, atomically: false, encoding: .utf8)
    }
}
}
