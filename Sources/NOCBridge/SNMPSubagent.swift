import CNetSNMP
import Foundation
import LoopSentryCore
import LoopSentrySystem
import Synchronization

/// The AgentX subagent that serves LOOPSENTRY-MIB through the host's snmpd.
///
/// Net-SNMP's library is not thread-safe, so every library call happens on one dedicated
/// thread that `start()` creates. Other threads only hand data over, under a lock:
/// `publish(_:)` replaces the table snapshot, `notify(_:)` queues a notification, and
/// operator SETs reach the `OperatorActionHandler` on the agent thread.
///
/// The library holds process-wide state: one subagent per process, started once.
public final class SNMPSubagent: @unchecked Sendable {
    public let configuration: SubagentConfiguration

    /// Everything shared between the agent thread and the rest of the process.
    struct Shared {
        var table = VLANStatusTable.empty
        var scalars: ScalarValues
        var queue: BoundedQueue<NOCNotification>
        var sent: UInt32 = 0
        var connected = false
        var running = false
        var stopRequested = false
        var handler: (any OperatorActionHandler)?
    }

    let shared: Mutex<Shared>
    /// An eventfd the agent thread waits on beside its sockets, so it wakes for new work.
    private let wakeFD: Int32
    private let finished = DispatchSemaphore(value: 0)
    /// Agent thread only: operator requests validated in RESERVE1, by SET transaction id.
    var pendingSets: [Int: [OperatorRequest]] = [:]
    /// Agent thread only: the table row the last GETNEXT answered with (`MIBView.locate`).
    var walkHint = MIBPosition.noHint

    /// Set once a subagent has started in this process (the library cannot be re-initialized).
    private static let used = Atomic<Bool>(false)

