import Foundation
import LoopSentryConfig
import LoopSentryCore
import LoopSentrySystem
import NOCBridge
import Portal
import Remediate
import Sensor

/// `loopsentry run`'s shell around the coordinator: it opens what the configuration names (the
/// journal, the sensors, the NOC sinks, the control socket), and its main loop owns the
/// coordinator. Every poll interval the loop reads the counters; between polls it takes what
/// the inbox brings (operator requests, finished batches); each answer of the coordinator is a
/// list of effects the loop carries out in order. Other threads only push to the inbox; the
/// service group closes the parts only after the loop has ended (hence `@unchecked Sendable`).
final class Daemon: @unchecked Sendable {
    let config: Configuration
    let log: EventLog
    let inbox = Inbox()
    let journal: Journal
    var coordinator: Coordinator
    var sensors: [(config: InterfaceConfig, pipeline: SensorPipeline)] = []
    let sinks: NOCSinks
    var control: ControlServer?
    /// The portal's and metrics.listen's HTTP servers, run as services of the group.
    var servers: [PortalServer] = []
    let drivers: Drivers
    let version: String
    let startedAt = MonotonicClock.nanos()
    /// Set by effects, acted on by the loop.
    var pollSoon = false
    var publishDue = false
    var wakeAt: UInt64?

    init(config: Configuration, version: String, log: EventLog) throws {
        self.config = config
        self.version = version
        self.log = log
        // A control socket that cannot be made fails the start before anything is opened.
        try ControlServer.prepareDirectory(for: config.control.socket)
        journal = try Journal(path: config.journal.path)
        var ifIndexes: [String: Int32] = [:]
        for i in config.interfaces {
            ifIndexes[i.name] = try NetworkNamespace.run(in: i.netns) { try TCIngressAttachment.ifindex(of: i.name) }
        }
        coordinator = Coordinator(config: config, ifIndexes: ifIndexes, nextIncidentID: try journal.nextIncidentID(),
                                  wall: Self.wallNow())
        sinks = NOCSinks(limits: NotificationLimits(config.snmp), now: MonotonicClock.nanos())
        drivers = Drivers(runner: AnsibleRunner(playbookDirectory: config.remediation.playbookDirectory,
                                                owner: Self.runOwner(journal: config.journal.path)), inbox: inbox)
    }

    static func wallNow() -> UTCTimestamp { .now }

    /// The owner tag of this daemon's playbook runs: a hash of its journal's path, the same
    /// across restarts, different for two daemons on one host.
    static func runOwner(journal: String) -> String {
        var h: UInt32 = 2_166_136_261   // FNV-1a
        for b in URL(fileURLWithPath: journal).standardizedFileURL.path.utf8 { h = (h ^ UInt32(b)) &* 16_777_619 }
        return String(h, radix: 16)
    }

    /// Attaches the sensors (in their namespaces) and starts the probes.
    func attachSensors() throws {
        for (index, i) in config.interfaces.enumerated() {
            let s = config.sensor
            let probeID = config.probeID(ofInterfaceAt: index)
            let pipeline = try NetworkNamespace.run(in: i.netns) {
                try SensorPipeline(
                    interface: i.name,
                    settings: TCSensorSettings(taggedFrames: s.dropTagged ? .drop : .pass, countInnerVLAN: i.countInner,
                                               vxlan: i.vnis.isEmpty ? nil : VXLANWatch(port: i.vxlanPort, vnis: i.vnis.members)),
                    probeVLANs: Array(i.probeVLANs),
                    probeFrame: ProbeFrame(identity: try ProbeIdentity(sensorID: probeID),
                                           senderIP: s.probeSenderIP, targetIP: s.probeTargetIP),
                    probeIntervalNanos: UInt64(s.probeIntervalMilliseconds) * 1_000_000,
                    vniProbes: i.vniProbePlan)
            }
            sensors.append((i, pipeline))
            log.write(EventRecord("sensorAttached", at: MonotonicClock.nanos(), interface: i.name, detail: i.netns.map { "netns \($0)" }))
        }
    }

    /// Opens the SNMP subagent, the syslog targets and the metrics endpoint.
    func openSinks() throws {
        if config.snmp.enabled {
            let inbox = self.inbox
            sinks.add(try SNMPSink(configuration: subagentConfiguration()) { command in
                inbox.ask(timeout: 0.8) { .command(command, reply: $0) }
            })
            log.write("snmpStarted", detail: "AgentX subagent on \(config.snmp.agentxSocket)", at: MonotonicClock.nanos())
        }
        for target in config.syslog {
            let destination = try SyslogDestination(
                transport: target.transport.rawValue, address: target.address,
                tls: SyslogTLSSettings(caFile: target.caFile, certificateFile: target.certFile, privateKeyFile: target.keyFile))
            let sink = try SyslogSink(name: "syslog \(target.transport.rawValue) \(target.address)", destination: destination,
                                      queueCapacity: target.queueLimit, sensor: config.sensor.effectiveName)
            sinks.add(sink)
            log.write("syslogStarted", detail: sink.name, at: MonotonicClock.nanos())
        }
        try openServers()
        try openWebhooks()
    }

