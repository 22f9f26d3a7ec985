import Foundation
import LoopSentryCore

/// The sensor on one trunk: its tc program and counters, and the self-probes sent on the
/// watched VLANs. `read()` is called once per poll interval by the shell that owns the loop
/// (the monitor command or the daemon), which runs detection on what it returns.
public final class SensorPipeline {
    public let session: SensorSession
    public let probes: ProbeSender?

    /// Builds the pipeline in the calling thread's network namespace. Probes go out on
    /// `probeVLANs` (none when empty) every `probeIntervalNanos`, spread over the interval.
    public init(interface: String, settings: TCSensorSettings, probeVLANs: [VLANID], probeFrame: ProbeFrame?,
                probeIntervalNanos: UInt64) throws {
        var settings = settings
        if !probeVLANs.isEmpty, let probeFrame { settings.probes = probeFrame.identity }
        session = try SensorSession(interface: interface, settings: settings)
        if !probeVLANs.isEmpty, let probeFrame {
            probes = try ProbeSender(interface: interface, probe: probeFrame, vlans: probeVLANs,
                                     intervalNanos: probeIntervalNanos)
            probes?.start()
        } else {
            probes = nil
        }
    }

    /// Reads the counters: rates, pair rates and returned probes since the previous read.
    public func read() throws -> SensorPoll { try session.poll() }

    /// An extra probe on `vlan` now (its rate is rising), if probes are sent on it.
    public func probeSoon(_ vlan: VLANID, now: UInt64) { probes?.probeSoon(vlan, now: now) }

    /// Stops the probes and detaches the sensor's filter.
    public func close() throws {
        probes?.stop()
        try session.close()
    }
}
