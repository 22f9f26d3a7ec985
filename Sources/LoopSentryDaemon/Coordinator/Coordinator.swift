import Foundation
import LoopSentryConfig
import LoopSentryCore
import Remediate

/// The daemon's decisions as a value: it owns the detectors (one per interface), the incident
/// book, the status board, the cut scheduler and the one policy directory. The shell feeds it
/// events — a poll of the counters, an operator's request, a finished batch, a journal write's
/// outcome, the passing of time — each with `now` (monotonic ns) and `wall` (UTC), and carries
/// out the `Effect`s it returns, in order. Nothing here reads a clock or does I/O, so the whole
/// path from counters to incidents, notifications and cuts is tested with a manual clock.
public struct Coordinator: Sendable {
    /// Thresholds and tenants. Changing it (an operator's thresholds) reaches the detectors, the
    /// book and the board at once: they read it, they keep no copy of their own.
    public internal(set) var policy: PolicyDirectory {
        didSet { propagatePolicy() }
    }
    /// Detection per interface.
    public internal(set) var detectors: [String: DetectionStage] = [:]
    public internal(set) var book: IncidentBook
    public internal(set) var board: StatusBoard
    public internal(set) var scheduler: CutScheduler
    /// Whether the journal can be written, for the alarm; while not, no cut starts (the shell
    /// cannot journal its runs).
    public internal(set) var journalHealth = JournalHealth()
    /// The segment kinds each interface sends probes in (VLANs with `probe_vlans`, VNIs with
    /// `vxlan_flood`).
    let probeKinds: [String: Set<Segment.Kind>]
    /// Underlay interfaces whose VXLAN VNIs are watched.
    let vniInterfaces: Set<String>
    /// Incidents whose last cut or restore a native driver made and no playbook persisted yet.
    var nativeDone: [UInt64: PlaybookAction] = [:]
    /// Incidents whose opening row the journal has.
    var knownIncidents: Set<UInt64> = []
    var lostInterfaces: Set<String> = []
    /// The journal's file, for the alarm's words.
    let journalPath: String
    /// Jobs that could not be queued (no target), answered at the end of the current event.
    var refused: [(key: DetectionKey, work: CutWork, attempt: Int, reason: String)] = []

    /// A coordinator for `config`'s interfaces (name → ifindex), numbering incidents from
    /// `nextIncidentID` (the journal's next id).
    public init(config: Configuration, ifIndexes: [String: Int32], nextIncidentID: UInt64, wall: UTCTimestamp) {
        let directory = PolicyDirectory(config)
        policy = directory
        journalPath = config.journal.path
        probeKinds = Dictionary(config.interfaces.map { i in
            (i.name, Set<Segment.Kind>((i.probeVLANs.isEmpty ? [] : [.vlan]) + (i.vniProbePlan == nil ? [] : [.vni])))
        }, uniquingKeysWith: { a, _ in a })
        vniInterfaces = Set(config.interfaces.filter { !$0.vnis.isEmpty }.map(\.name))
        for i in config.interfaces {
            detectors[i.name] = DetectionStage(interface: i.name, policy: directory.detection, countsPairs: i.countInner)
        }
        book = IncidentBook(nextIncidentID: nextIncidentID, detection: directory.detection) { key in
            directory.tenant(key)?.incident
        }
        board = StatusBoard(interfaces: ifIndexes, keys: directory.tenantVLANs, now: wall) { directory.rowPolicy($0) }
        scheduler = CutScheduler(maxConcurrentPlaybooks: config.remediation.maxConcurrentPlaybooks,
                                 playbookWindow: UInt64(config.remediation.playbookBatchWindowMilliseconds) * 1_000_000)
    }

    /// Hands the changed policy to the detectors, the book and the board.
    mutating func propagatePolicy() {
        let p = policy
        for name in detectors.keys { detectors[name]?.detector.policy = p.detection }
        book.detection = p.detection
        board.policy = { p.rowPolicy($0) }
    }

