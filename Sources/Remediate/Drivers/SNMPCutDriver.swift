import Foundation
import LoopSentryCore

/// Cuts and restores VLANs on a switch trunk with SNMP SETs through Net-SNMP's client library,
/// in-process: CISCO-VTP-MIB `vlanTrunkPortVlansEnabled*` (read-modify-write of the batch's bits,
/// guarded by the `vlanTrunkPortSetSerialNo` TestAndIncr) or Q-BRIDGE-MIB
/// `dot1qVlanStaticEgressPorts.<vlan>` (the port's bit per VLAN). Every failure is one line per
/// VLAN naming the agent, the object and the error. `apply` blocks its task for at most the
/// requests' timeout × (retries + 1) each, on a thread of its own.
public struct SNMPCutDriver: CutDriver {
    public var kind: CutDriverKind { .snmp }
    /// The agent, credentials file, MIB and port.
    public let target: SNMPCutTarget

    public init(target: SNMPCutTarget) { self.target = target }

    /// Runs the blocking requests on a thread of their own, so a switch that does not answer
    /// holds no thread of the concurrency pool while the requests wait out their timeouts.
    public func apply(_ batch: CutBatch) async -> CutOutcome {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: run(batch).outcome) }
            thread.name = "ls-snmp-cut"
            thread.start()
        }
    }

    /// Cuts or restores the batch and reports the SETs it sent with their latencies.
    public func run(_ batch: CutBatch) -> SNMPCutReport {
        let clock = ContinuousClock()
        let start = clock.now
        var report = SNMPCutReport(agent: "snmp \(target.address)")
        guard !batch.vlans.isEmpty else {
            report.finish(changed: false, summary: "snmp: nothing to do (empty batch)", duration: clock.now - start)
            return report
        }
        do {
            let credentials = try SNMPCredentials.load(target.credentialsFile)
            try SNMPClientSession.exclusively { () throws(SNMPRequestError) in
                let session = try SNMPClientSession(target: target, credentials: credentials)
                switch target.mib {
                case .ciscoVTP: applyVTP(batch, session, &report)
                case .qBridge: applyQBridge(batch, session, &report)
                }
            }
        } catch let error as SNMPCredentialsError {
            report.fail(batch.vlans, "\(report.agent): \(error.message)")
        } catch let error as SNMPRequestError {
            report.fail(batch.vlans, "\(report.agent): session failed: \(error)")
        } catch {
            report.fail(batch.vlans, "\(report.agent): \(error)")
        }
        report.finish(changed: !report.setObjects.isEmpty, summary: nil, duration: clock.now - start)
        return report
    }

    /// Sends one SET and records its latency and object names.
    func timedSet(_ session: SNMPClientSession, _ varbinds: [(SNMPObjectID, SNMPClientValue)], naming: [SNMPObjectID],
                  _ report: inout SNMPCutReport) throws(SNMPRequestError) {
        let clock = ContinuousClock()
        let start = clock.now
        try session.set(varbinds)
        report.setLatencies.append(clock.now - start)
        report.setObjects.append(contentsOf: naming.map(SNMPCutObjects.name))
    }

    /// The failure line of a request: the object the agent blamed (error-index or exception
    /// value), or the objects the request was about.
    func line(_ agent: String, _ op: String, _ objects: [SNMPObjectID], _ error: SNMPRequestError) -> String {
        var named = objects
        switch error {
        case .errorStatus(_, let oid?): named = [oid]
        case .value(_, let oid): named = [oid]
        default: break
        }
        return "\(agent): \(op) \(named.map(SNMPCutObjects.name).joined(separator: ", ")) failed: \(error)"
    }
}

/// What one SNMP cut did: the outcome for the incident, and each SET's latency for benchmarks
/// and the operator command.
public struct SNMPCutReport: Sendable {
    /// `snmp <address>`, the start of every failure line.
    public var agent: String
    /// The outcome handed to the incident.
    public var outcome = CutOutcome(changed: false, detail: "", duration: .zero)
    /// Wall time of each SET request (send to response), in order.
    public var setLatencies: [Duration] = []
    /// The objects written, by name, in order.
    public var setObjects: [String] = []
    /// Per VLAN that failed: its line.
    public var failures: [VLANID: String] = [:]
    /// Notes for the detail line: "verified", "no change: …", "retried after inconsistentValue".
    public var notes: [String] = []

    init(agent: String) { self.agent = agent }

    mutating func fail(_ vlans: [VLANID], _ line: String) {
        for v in vlans where failures[v] == nil { failures[v] = line }
    }

    /// Builds the outcome: e.g. "snmp: 1 SET (vlanTrunkPortVlansEnabled.10101) in 3.1 ms; verified".
    mutating func finish(changed: Bool, summary: String?, duration: Duration) {
        var detail = summary ?? ""
        if summary == nil {
            let ms = setLatencies.map { String(format: "%.1f", $0.milliseconds) }
            detail = setLatencies.isEmpty ? "snmp: no SET"
                : "snmp: \(setLatencies.count) SET\(setLatencies.count == 1 ? "" : "s") (\(setObjects.joined(separator: ", "))) in \(ms.joined(separator: " + ")) ms"
            if !notes.isEmpty { detail += "; " + notes.joined(separator: "; ") }
            if !failures.isEmpty && setLatencies.isEmpty, let first = failures.values.sorted().first { detail = first }
        }
        outcome = CutOutcome(failures: failures, changed: changed, detail: detail, duration: duration)
    }
}

extension Duration {
    /// The duration in milliseconds.
    public var milliseconds: Double {
        let c = components
        return Double(c.seconds) * 1000 + Double(c.attoseconds) / 1e15
    }
}
