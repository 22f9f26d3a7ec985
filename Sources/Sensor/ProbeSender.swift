import Foundation
import LoopSentryCore

/// Sends this sensor's self-probes on the trunk from its own thread, following a
/// `ProbeSchedule`: each watched VLAN once per interval, spread over it. The raw socket is
/// opened in `init`, on the calling thread, so it belongs to that thread's network namespace.
public final class ProbeSender: @unchecked Sendable {
    private let sender: FrameSender
    private let frames: [VLANID: [UInt8]]
    private let lock = NSLock()
    private var schedule: ProbeSchedule
    private var stopped = false
    private var thread: Thread?
    private var sentCount: UInt64 = 0
    private var lastError: String?

    public init(interface: String, probe: ProbeFrame, vlans: [VLANID], intervalNanos: UInt64) throws {
        sender = try FrameSender(interface: interface)
        frames = Dictionary(uniqueKeysWithValues: vlans.map { ($0, probe.bytes(vlan: $0)) })
        schedule = ProbeSchedule(vlans: vlans, intervalNanos: intervalNanos, start: MonotonicClock.nanos())
    }

    deinit { stop() }

    /// Probes sent so far, and the last send error (a full or down interface), if any.
    public var status: (sent: UInt64, lastError: String?) {
        lock.withLock { (sentCount, lastError) }
    }

    public func start() {
        let t = Thread { [weak self] in self?.loop() }
        t.name = "loopsentry-probes"
        lock.withLock { thread = t }
        t.start()
    }

    /// Stops the thread after its current sleep (at most 10 ms).
    public func stop() { lock.withLock { stopped = true } }

    private func loop() {
        while !lock.withLock({ stopped }) {
            let now = MonotonicClock.nanos()
            let due = lock.withLock { schedule.due(at: now) }
            for vlan in due {
                guard let frame = frames[vlan] else { continue }
                do {
                    try sender.send(frame)
                    lock.withLock { sentCount += 1 }
                } catch {
                    lock.withLock { lastError = "\(error)" }
                }
            }
            let next = lock.withLock { schedule.nextDue } ?? (now + 10_000_000)
            let wait = min(max(next, MonotonicClock.nanos()) - MonotonicClock.nanos(), 10_000_000)
            if wait > 0 { usleep(UInt32(wait / 1000)) }
        }
    }
}
