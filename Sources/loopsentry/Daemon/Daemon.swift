import Foundation
import LoopSentryConfig
import NOCBridge
import LoopSentryCore
import Remediate
import Sensor

/// Where the NOC hears about incidents: the SNMP subagent, syslog collectors.
protocol NOCSink: AnyObject {
    var name: String { get }
    func notify(_ notification: NOCNotification, incident: UInt64?, detail: String)
    func publish(_ rows: [VLANStatusRow])
    func close()
}

/// `loopsentry run`: one process with the sensor on every configured trunk, the detector, the
/// incidents and their remediation, the journal, the control socket and the NOC sinks.
///
/// One thread — the main loop — owns all incident state: every poll interval it reads the
/// counters, runs detection, feeds incidents, drains requests (control socket, SNMP SETs,
/// finished playbooks) and carries out the resulting actions. Other threads only enqueue.
final class Daemon {
    let config: Configuration
    let log = EventLog()
    let queue = RequestQueue()
    let journal: Journal
    var pipelines: [(config: InterfaceConfig, pipeline: SensorPipeline)] = []
    var board: StatusBoard
    var book: IncidentBook
    var sinks: [NOCSink] = []
    var control: ControlServer?
    var runner: AnsibleRunner
    /// Batches cut, restore and persistence jobs per port and driver; bounds playbook processes.
    var scheduler: CutScheduler
    /// Incidents whose last cut or restore a native driver made and no playbook persisted yet.
    var nativeDone: [UInt64: PlaybookAction] = [:]
    /// A cut finished since the last poll: poll at once (see `runLoop`).
    var pollSoon = false
    /// An incident changed state since the status rows were last published to the sinks.
    var statesChanged = false
    var knownIncidents: Set<UInt64> = []
    /// Whether the journal can be written; while not, no cut starts (see `journaled`).
    var journalHealth = JournalHealth()
    let startedAt = MonotonicClock.nanos()
    var lostInterfaces: Set<String> = []

    init(config: Configuration) throws {
        self.config = config
        // A control socket that cannot be made fails the start before anything is opened.
        try ControlServer.prepareDirectory(for: config.control.socket)
        journal = try Journal(path: config.journal.path)
        runner = AnsibleRunner(playbookDirectory: config.remediation.playbookDirectory)
        scheduler = CutScheduler(maxConcurrentPlaybooks: config.remediation.maxConcurrentPlaybooks,
                                 playbookWindow: UInt64(config.remediation.playbookBatchWindowMilliseconds) * 1_000_000)
        let policy = config.detectionPolicy
        let tenants = Self.tenantPolicies(config)
        book = IncidentBook(nextIncidentID: try journal.nextIncidentID(), detection: policy) { key in
            tenants(key.interface, key.outer)
        }
        var infos: [StatusBoard.InterfaceInfo] = []
        for i in config.interfaces {
            let index = try NetworkNamespace.run(in: i.netns) { try TCIngressAttachment.ifindex(of: i.name) }
            infos.append(StatusBoard.InterfaceInfo(name: i.name, ifIndex: index))
        }
        let tenantVLANs = config.tenants.flatMap { t in
            t.vlans.flatMap { v in (1...4094).compactMap(VLANID.init).filter { v.vlans.contains($0) }.map { (v.interface, $0) } }
        }
        board = StatusBoard(
            interfaces: infos, tenantVLANs: tenantVLANs, now: Self.wallNow(),
            thresholds: { ifName, vlan in
                let t = policy.thresholds(interface: ifName, vlan: vlan).broadcast
                return (t.rising, t.falling)
            },
            tenant: { ifName, vlan in config.tenant(interface: ifName, vlan: vlan).map { ($0.name, $0.policy) } })
    }

    /// Builds the incident policy of each tenant from the configuration.
    static func tenantPolicies(_ c: Configuration) -> @Sendable (String, VLANID) -> TenantPolicy? {
        let r = c.remediation
        let policies: [(TenantConfig, TenantPolicy)] = c.tenants.map { t in
            (t, TenantPolicy(name: t.name, policy: t.policy, ackDeadline: .seconds(t.ackDeadlineSeconds),
                             onAckDeadline: t.onDeadline == .cut ? .cut : .keepWaiting, hardLimit: t.hardLimit,
                             verifyWindow: .milliseconds(r.verifyWindowMilliseconds), maxCutAttempts: r.maxAttempts,
                             retryBackoff: .milliseconds(r.retryBackoffMilliseconds),
                             dismissHoldDown: .seconds(r.dismissHoldDownSeconds)))
        }
        return { ifName, vlan in
            policies.first { t, _ in t.vlans.contains { $0.interface == ifName && $0.vlans.contains(vlan) } }?.1
        }
    }

