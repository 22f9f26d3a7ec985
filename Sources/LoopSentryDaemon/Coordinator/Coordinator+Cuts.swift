import Foundation
import LoopSentryConfig
import LoopSentryCore
import Remediate

/// Cuts, restores and persistence: incident actions become jobs for the scheduler, which batches
/// them per port and driver; the shell runs each batch and reports it with `batchFinished`.
extension Coordinator {
    /// Queues `work` for `key`; a key without a target fails (answered by `service`).
    mutating func submit(_ work: CutWork, key: DetectionKey, incident: UInt64, action: PlaybookAction? = nil, attempt: Int = 1,
                         fallback: Bool = false, now: UInt64) {
        guard let (_, r) = policy.target(key) else {
            refused.append((key, work, attempt, "no remediation target configured for this VLAN"))
            return
        }
        let driver: CutDriverKind = (fallback || work == .persist) ? .ansible : r.driver
        // The nftables driver drops a VNI, and so does the tenant's own playbook when it is a VNI
        // playbook (driver ansible); configuration refuses the others, and a VNI's cut is never
        // handed to a playbook as a fallback or for persistence.
        let cutsVNI = driver == .nftables || (driver == .ansible && r.driver == .ansible && r.playbookSegments.vnis)
        guard key.vni == nil || cutsVNI else {
            refused.append((key, work, attempt, Self.noVNICuts))
            return
        }
        scheduler.submit(CutScheduler.Job(key: key, incident: incident, work: work, action: action, attempt: attempt,
                                          lane: CutScheduler.Lane(port: r.portKey, driver: driver), isFallback: fallback), at: now)
    }

    /// The batches the scheduler lets run now. While the journal cannot be written none starts
    /// (after a crash nobody could tell it ran): the shell journals a batch's runs before it
    /// starts the driver, logs the batch's `started` line only then, and reports a batch whose
    /// runs cannot be written as finished with that failure. That write, not `journalHealth`,
    /// decides: the health is known only once the shell has carried out this event's earlier
    /// journal writes, so a batch due in the event whose write shows the journal recovered must
    /// not be refused as if it still failed.
    mutating func startBatches(now: UInt64, wall: UTCTimestamp) -> [Effect] {
        var effects: [Effect] = []
        let date = Date(timeIntervalSince1970: Double(wall.millisecondsSince1970) / 1000)
        for d in scheduler.next(at: now) {
            guard let first = d.jobs.first, let (tenant, r) = policy.target(first.key) else { continue }
            let batch = CutBatch(action: d.action, items: d.jobs.compactMap { j in j.key.outer.map { ($0, j.incident) } },
                                 vniItems: d.jobs.compactMap { j in j.key.vni.map { ($0, j.incident) } },
                                 vxlanPort: policy.vxlanPort(first.key.interface), tenant: tenant.name)
            let name = d.lane.driver == .ansible ? (r.playbook ?? "-") : d.lane.driver.rawValue
            let segments = [batch.vlans.isEmpty && !batch.vnis.isEmpty ? nil : "VLANs " + batch.vlans.map(String.init).joined(separator: ","),
                            batch.vnis.isEmpty ? nil : "VNIs " + batch.vnis.map(String.init).joined(separator: ",")]
                .compactMap { $0 }.joined(separator: " ")
            let what = d.work == .persist ? "persist \(d.action)" : d.work.rawValue
            let started = EventRecord(
                d.work == .persist ? "persistStarted" : "cutStarted", key: first.key, at: now, tenant: tenant.name,
                incident: first.incident,
                detail: "\(what) via \(d.lane.driver)\(d.lane.driver == .ansible ? " \(name)" : "") \(segments) port \(r.port)"
                    + (first.isFallback ? " (fallback)" : "") + " attempt \(first.attempt)")
            effects.append(.startBatch(BatchStart(
                id: d.id, work: d.work, driver: d.lane.driver, target: r, batch: batch, started: started,
                runs: d.jobs.map { Journal.RunStart(incident: $0.incident, playbook: name, action: d.work.rawValue,
                                                    attempt: $0.attempt, at: date, driver: d.lane.driver.rawValue) })))
        }
        return effects
    }

