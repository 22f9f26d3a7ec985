import Foundation
import LoopSentryCore

/// The sensor on one trunk: its tc program and counters, and the self-probes sent on the
/// watched VLANs and into the probed VNIs. `read()` is called once per poll interval by the shell that owns the loop
/// (the monitor command or the daemon), which runs detection on what it returns.
public final class SensorPipeline {
    public let session: SensorSession
    public let probes: ProbeSender?

    /// Builds the pipeline in the calling thread's network namespace. Probes go out on
    /// `probeVLANs` and into the VNIs of `vniProbes` (to their VTEPs; needs `settings.vxlan`)
    /// every `probeIntervalNanos`, spread over the interval; none when both are empty.
    public init(interface: String, settings: TCSensorSettings, probeVLANs: [VLANID], probeFrame: ProbeFrame?,
                probeIntervalNanos: UInt64, vniProbes: VNIProbePlan? = nil) throws {
        var settings = settings
        let vniProbes = settings.vxlan == nil || vniProbes?.vnis.isEmpty != false ? nil : vniProbes
        let probing = !probeVLANs.isEmpty || vniProbes != nil
        if probing, let probeFrame {
            settings.probes = probeFrame.identity
            settings.vniProbes = vniProbes
        }
        session = try SensorSession(interface: interface, settings: settings)
        if probing, let probeFrame {
            probes = try ProbeSender(interface: interface, probe: probeFrame, vlans: probeVLANs, vniProbes: vniProbes,
                                     intervalNanos: probeIntervalNanos)
            probes?.start()
        } else {
            probes = nil
        }
    }

    /// Reads the counters: rates, pair rates and returned probes since the previous read.
    public func read() throws -> SensorPoll { try session.poll() }

    /// An extra probe of `segment` now (its rate is rising), if probes are sent in it.
    public func probeSoon(_ segment: Segment, now: UInt64) { probes?.probeSoon(segment, now: now) }

    /// Stops the probes and detaches the sensor's filter.
    public func close() throws {
        probes?.stop()
        try session.close()
    }
}
