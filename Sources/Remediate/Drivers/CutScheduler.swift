import LoopSentryCore

/// What a cut job does on the device.
public enum CutWork: String, Equatable, Hashable, Sendable {
    /// Remove the VLAN from the trunk (an incident's cut attempt).
    case cut
    /// Put the VLAN back (an operator's restore).
    case restore
    /// Run the playbook after a native driver's verified cut or restore: save the configuration
    /// and audit (the job's `action` says which). It changes no incident state.
    case persist
}

/// Turns single-VLAN jobs into batches: jobs of one port, driver and kind that wait together run
/// as one batch (one nftables transaction, one SNMP SET per chunk, one playbook with a VLAN list).
/// At most one batch runs per (port, driver) lane, so the next batch sees the previous one's
/// result; a VLAN has at most one job running over all lanes, so a restore never overtakes the
/// persistence of the cut before it (and a newer cut or restore drops a persistence still
/// waiting); at most `maxConcurrentPlaybooks` Ansible batches run at once over all lanes. Pure:
/// the shell submits jobs, starts what `next()` returns and reports `finished(_:)`.
public struct CutScheduler: Sendable {
    /// A trunk port as one driver reaches it.
    public struct Lane: Hashable, Sendable, CustomStringConvertible {
        /// `RemediationTarget.portKey`-like identity of the port.
        public var port: String
        /// The driver that runs this lane's batches.
        public var driver: CutDriverKind
        public init(port: String, driver: CutDriverKind) {
            self.port = port
            self.driver = driver
        }
        public var description: String { "\(driver) \(port)" }
    }

    /// One VLAN's work.
    public struct Job: Equatable, Sendable {
        public var key: DetectionKey
        public var incident: UInt64
        public var work: CutWork
        /// What the device is asked to do: `cut` or `restore` (for persistence: which one it saves).
        public var action: PlaybookAction
        /// The incident's cut attempt (1 for restores and persistence).
        public var attempt: Int
        public var lane: Lane
        /// The fallback run after the native driver gave up.
        public var isFallback: Bool
        /// Monotonic nanoseconds when the job was submitted (set by `submit`).
        public internal(set) var submittedAt: UInt64 = 0
        public init(key: DetectionKey, incident: UInt64, work: CutWork, action: PlaybookAction? = nil, attempt: Int = 1,
                    lane: Lane, isFallback: Bool = false) {
            self.key = key
            self.incident = incident
            self.work = work
            self.action = action ?? (work == .restore ? .restore : .cut)
            self.attempt = attempt
            self.lane = lane
            self.isFallback = isFallback
        }
    }

    /// A batch to start: its id for `finished(_:)`, lane, kind and jobs (VLANs ascending).
    public struct Dispatch: Equatable, Sendable {
        public var id: Int
        public var lane: Lane
        public var work: CutWork
        public var action: PlaybookAction
        public var jobs: [Job]
    }

    /// Ansible batches allowed at once over all lanes (at least 1).
    public let maxConcurrentPlaybooks: Int
    /// How long an Ansible lane stays quiet (no new job) before it starts a batch, so VLANs of
    /// one loop detected a poll or two apart share one playbook run; it never waits longer than
    /// four windows after its oldest job. Native lanes start at once: their batches cost
    /// milliseconds.
    public let playbookWindow: UInt64
    /// Jobs not started yet, in submission order.
    public private(set) var pending: [Job] = []
    /// Batches started and not finished, by id.
    public private(set) var running: [Int: Dispatch] = [:]
    private var nextID = 1

    /// Creates a scheduler; `playbookWindow` in nanoseconds.
    public init(maxConcurrentPlaybooks: Int, playbookWindow: UInt64 = 0) {
        self.maxConcurrentPlaybooks = max(1, maxConcurrentPlaybooks)
        self.playbookWindow = playbookWindow
    }

    /// Queues `job`, submitted at `now`. A job still waiting for the same key and kind is replaced (its newer attempt
    /// wins); a cut or restore drops the key's persistence still waiting (it would save a state
    /// that no longer holds).
    public mutating func submit(_ job: Job, at now: UInt64 = 0) {
        var job = job
        job.submittedAt = now
        pending.removeAll { $0.key == job.key && (($0.work == job.work && $0.lane == job.lane)
                                                   || (job.work != .persist && $0.work == .persist)) }
        pending.append(job)
    }

    /// The batches to start at `now`: for each idle lane, every waiting job of the kind waiting
    /// longest; Ansible lanes only once no job arrived for `playbookWindow` (or the oldest waited
    /// four windows), and only while fewer than `maxConcurrentPlaybooks` Ansible batches run.
    public mutating func next(at now: UInt64 = .max) -> [Dispatch] {
        var started: [Dispatch] = []
        var busy = Set(running.values.map(\.lane))
        var busyKeys = Set(running.values.flatMap { $0.jobs.map(\.key) })
        var playbooks = running.values.filter { $0.lane.driver == .ansible }.count
        for job in pending where !busy.contains(job.lane) && !busyKeys.contains(job.key) {
            if job.lane.driver == .ansible {
                guard playbooks < maxConcurrentPlaybooks, windowPassed(job.lane, oldest: job.submittedAt, now: now) else { continue }
                playbooks += 1
            }
            busy.insert(job.lane)
            let fits = { (j: Job) in j.lane == job.lane && j.work == job.work && j.action == job.action && !busyKeys.contains(j.key) }
            let jobs = pending.filter(fits).sorted { $0.key < $1.key }
            pending.removeAll(where: fits)
            busyKeys.formUnion(jobs.map(\.key))
            let d = Dispatch(id: nextID, lane: job.lane, work: job.work, action: job.action, jobs: jobs)
            nextID += 1
            running[d.id] = d
            started.append(d)
        }
        return started
    }

    /// True when `lane`'s newest waiting job is `playbookWindow` old, or its oldest four windows.
    func windowPassed(_ lane: Lane, oldest: UInt64, now: UInt64) -> Bool {
        let newest = pending.filter { $0.lane == lane }.map(\.submittedAt).max() ?? oldest
        let quiet = newest.addingReportingOverflow(playbookWindow)
        let cap = oldest.addingReportingOverflow(playbookWindow.multipliedReportingOverflow(by: 4).partialValue)
        return quiet.overflow || quiet.partialValue <= now || cap.overflow || cap.partialValue <= now
    }

    /// Batch `id` finished; returns it (nil for an unknown id). Call `next()` afterwards.
    public mutating func finished(_ id: Int) -> Dispatch? {
        running.removeValue(forKey: id)
    }

    /// True when `key` has work of kind `work` waiting or running.
    public func isBusy(_ key: DetectionKey, _ work: CutWork) -> Bool {
        pending.contains { $0.key == key && $0.work == work }
            || running.values.contains { $0.work == work && $0.jobs.contains { $0.key == key } }
    }
}
