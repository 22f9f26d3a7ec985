import Foundation
import LoopSentryCore
import LoopSentrySystem

/// Sends this sensor's self-probes from its own thread, following one `ProbeSchedule` over
/// every probed segment: each VLAN (a tagged frame on the trunk, raw socket) and each VNI (the
/// inner probe in a VXLAN header, by UDP to each VTEP of its flood list) once per interval,
/// spread over it. The sockets are opened in `init`, on the calling thread, so they belong to
/// that thread's network namespace.
public final class ProbeSender: @unchecked Sendable {
    /// How one segment's probe leaves.
    private enum Outgoing {
        case frame([UInt8])
        case vxlan(payload: [UInt8], vteps: [VTEPAddress])
    }

    private let sender: FrameSender?
    private let vxlanSocket: VXLANProbeSocket?
    private let outgoing: [Segment: Outgoing]
    private let lock = NSLock()
    private var schedule: ProbeSchedule<Segment>
    private var stopped = false
    private var thread: Thread?
    private var sentVLAN: UInt64 = 0
    private var sentVNI: UInt64 = 0
    private var lastError: String?
    private var urgent: [Segment] = []
    private var lastUrgent: [Segment: UInt64] = [:]
    /// An urgent probe of one segment goes out at most this often.
    public static let urgentSpacingNanos: UInt64 = 250_000_000

    /// Probes `vlans` on `interface` and the VNIs of `vniProbes` (one datagram per VTEP).
    public init(interface: String, probe: ProbeFrame, vlans: [VLANID], vniProbes: VNIProbePlan? = nil,
                intervalNanos: UInt64) throws {
        var out: [Segment: Outgoing] = [:]
        for vlan in vlans { out[.vlan(vlan)] = .frame(probe.bytes(vlan: vlan)) }
        for (slot, vni) in (vniProbes?.vnis ?? []).enumerated() {
            out[.vni(vni)] = .vxlan(payload: probe.vxlanPayload(vni: vni, slot: slot), vteps: vniProbes?.vteps[vni] ?? [])
        }
        sender = vlans.isEmpty ? nil : try FrameSender(interface: interface)
        if let vniProbes, !vniProbes.vnis.isEmpty {
            vxlanSocket = try VXLANProbeSocket(vteps: Array(Set(vniProbes.vteps.values.joined())), port: vniProbes.port)
        } else {
            vxlanSocket = nil
        }
        outgoing = out
        schedule = ProbeSchedule(keys: Array(out.keys), intervalNanos: intervalNanos, start: MonotonicClock.nanos())
    }

    deinit { stop() }

    /// VLAN probes sent so far, and the last send error (a full or down interface), if any.
    public var status: (sent: UInt64, lastError: String?) {
        lock.withLock { (sentVLAN, lastError) }
    }

    /// VNI probe datagrams sent so far (one per VTEP of each probed VNI).
    public var vniProbesSent: UInt64 { lock.withLock { sentVNI } }

    public func start() {
        let t = Thread { [weak self] in self?.loop() }
        t.name = "loopsentry-probes"
        lock.withLock { thread = t }
        t.start()
    }

    /// Asks for an extra probe of `segment` now (the rate just rose on it): a loop is then
    /// confirmed within milliseconds instead of up to one probe interval. Ignored for segments
    /// not probed, and at most once per `urgentSpacingNanos` per segment.
    public func probeSoon(_ segment: Segment, now: UInt64 = MonotonicClock.nanos()) {
        guard outgoing[segment] != nil else { return }
        lock.withLock {
            if let last = lastUrgent[segment], now &- last < Self.urgentSpacingNanos { return }
            lastUrgent[segment] = now
            urgent.append(segment)
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
            for segment in due { send(segment) }
            let next = lock.withLock { schedule.nextDue } ?? (now + 10_000_000)
            let t = MonotonicClock.nanos()   // one reading: two could go backwards relative to each other
            let wait = min(next > t ? next - t : 0, 5_000_000)
            if wait > 0 { usleep(UInt32(wait / 1000)) }
        }
    }

    /// Sends the probe of `segment`: its frame on the trunk, or its datagram to each VTEP.
    private func send(_ segment: Segment) {
        switch outgoing[segment] {
        case let .frame(frame):
            guard let sender else { return }
            do {
                try sender.send(frame)
                lock.withLock { sentVLAN += 1 }
            } catch {
                lock.withLock { lastError = "\(error)" }
            }
        case let .vxlan(payload, vteps):
            guard let vxlanSocket else { return }
            for vtep in vteps {
                do {
                    try vxlanSocket.send(payload, to: vtep)
                    lock.withLock { sentVNI += 1 }
                } catch {
                    lock.withLock { lastError = "\(error)" }
                }
            }
        case nil:
            return
        }
    }
}
