import ArgumentParser
import Foundation
import LoopSentryCore
import Remediate

/// `loopsentry cut-snmp`: cuts or restores VLANs on one switch trunk with the SNMP cut driver,
/// outside the daemon — for operators checking a switch's SNMP write access and credentials
/// file before enabling `remediation.driver: snmp`, and for bench/snmp-set.sh. Prints the
/// driver's detail line (or failure lines), or with `--json` one object with the SET latencies.
/// With `--cycles N` it repeats cut and restore N times and reports every SET's latency and
/// every whole cut's duration (credentials read, session open, GET, SET, verifying GET).
struct SNMPCutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cut-snmp",
        abstract: "Cut or restore VLANs on a switch trunk with SNMP SETs (the snmp cut driver), then exit.",
        discussion: "The credentials file format and the objects written are in docs/drivers-snmp.md.",
        shouldDisplay: false)

    @Option(name: .long, help: "The agent, as Net-SNMP writes it: udp:192.0.2.10:161.")
    var address: String

    @Option(name: .long, help: ArgumentHelp("The credentials file (mode 0600).", valueName: "FILE"))
    var credentials: String

    @Option(name: .long, help: "cisco-vtp or q-bridge.")
    var mib: String

    @Option(name: .long, help: "The trunk port: ifIndex (cisco-vtp) or dot1dBasePort (q-bridge).")
    var portIndex: Int

    @Option(name: .long, parsing: .upToNextOption, help: "VLANs (repeatable, or comma-separated).")
    var vlan: [String]

    @Option(name: .long, help: "cut or restore.")
    var action: String = "cut"

    @Option(name: .long, help: "Timeout per request in milliseconds.")
    var timeoutMs = 1000

    @Option(name: .long, help: "Retries per request.")
    var retries = 1

    @Option(name: .long, help: "Repeat cut then restore this many times (the action is ignored); for benchmarks.")
    var cycles: Int?

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    func validate() throws {
        guard SNMPCutMIB(rawValue: mib) != nil else { throw ValidationError("--mib must be cisco-vtp or q-bridge") }
        guard PlaybookAction(rawValue: action) != nil else { throw ValidationError("--action must be cut or restore") }
        guard !(try vlans()).isEmpty else { throw ValidationError("--vlan needs at least one VLAN") }
        if let cycles, cycles < 1 { throw ValidationError("--cycles must be at least 1") }
        // The same ranges as remediation.snmp.timeout_ms and retries in the configuration.
        guard (10...60_000).contains(timeoutMs) else { throw ValidationError("--timeout-ms must be 10…60000") }
        guard (0...10).contains(retries) else { throw ValidationError("--retries must be 0…10") }
    }

    func vlans() throws -> [VLANID] {
        try vlan.flatMap { $0.split(separator: ",") }.map {
            guard let n = Int($0.trimmingCharacters(in: .whitespaces)), let v = VLANID(n) else {
                throw ValidationError("'\($0)' is not a VLAN (0–4095)")
            }
            return v
        }
    }

    func run() throws {
        let driver = SNMPCutDriver(target: SNMPCutTarget(
            address: address, credentialsFile: credentials, mib: SNMPCutMIB(rawValue: mib)!, portIndex: portIndex,
            timeoutMilliseconds: timeoutMs, retries: retries))
        let actions: [PlaybookAction] = cycles.map { n in (0..<n).flatMap { _ in [.cut, .restore] } } ?? [PlaybookAction(rawValue: action)!]
        let list = try vlans()
        var latencies: [Double] = [], durations: [Double] = []
        var last: SNMPCutReport?
        for a in actions {
            let report = driver.run(CutBatch(action: a, vlans: list, incidents: [], tenant: "cli"))
            latencies += report.setLatencies.map { $0.milliseconds }
            durations.append(report.outcome.duration.milliseconds)
            last = report
            if !report.outcome.succeeded { break }
        }
        guard let last else { return }
        if json {
            let object: [String: Any] = [
                "succeeded": last.outcome.succeeded, "changed": last.outcome.changed, "detail": last.outcome.detail,
                "failures": Dictionary(uniqueKeysWithValues: last.outcome.failures.map { ($0.key.description, $0.value) }),
                "set_latencies_ms": latencies, "sets": latencies.count, "apply_durations_ms": durations,
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else if last.outcome.succeeded {
            print(last.outcome.detail)
        } else {
            for (v, line) in last.outcome.failures.sorted(by: { $0.key < $1.key }) { print("VLAN \(v): \(line)") }
        }
        if !last.outcome.succeeded { throw ExitCode(1) }
    }
}