    /// A batch finished (or could not start: `runs` are -1): journal each VLAN's run and hand
    /// each incident its result.
    public mutating func batchFinished(id: Int, runs: [Int64], _ outcome: CutOutcome, now: UInt64, wall: UTCTimestamp) -> [Effect] {
        guard let d = scheduler.finished(id) else { return [] }
        let date = Date(timeIntervalSince1970: Double(wall.millisecondsSince1970) / 1000)
        var effects: [Effect] = d.work == .cut ? [.pollSoon] : []
        let finished: [Journal.Write] = zip(d.jobs, runs).filter { $0.1 >= 0 }.map { j, run in
            .finishRun(run: run, at: date, succeeded: Self.succeeded(j.key, outcome), changed: outcome.changed ? 1 : 0,
                       timedOut: outcome.timedOut, output: outcome.output.isEmpty ? Self.line(j.key, outcome) : outcome.output)
        }
        if !finished.isEmpty { effects.append(.journal(finished)) }
        var notes: [Journal.Write] = []
        for j in d.jobs {
            let ok = Self.succeeded(j.key, outcome)
            let line = Self.line(j.key, outcome)
            effects.append(.record(EventRecord(d.work == .persist ? "persistFinished" : "cutFinished", key: j.key, at: now,
                                               tenant: policy.tenantName(j.key), incident: j.incident, detail: line)))
            switch d.work {
            case .cut:
                if ok && d.lane.driver.isNative { nativeDone[j.incident] = .cut }
                if ok && d.lane.driver == .ansible { nativeDone[j.incident] = nil }
                if !ok, !j.isFallback, j.key.vni == nil, d.lane.driver.isNative, let (_, r) = policy.target(j.key), r.fallback == .ansible,
                   let m = book.machines[j.key], j.attempt >= m.tenant.attemptLimit {
                    effects.append(.record(EventRecord("fallback", key: j.key, at: now, incident: j.incident,
                                                       detail: "\(d.lane.driver) gave up (\(line)); running \(r.playbook ?? "-")")))
                    submit(.cut, key: j.key, incident: j.incident, attempt: j.attempt, fallback: true, now: now)
                    continue
                }
                effects += carryOut(book.cutFinished(j.key, attempt: j.attempt, success: ok,
                                                     detail: j.isFallback ? "fallback \(line)" : line, at: now), now: now, wall: wall)
            case .restore:
                nativeDone[j.incident] = ok && d.lane.driver.isNative ? PlaybookAction.restore : nil
                effects += carryOut(book.restoreFinished(j.key, success: ok, detail: line, at: now), now: now, wall: wall)
                if ok && d.lane.driver.isNative { persistIfConfigured(j.key, incident: j.incident, .restore, now: now) }
            case .persist:
                notes.append(.note(incident: j.incident, at: date, state: book.incidentState(for: j.key).description,
                                   cause: "persistence", detail: "\(ok ? "saved and audited" : "persistence failed"): \(line)"))
                if ok && nativeDone[j.incident] == d.action { nativeDone[j.incident] = nil }
            }
        }
        if !notes.isEmpty { effects.append(.journal(notes)) }
        return effects
    }

    /// Why a cut or restore of a VNI is refused.
    static let noVNICuts = "VNI cuts need remediation driver nftables or a VNI playbook"

    /// Whether `outcome` succeeded for `key`'s VLAN or VNI.
    static func succeeded(_ key: DetectionKey, _ outcome: CutOutcome) -> Bool {
        if let vni = key.vni { return outcome.vniFailures[vni] == nil }
        return key.outer.map { outcome.failures[$0] == nil } ?? false
    }

    /// The driver's line about `key`'s VLAN or VNI.
    static func line(_ key: DetectionKey, _ outcome: CutOutcome) -> String {
        if let vni = key.vni { return outcome.line(for: vni) }
        return key.outer.map { outcome.line(for: $0) } ?? noVNICuts
    }

    /// After a native driver's cut or restore: the tenant's playbook saves and audits it, if configured.
    /// The job joins the scheduler's queue; the next `service` starts it.
    mutating func persistIfConfigured(_ key: DetectionKey, incident: UInt64, _ action: PlaybookAction, now: UInt64) {
        // A playbook saves VLAN configuration; an nftables VNI rule has nothing to persist.
        guard key.vni == nil, let (_, r) = policy.target(key), r.persist, nativeDone[incident] == action else { return }
        submit(.persist, key: key, incident: incident, action: action, now: now)
    }
}