    static func wallNow() -> UTCTimestamp {
        UTCTimestamp(millisecondsSince1970: Int64(Date().timeIntervalSince1970 * 1000))
    }

    /// Attaches the sensors, resumes open incidents from the journal, opens the control socket.
    func start() throws {
        for i in config.interfaces {
            let s = config.sensor
            let pipeline = try NetworkNamespace.run(in: i.netns) {
                try SensorPipeline(
                    interface: i.name,
                    settings: TCSensorSettings(taggedFrames: s.dropTagged ? .drop : .pass, countInnerVLAN: i.countInner),
                    policy: config.detectionPolicy,
                    probeVLANs: (1...4094).compactMap(VLANID.init).filter { i.probeVLANs.contains($0) },
                    probeFrame: ProbeFrame(identity: try ProbeIdentity(sensorID: s.sensorID),
                                           senderIP: s.probeSenderIP, targetIP: s.probeTargetIP),
                    probeIntervalNanos: UInt64(s.probeIntervalMilliseconds) * 1_000_000)
            }
            pipelines.append((i, pipeline))
            log.write("sensorAttached", interface: i.name, detail: i.netns.map { "netns \($0)" }, at: MonotonicClock.nanos())
        }
        if config.snmp.enabled {
            sinks.append(try SNMPSink(config: config.snmp, queue: queue, log: log))
            log.write("snmpStarted", detail: "AgentX subagent on \(config.snmp.agentxSocket)", at: MonotonicClock.nanos())
        }
        for target in config.syslog {
            let sink = try SyslogSink(target: target)
            sinks.append(sink)
            log.write("syslogStarted", detail: sink.name, at: MonotonicClock.nanos())
        }
        if let m = config.metrics {
            let sink = try MetricsSink(config: m)
            sinks.append(sink)
            log.write("metricsStarted", detail: sink.name, at: MonotonicClock.nanos())
        }
        try resumeIncidents()
        let queue = self.queue
        let server = try ControlServer(path: config.control.socket) { request, via in
            let reply = RequestQueue.Reply()
            queue.push(.control(request, via: via, reply: reply))
            return reply.wait(timeout: 5) ?? ControlResponse(ok: false, message: "the daemon did not answer within 5 s")
        }
        server.start()
        control = server
        log.write("started", detail: "\(pipelines.count) interface(s), \(config.tenants.count) tenant(s)", at: MonotonicClock.nanos())
    }

    /// Runs until SIGINT/SIGTERM.
    func runLoop() throws {
        let step = UInt64(config.sensor.pollIntervalMilliseconds) * 1_000_000
        var next = MonotonicClock.nanos() + step
        var lastPublish: UInt64 = 0
        var lastAttachCheck: UInt64 = 0
        while !SignalFlag.stopRequested {
            let now0 = MonotonicClock.nanos()
            if next > now0, queue.wait(nanos: next - now0) {
                if SignalFlag.stopRequested { break }
                try serviceQueue()
                // A cut just finished: read the counters now, so the next regular poll's interval
                // lies wholly after the cut and can verify it.
                if pollSoon {
                    pollSoon = false
                    next = MonotonicClock.nanos()
                }
                if statesChanged {
                    statesChanged = false
                    let rows = board.sortedRows
                    for s in sinks { s.publish(rows) }
                }
                continue
            }
            if SignalFlag.stopRequested { break }
            next += step
            if next < MonotonicClock.nanos() { next = MonotonicClock.nanos() + step }
            try pollOnce()
            let now = MonotonicClock.nanos()
            if now - lastAttachCheck >= 1_000_000_000 {
                checkAttachments()
                lastAttachCheck = now
            }
            // Twice a second, and at once after a state change: an NMS (and the SET validator,
            // which checks the row's state) must not act on a state the daemon has left.
            if now - lastPublish >= 500_000_000 || statesChanged {
                statesChanged = false
                let rows = board.sortedRows
                for s in sinks { s.publish(rows) }
                updateMetricsExtra(now: now)
                lastPublish = now
            }
        }
    }

