import Foundation
import LoopSentryConfig
import LoopSentryCore
import Remediate
import Sensor

/// Cuts, restores and persistence: incident actions become jobs for the scheduler, which batches
/// them per port and driver; each batch runs on its own task and comes back through the queue.
extension Daemon {
    /// The tenant's remediation target of `key`, if any.
    func target(_ key: DetectionKey) -> (TenantConfig, RemediationTarget)? {
        guard let t = config.tenant(interface: key.interface, vlan: key.outer), let r = t.remediation else { return nil }
        return (t, r)
    }

    /// Queues `work` for `key`; a key without a target fails at once (reported on the next poll).
    func submit(_ work: CutWork, key: DetectionKey, incident: UInt64, action: PlaybookAction? = nil, attempt: Int = 1,
                fallback: Bool = false) {
        guard let (_, r) = target(key) else {
            queue.push(.jobFailed(key, work: work, attempt: attempt, reason: "no remediation target configured for this VLAN"))
            return
        }
        let driver: CutDriverKind = (fallback || work == .persist) ? .ansible : r.driver
        scheduler.submit(CutScheduler.Job(key: key, incident: incident, work: work, action: action, attempt: attempt,
                                          lane: CutScheduler.Lane(port: r.portKey, driver: driver), isFallback: fallback),
                         at: MonotonicClock.nanos())
    }

    /// Starts every batch the scheduler lets run now.
    func startBatches() throws {
        for d in scheduler.next(at: MonotonicClock.nanos()) {
            guard let first = d.jobs.first, let (tenant, r) = target(first.key) else { continue }
            let batch = CutBatch(action: d.action, items: d.jobs.map { ($0.key.outer, $0.incident) }, tenant: tenant.name)
            let driver = makeDriver(d.lane.driver, r)
            let name = d.lane.driver == .ansible ? (r.playbook ?? "-") : d.lane.driver.rawValue
            // A cut that cannot be journaled does not start: after a crash nobody could tell it ran.
            guard let runs = journaled({
                try journal.startRuns(d.jobs.map {
                    Journal.RunStart(incident: $0.incident, playbook: name, action: d.work.rawValue, attempt: $0.attempt, at: Date(),
                                     driver: d.lane.driver.rawValue)
                })
            }) else {
                let outcome = CutOutcome.failed(batch, "journal cannot be written: \(d.work.rawValue) not started")
                queue.push(.batchFinished(id: d.id, runs: d.jobs.map { _ in -1 }, outcome))
                continue
            }
            let vlans = batch.vlans.map(String.init).joined(separator: ",")
            log.write(d.work == .persist ? "persistStarted" : "cutStarted", interface: first.key.interface, vlan: Int(first.key.outer.value), tenant: tenant.name,
                      incident: first.incident,
                      detail: "\(d.work == .persist ? "persist \(d.action)" : d.work.rawValue) via \(d.lane.driver)\(d.lane.driver == .ansible ? " \(name)" : "") VLANs \(vlans) port \(r.port)"
                        + (first.isFallback ? " (fallback)" : "") + " attempt \(first.attempt)",
                      at: MonotonicClock.nanos())
            let queue = self.queue
            let id = d.id
            Task.detached {
                let outcome = await driver.apply(batch)
                queue.push(.batchFinished(id: id, runs: runs, outcome))
            }
        }
    }

    /// The driver for `kind` on target `r`.
    func makeDriver(_ kind: CutDriverKind, _ r: RemediationTarget) -> any CutDriver {
        switch kind {
        case .nftables:
            return NftablesCutDriver(port: r.port, netns: r.netns)
        case .snmp:
            // The loader refuses driver snmp without its settings; a target without them cannot cut.
            guard let target = r.snmp else { return UnavailableDriver(kind: .snmp, reason: "remediation.snmp is not configured") }
            return SNMPCutDriver(target: target)
        case .ansible:
            return AnsibleCutDriver(runner: runner, playbook: r.playbook ?? "-", host: r.host, port: r.port, netns: r.netns,
                                    inventory: r.inventory, saveConfig: r.saveConfig, timeout: .seconds(r.timeoutSeconds))
        }
    }

    /// A batch finished: journal each VLAN's run and hand each incident its result.
    func batchFinished(id: Int, runs: [Int64], _ outcome: CutOutcome, now: UInt64) -> [IncidentAction] {
        guard let d = scheduler.finished(id) else { return [] }
        if d.work == .cut { pollSoon = true }
        var actions: [IncidentAction] = []
        try? journal.write(zip(d.jobs, runs).map { j, run in
            .finishRun(run: run, at: Date(), succeeded: outcome.failures[j.key.outer] == nil, changed: outcome.changed ? 1 : 0,
                       timedOut: outcome.timedOut, output: outcome.output.isEmpty ? outcome.line(for: j.key.outer) : outcome.output)
        })
        for j in d.jobs {
            let vlan = j.key.outer
            let ok = outcome.failures[vlan] == nil
            let line = outcome.line(for: vlan)
            log.write(d.work == .persist ? "persistFinished" : "cutFinished", interface: j.key.interface, vlan: Int(vlan.value),
                      tenant: tenantName(j.key), incident: j.incident,
                      detail: line, at: MonotonicClock.nanos())
            switch d.work {
            case .cut:
                if ok && d.lane.driver.isNative { nativeDone[j.incident] = .cut }
                if ok && d.lane.driver == .ansible { nativeDone[j.incident] = nil }
                if !ok, !j.isFallback, d.lane.driver.isNative, let (_, r) = target(j.key), r.fallback == .ansible,
                   let m = book.machines[j.key], j.attempt >= m.tenant.attemptLimit {
                    log.write("fallback", interface: j.key.interface, vlan: Int(vlan.value), incident: j.incident,
                              detail: "\(d.lane.driver) gave up (\(line)); running \(r.playbook ?? "-")", at: MonotonicClock.nanos())
                    submit(.cut, key: j.key, incident: j.incident, attempt: j.attempt, fallback: true)
                    continue
                }
                actions += book.cutFinished(j.key, attempt: j.attempt, success: ok,
                                            detail: j.isFallback ? "fallback \(line)" : line, at: now)
            case .restore:
                nativeDone[j.incident] = ok && d.lane.driver.isNative ? PlaybookAction.restore : nil
                actions += book.restoreFinished(j.key, success: ok, detail: line, at: now)
                if ok && d.lane.driver.isNative { persistIfConfigured(j.key, incident: j.incident, .restore) }
            case .persist:
                let state = book.incidentState(for: j.key)
                try? journal.recordNote(incident: j.incident, at: Date(), state: state.description, cause: "persistence",
                                        detail: "\(ok ? "saved and audited" : "persistence failed"): \(line)")
                if ok && nativeDone[j.incident] == d.action { nativeDone[j.incident] = nil }
            }
        }
        return actions
    }

    /// After a native driver's cut or restore: the tenant's playbook saves and audits it, if configured.
    func persistIfConfigured(_ key: DetectionKey, incident: UInt64, _ action: PlaybookAction) {
        guard let (_, r) = target(key), r.persist, nativeDone[incident] == action else { return }
        submit(.persist, key: key, incident: incident, action: action)
    }
}

/// A driver that fails every batch with one reason.
struct UnavailableDriver: CutDriver {
    let kind: CutDriverKind
    let reason: String
    func apply(_ batch: CutBatch) async -> CutOutcome { .failed(batch, reason) }
}