    /// The HTTP servers of `portal:` and `metrics.listen` (one server when both name the same
    /// address), with the sinks they serve from. They listen once the group runs them.
    func openServers() throws {
        guard config.metrics != nil || config.portal != nil else { return }
        let deadlines = config.tenants.filter { $0.policy == .ack }.map { ($0.name, Double($0.ackDeadlineSeconds)) }
        let metrics = MetricsSink(identity: MetricsIdentity(sensor: config.sensor.effectiveName, version: version,
                                                            ackDeadlineSeconds: Dictionary(deadlines) { a, _ in a }))
        sinks.add(metrics)
        let render: @Sendable () -> String = { metrics.render() }
        let shared = config.portal.map { p in config.metrics.map { $0.host == p.host && $0.port == p.port } ?? false } ?? false
        if let m = config.metrics, !shared {
            servers.append(try PortalServer(host: m.host, port: m.port, role: .metrics, metrics: render))
            log.write("metricsStarted", detail: "metrics http://\(m.host):\(m.port)/metrics", at: MonotonicClock.nanos())
        }
        if let p = config.portal {
            let sink = PortalSink()
            sinks.add(sink)
            let backend = DaemonPortalBackend(config: config, journal: try JournalQueries(path: config.journal.path), inbox: inbox)
            let server = try PortalServer(
                host: p.host, port: p.port,
                role: .portal(backend: backend, sink: sink, tokens: TokenBook(p.tokens),
                              limiter: RateLimiter(perMinute: p.requestsPerMinute, burst: p.burst), openMetrics: shared),
                tlsCert: p.tlsCert, tlsKey: p.tlsKey, metrics: render)
            servers.append(server)
            log.write("portalStarted", detail: "portal \(server.endpoint) with \(p.tokens.count) token(s)", at: MonotonicClock.nanos())
        }
    }

    /// The subagent's settings from `snmp:`; its persistent files go to a private temporary folder.
    func subagentConfiguration() -> SubagentConfiguration {
        let s = config.snmp
        var c = SubagentConfiguration(agentXSocket: s.agentxSocket, version: version, startTime: Self.wallNow())
        c.pingIntervalSeconds = s.pingIntervalSeconds
        c.limits = NotificationLimits(s)
        c.queueCapacity = s.queueLimit
        c.sensorName = config.sensor.effectiveName
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loopsentry-snmp-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        c.persistentDirectory = dir
        let log = self.log
        c.log = { _, line in log.write("snmpLog", detail: line.trimmingCharacters(in: .whitespacesAndNewlines), at: 0) }
        return c
    }

    /// Resumes the journal's open incidents, after waiting for playbook runs a killed
    /// predecessor left running (so two cuts never overlap).
    func resumeIncidents() throws {
        let open = try journal.openIncidents()
        if open.contains(where: { $0.snapshot != nil }) {
            let still = LeftoverPlaybooks.wait(owner: Self.runOwner(journal: config.journal.path), timeout: 300) { log.write("waitingForPlaybook", detail: $0, at: MonotonicClock.nanos()) }
            if !still.isEmpty {
                log.write("waitingForPlaybook", detail: "still running after 300 s, resuming anyway: pid \(still)", at: MonotonicClock.nanos())
            }
        }
        let unsaved = Set(open.map(\.id).filter { (try? journal.needsPersistence(incident: $0)) == true })
        perform(coordinator.resume(open, unsaved: unsaved, now: MonotonicClock.nanos(), wall: Self.wallNow()))
    }

    /// Opens the control socket: from now on the CLI reaches the loop.
    func openControl() throws {
        let inbox = self.inbox
        let server = try ControlServer(path: config.control.socket) { request, via in
            let item: (Inbox.Reply) -> Inbox.Item
            switch request.op {
            case .status:
                item = { .status(reply: $0) }
            case .ack, .dismiss, .restore:
                let action: OperatorAction = request.op == .ack ? .acknowledgeCut : request.op == .dismiss ? .dismiss : .restore
                let command: OperatorCommand = request.vni.map {
                    .vniAction(action, interface: request.interface ?? "", vni: $0, author: request.by ?? "cli", via: via)
                } ?? .action(action, interface: request.interface ?? "", vlan: request.vlan ?? 0, author: request.by ?? "cli", via: via)
                item = { .command(command, reply: $0) }
            }
            return inbox.ask(timeout: 5, item) ?? ControlResponse(ok: false, message: "the daemon did not answer within 5 s")
        }
        server.start()
        control = server
        log.write("started", detail: "\(sensors.count) interface(s), \(config.tenants.count) tenant(s)", at: MonotonicClock.nanos())
    }

    /// Detaches every filter, stops the probes and the control socket, closes the sinks and
    /// checkpoints the journal (every write was already committed when it returned).
    func closeControl() { control?.stop() }

    func detachSensors() {
        for (i, p) in sensors {
            try? NetworkNamespace.run(in: i.netns) { try p.close() }
            log.write(EventRecord("sensorDetached", at: MonotonicClock.nanos(), interface: i.name))
        }
        sensors.removeAll()
    }

    func closeSinks() { sinks.close() }

    func closeJournal() {
        try? journal.checkpoint()
        log.write("stopped", at: MonotonicClock.nanos())
    }
}

extension NotificationLimits {
    /// The configured limits of the throttle in front of every sink.
    init(_ c: SNMPConfig) {
        self.init(globalPerMinute: UInt32(c.notificationsPerMinute), globalBurst: UInt32(c.notificationBurst),
                  perVLANPerMinute: UInt32(c.notificationsPerVLANPerMinute), perVLANBurst: UInt32(c.notificationVLANBurst))
    }
}