    /// One iteration: poll, detect, feed incidents, drain requests, act.
    func pollOnce() throws {
        var actions: [IncidentAction] = []
        // This poll's broadcast rate per key; a key missing from it had no traffic (rate 0).
        var rates: [DetectionKey: Double] = [:]
        let wall = Self.wallNow()
        for (i, pipeline) in pipelines {
            let (poll, events) = try pipeline.step()
            board.update(interface: i.name, rates: poll.rates, probes: poll.snapshot.probes, now: wall)
            for r in poll.rates { rates[DetectionKey(interface: i.name, vlan: r.vlan)] = r.broadcastPerSecond }
            for e in events {
                logDetection(e)
                // QinQ (outer, inner) pairs are detected and logged; incidents, notifications and
                // cuts act on the outer (service) VLAN, which is what a trunk can drop.
                if e.key.inner == nil { actions += book.handle(e) }
            }
        }
        let now = MonotonicClock.nanos()
        for key in book.machines.keys.sorted() {
            actions += book.rate(rates[key] ?? 0, for: key, at: now)
        }
        actions += book.tick(at: now)
        actions += drainRequests(now: now)
        try carryOut(actions)
        try startBatches()
    }

    /// Between polls: answers queued requests and takes finished batches, without reading counters.
    func serviceQueue() throws {
        let actions = drainRequests(now: MonotonicClock.nanos())
        try carryOut(actions)
        try startBatches()
    }

    /// Detaches every filter, stops the probes and the control socket, closes the sinks, and
    /// checkpoints the journal (every write was already committed when it returned).
    func shutdown() {
        control?.stop()
        for (i, p) in pipelines {
            try? NetworkNamespace.run(in: i.netns) { try p.close() }
            log.write("sensorDetached", interface: i.name, at: MonotonicClock.nanos())
        }
        pipelines.removeAll()
        for s in sinks { s.close() }
        sinks.removeAll()
        try? journal.checkpoint()
        log.write("stopped", at: MonotonicClock.nanos())
    }

    /// Once a second: an interface that disappeared is reported; when it comes back the same
    /// program (same maps) is attached again and detection goes on.
    func checkAttachments() {
        for (i, p) in pipelines {
            let check = (try? NetworkNamespace.run(in: i.netns) { p.session.ensureAttached() }) ?? .interfaceGone
            let was = lostInterfaces.contains(i.name)
            switch check {
            case .inPlace:
                break
            case .interfaceGone:
                if !was {
                    lostInterfaces.insert(i.name)
                    log.write("interfaceLost", interface: i.name, detail: "interface gone; waiting for it to come back",
                              at: MonotonicClock.nanos())
                }
            case let .reattached(ifindex):
                lostInterfaces.remove(i.name)
                board.setIfIndex(interface: i.name, ifindex)
                log.write("sensorReattached", interface: i.name, detail: "ifindex \(ifindex)", at: MonotonicClock.nanos())
            }
        }
    }

    /// Process-level figures for /metrics: uptime, open incidents, notification and syslog counters.
    func updateMetricsExtra(now: UInt64) {
        guard let metrics = sinks.compactMap({ $0 as? MetricsSink }).first else { return }
        let snmp = sinks.compactMap { ($0 as? SNMPSink)?.agent.statistics }.first
        let syslogDropped = sinks.compactMap { ($0 as? SyslogSink)?.sender.droppedMessages }.reduce(0, +)
        metrics.update(extra: MetricsExtra(uptimeSeconds: Double(now - startedAt) / 1e9, openIncidents: book.machines.count,
                                           notificationsSent: UInt64(snmp?.sent ?? 0),
                                           notificationsSuppressed: UInt64(snmp?.suppressed ?? 0),
                                           notificationsDropped: UInt64(snmp?.dropped ?? 0), syslogDropped: syslogDropped))
    }

    func logDetection(_ e: DetectionEvent) {
        let m = MonitorEvent(e)
        var detail = m.probesReturned.map { "\($0) probe(s) returned" } ?? m.kind
        if let inner = m.inner { detail = "QinQ pair \(m.vlan).\(inner)" + (detail.map { ": \($0)" } ?? "") }
        log.write(m.event, interface: m.interface, vlan: m.vlan, tenant: config.tenant(interface: m.interface, vlan: e.key.outer)?.name,
                  rate: m.rate, threshold: m.threshold, detail: detail, at: m.monotonicNanos)
    }

    func pipeline(for interface: String) -> SensorPipeline? {
        pipelines.first { $0.config.name == interface }?.pipeline
    }
}