    /// Counters of every interface, read at one poll: detection, the incidents' rates and
    /// deadlines, and the batches due.
    public mutating func poll(_ polls: [InterfacePoll], now: UInt64, wall: UTCTimestamp) -> [Effect] {
        var effects: [Effect] = []
        var rates: [DetectionKey: Double] = [:]
        for p in polls {
            guard detectors[p.interface] != nil else { continue }
            board.update(interface: p.interface, rates: p.rates, probes: p.probes, now: wall)
            for r in p.rates { rates[DetectionKey(interface: p.interface, vlan: r.vlan)] = r.broadcastPerSecond }
            if vniInterfaces.contains(p.interface) {
                board.update(interface: p.interface, vniRates: p.vniRates, vniProbes: p.vniProbes, now: wall)
                for r in p.vniRates { rates[DetectionKey(interface: p.interface, vni: r.key)] = r.broadcastPerSecond }
            }
            let (events, rising) = detectors[p.interface]!.observe(rates: p.rates, pairRates: p.pairRates,
                                                                  probeReturns: p.probeReturns, vniRates: p.vniRates,
                                                                  watchesVNIs: vniInterfaces.contains(p.interface), at: p.at)
            let kinds = probeKinds[p.interface] ?? []
            effects += rising.filter { kinds.contains($0.kind) }.map { .probeSoon(interface: p.interface, segment: $0, at: p.at) }
            for e in events {
                effects.append(.record(record(e)))
                // QinQ (outer, inner) pairs are detected and logged; incidents, notifications and
                // cuts act on the outer (service) VLAN, which is what a trunk can drop. A VNI is an
                // incident of its own (alarm only: configuration refuses VNI cut policies).
                if e.key.segment.kind != .qinq { effects += carryOut(book.handle(e), cause: e, now: now, wall: wall) }
            }
        }
        var actions: [IncidentAction] = []
        for key in book.machines.keys.sorted() { actions += book.rate(rates[key] ?? 0, for: key, at: now) }
        actions += book.tick(at: now)
        effects += carryOut(actions, now: now, wall: wall)
        return effects + service(now: now, wall: wall)
    }

    /// Time passed without a poll: the incidents' deadlines, then the batches due.
    public mutating func tick(now: UInt64, wall: UTCTimestamp) -> [Effect] {
        carryOut(book.tick(at: now), now: now, wall: wall) + service(now: now, wall: wall)
    }

    /// Starts the batches the scheduler lets run now and answers refused jobs.
    public mutating func service(now: UInt64, wall: UTCTimestamp) -> [Effect] {
        var effects: [Effect] = []
        while !refused.isEmpty {
            let r = refused.removeFirst()
            effects.append(.record(EventRecord("cutFinished", key: r.key, at: now, detail: "\(r.work) failed: \(r.reason)")))
            switch r.work {
            case .cut: effects += carryOut(book.cutFinished(r.key, attempt: r.attempt, success: false, detail: r.reason, at: now),
                                           now: now, wall: wall)
            case .restore: effects += carryOut(book.restoreFinished(r.key, success: false, detail: r.reason, at: now),
                                               now: now, wall: wall)
            case .persist: break
            }
        }
        return effects + startBatches(now: now, wall: wall)
    }

    /// The event log line of a detection event.
    func record(_ e: DetectionEvent) -> EventRecord {
        let m = MonitorEvent(e)
        var detail = m.probesReturned.map { "\($0) probe(s) returned" } ?? m.kind
        if let inner = m.inner { detail = "QinQ pair \(m.vlan ?? 0).\(inner)" + (detail.map { ": \($0)" } ?? "") }
        var r = EventRecord(m.event, at: m.monotonicNanos, interface: m.interface, vlan: m.vlan,
                            tenant: policy.tenant(e.key.rowKey)?.config.name,
                            rate: m.rate, threshold: m.threshold, detail: detail)
        r.vni = m.vni
        r.storm = m.kind
        return r
    }

    /// The attachment check of one interface: a lost interface is reported once; one that came
    /// back keeps its rows under its new ifindex.
    public mutating func interfaceChecked(_ interface: String, _ check: InterfaceCheck, now: UInt64) -> [Effect] {
        let was = lostInterfaces.contains(interface)
        switch check {
        case .inPlace:
            return []
        case .gone:
            guard !was else { return [] }
            lostInterfaces.insert(interface)
            return [.record(EventRecord("interfaceLost", at: now, interface: interface,
                                        detail: "interface gone; waiting for it to come back"))]
        case let .reattached(ifIndex):
            lostInterfaces.remove(interface)
            board.setIfIndex(interface: interface, ifIndex)
            return [.record(EventRecord("sensorReattached", at: now, interface: interface, detail: "ifindex \(ifIndex)")), .publish]
        }
    }

    /// A journal write's outcome. A failure (disk full, read-only file system) does not stop the
    /// daemon: the alarm is raised once and no cut starts until a write succeeds again.
    public mutating func journalWritten(_ writes: [Journal.Write], succeeded: Bool, reason: String = "", now: UInt64) -> [Effect] {
        if succeeded {
            for case let .openIncident(i) in writes { knownIncidents.insert(i.id) }
            guard case let .clearAlarm(nanos) = journalHealth.writeSucceeded(at: now) else { return [] }
            return [.record(EventRecord("journalRecovered", at: now,
                                        detail: String(format: "journal writable again after %.1f s", Double(nanos) / 1e9)))]
        }
        guard case .raiseAlarm = journalHealth.writeFailed(reason, at: now) else { return [] }
        let line = "journal \(journalPath) cannot be written (\(reason)): sensing and notifications go on; no cut starts until it can"
        return [.record(EventRecord("journalUnavailable", at: now, detail: line)), .alarm(line)]
    }
}
