import Foundation
import LoopSentryCore
import LoopSentrySystem

/// The sensor on one interface: the loaded tc program, its attachment and the rate
/// calculator. `poll()` reads the maps and returns per-VLAN rates since the last poll.
/// Detaches (only its own filter) when closed or released.
public final class SensorSession {
    public let interface: String
    public let program: TCSensorProgram
    public private(set) var attachment: TCIngressAttachment
    private var rates = RateCalculator()
    public private(set) var lastSnapshot: CounterSnapshot?

    /// Loads the program with `settings` and attaches it at tc ingress of `interface`
    /// (in the calling thread's network namespace).
    public init(interface: String, settings: TCSensorSettings) throws {
        // Check the interface first: a clear error before anything is loaded.
        _ = try TCIngressAttachment.ifindex(of: interface)
        self.interface = interface
        program = try TCSensorProgram(settings: settings)
        attachment = try TCIngressAttachment(program: program, interface: interface)
        _ = try poll()   // baseline for the first rates
    }

    /// Reads all counters now; returns the snapshot, the per-VLAN rates, QinQ pair rates and
    /// returned probes since the previous poll.
    @discardableResult
    public func poll() throws -> SensorPoll {
        let snap = try program.snapshot(monotonicNanos: MonotonicClock.nanos())
        let interval = lastSnapshot.map { snap.monotonicNanos &- $0.monotonicNanos } ?? 0
        let r = rates.update(snap)
        lastSnapshot = snap
        return SensorPoll(snapshot: snap, rates: r, pairRates: rates.pairRates, probeReturns: rates.probeReturns,
                          intervalNanos: interval, vniRates: rates.vniRates)
    }

    /// What `ensureAttached` found.
    public enum AttachmentCheck: Equatable, Sendable {
        case inPlace
        /// The interface is gone (deleted, or its namespace changed); counters stop growing.
        case interfaceGone
        /// The interface came back (or our filter was removed) and the program is attached again.
        case reattached(ifindex: Int32)
    }

    /// Checks that the filter is still in place and re-attaches the same program (same maps,
    /// so counters continue) when the interface came back. Call in the interface's namespace.
    public func ensureAttached() -> AttachmentCheck {
        if attachment.isInPlace { return .inPlace }
        guard (try? TCIngressAttachment.ifindex(of: interface)) != nil else {
            attachment.abandon()
            return .interfaceGone
        }
        guard let fresh = try? TCIngressAttachment(program: program, interface: interface) else {
            return .interfaceGone
        }
        attachment.abandon()
        attachment = fresh
        return .reattached(ifindex: fresh.ifindex)
    }

    /// Detaches the filter; the maps stay readable until the session is released.
    public func close() throws { try attachment.detach() }
}

/// One poll's results.
public struct SensorPoll: Sendable {
    public var snapshot: CounterSnapshot
    public var rates: [VLANRate]
    public var pairRates: [VLANPairRate]
    /// Own probes returned since the previous poll, per segment (VLAN or VNI) they were sent in.
    public var probeReturns: [Segment: UInt64]
    public var intervalNanos: UInt64
    /// Per-VNI rates of VXLAN inner frames (empty unless the settings watch VXLAN).
    public var vniRates: [VNIRate] = []
}