    /// A subagent with `configuration`; operator SETs go to `actionHandler` (nil: actions are
    /// validated and answered `resourceUnavailable`). Nothing runs until `start()`.
    public init(configuration: SubagentConfiguration, actionHandler: (any OperatorActionHandler)? = nil) throws(SystemCallError) {
        self.configuration = configuration
        let limits = configuration.limits
        shared = Mutex(Shared(
            scalars: ScalarValues(version: configuration.version, startTime: configuration.startTime,
                                  notifyGlobalLimit: limits.globalPerMinute,
                                  notifyVlanLimit: limits.perVLANPerMinute, sensorName: configuration.sensorName),
            queue: BoundedQueue(capacity: configuration.queueCapacity),
            handler: actionHandler))
        wakeFD = try systemCall("eventfd") { eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC)) }
    }

    deinit { close(wakeFD) }

    /// Starts the agent thread: initializes the library as an AgentX subagent, registers
    /// `loopSentryObjects` and connects to the master (retried every ping interval while it
    /// is away — an absent master is not an error). Throws when the library cannot start.
    /// Ignores SIGPIPE for the process (a write to a vanished master must not kill it).
    public func start() throws(NetSNMPError) {
        guard !Self.used.exchange(true, ordering: .acquiringAndReleasing) else {
            throw NetSNMPError(function: "init_agent", code: -1, errno: EALREADY)
        }
        signal(SIGPIPE, SIG_IGN)
        let started = DispatchSemaphore(value: 0)
        let outcome = Mutex<NetSNMPError?>(nil)
        let thread = Thread { [self] in
            // The kernel's thread name (it would inherit the creating thread's otherwise).
            ls_set_thread_name("ls-agentx")
            let session: AgentXSession
            do throws(NetSNMPError) {
                session = try AgentXSession(configuration: configuration, subagent: self)
            } catch {
                outcome.withLock { $0 = error }
                started.signal()
                finished.signal()
                return
            }
            shared.withLock { $0.running = true }
            started.signal()
            runLoop(session)
            shared.withLock { $0.running = false; $0.connected = false }
            finished.signal()
        }
        thread.start()
        started.wait()
        if let error = outcome.withLock({ $0 }) { throw error }
    }

    /// Stops the agent thread and shuts the library down (closing the AgentX session).
    public func stop() {
        let wasRunning = shared.withLock { s -> Bool in
            s.stopRequested = true
            return s.running
        }
        guard wasRunning else { return }
        wake()
        finished.wait()
    }

    /// Replaces the table with `rows` (any order; sorted here, on the caller's thread).
    /// VNI rows go to `loopSentryVniTable`; rows that cannot be table indices (ifIndex < 1,
    /// VLAN 0 or 4095, VNI 0) are left out.
    public func publish(_ rows: [VLANStatusRow]) {
        let table = VLANStatusTable(rows)
        shared.withLock { $0.table = table }
    }

    /// Sends `notification` through the master agent (the throttle stage in front of the sinks
    /// already admitted it). While the master is unreachable it waits in a bounded queue and
    /// goes out after reconnecting.
    @discardableResult
    public func notify(_ notification: NOCNotification) -> NotificationDisposition {
        let disposition = shared.withLock { s -> NotificationDisposition in
            guard s.running, !s.stopRequested else { return .notRunning }
            if s.queue.append(notification) != nil { s.scalars.notifyDropped &+= 1 }
            s.scalars.notifyQueued = UInt32(s.queue.count)
            return .queued
        }
        if disposition == .queued { wake() }
        return disposition
    }

    /// The throttle stage refused a notification: counted in `loopSentryNotifySuppressed`.
    public func noteSuppressed() {
        shared.withLock { $0.scalars.notifySuppressed &+= 1 }
    }

    /// Sets (or clears) the handler that receives accepted operator requests.
    public func setActionHandler(_ handler: (any OperatorActionHandler)?) {
        shared.withLock { $0.handler = handler }
    }

    /// True while an AgentX session to the master agent is open.
    public var isConnectedToMaster: Bool { shared.withLock { $0.connected } }

    /// What happened to notifications so far.
    public var statistics: NotificationStatistics {
        shared.withLock { s in
            NotificationStatistics(sent: s.sent, suppressed: s.scalars.notifySuppressed,
                                   dropped: s.scalars.notifyDropped, queued: UInt32(s.queue.count))
        }
    }

    /// Wakes the agent thread (`eventfd` write).
    func wake() {
        var one: UInt64 = 1
        _ = write(wakeFD, &one, MemoryLayout<UInt64>.size)
    }

    /// The agent thread's loop: serve requests and timers, then send queued notifications.
    private func runLoop(_ session: AgentXSession) {
        while !shared.withLock({ $0.stopRequested }) {
            session.poll(wakeFD: wakeFD, maxMilliseconds: 500)
            sendQueuedNotifications(session)
        }
    }

    /// Notifications sent per loop iteration before the master's replies are read again:
    /// writing a long queue without reading lets both ends block on full AgentX socket
    /// buffers (each waits for the other to read) — seen when draining 10000/s.
    static let notificationBatch = 32

    /// Sends what is queued while the master is connected, at most one batch per call (the
    /// thread is woken again for the rest); keeps it queued otherwise.
    private func sendQueuedNotifications(_ session: AgentXSession) {
        var sent = 0
        while sent < Self.notificationBatch, let next = shared.withLock({ s -> NOCNotification? in
            guard s.connected, let n = s.queue.popFirst() else { return nil }
            s.scalars.notifyQueued = UInt32(s.queue.count)
            return n
        }) {
            session.send(next, sensorName: configuration.sensorName)
            shared.withLock { $0.sent &+= 1 }
            sent += 1
        }
        if sent == Self.notificationBatch, shared.withLock({ $0.connected && !$0.queue.isEmpty }) { wake() }
    }

    /// Called on the agent thread when the AgentX session opens or closes.
    func masterConnectionChanged(_ connected: Bool) {
        shared.withLock { $0.connected = connected }
    }
}
