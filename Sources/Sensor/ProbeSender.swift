import Foundation
import LoopSentryCore
import LoopSentrySystem

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
    private var urgent: [VLANID] = []
    private var lastUrgent: [VLANID: UInt64] = [:]
    /// An urgent probe of one VLAN goes out at most this often.
    public static let urgentSpacingNanos: UInt64 = 250_000_000

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

    /// Asks for an extra probe of `vlan` now (the rate just rose on it): a loop is then confirmed
    /// within milliseconds instead of up to one probe interval. Ignored for VLANs not probed,
    /// and at most once per `urgentSpacingNanos` per VLAN.
    public func probeSoon(_ vlan: VLANID, now: UInt64 = MonotonicClock.nanos()) {
        guard frames[vlan] != nil else { return }
        lock.withLock {
            if let last = lastUrgent[vlan], now &- last < Self.urgentSpacingNanos { return }
            lastUrgent[vlan] = now
            urgent.append(vlan)
        }
    }

    /// Stops the thread after its current sleep (at most 5 ms).
    public func stop() { lock.withLock { stopped = true } }

    private func loop() {
        while !lock.withLock({ stopped }) {
            let now = MonotonicClock.nanos()
            let due = lock.withLock {
                let batch = urgent + schedule.due(at: now)
                urgent.removeAll()
                return batch
            }
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
            let t = MonotonicClock.nanos()   // one reading: two could go backwards relative to each other
            let wait = min(next > t ? next - t : 0, 5_000_000)
            if wait > 0 { usleep(UInt32(wait / 1000)) }
        }
    }
}
