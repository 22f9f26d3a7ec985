import ArgumentParser
import LoopSentryCore

/// Detection settings shared by commands that watch a trunk.
struct DetectionOptions: ParsableArguments {
    @Option(name: .long, help: "Broadcast frames/s at or above which a storm starts.")
    var rising: Double = DetectionThresholds.defaultBroadcast.rising

    @Option(name: .long, help: "Broadcast frames/s at or below which a storm is over.")
    var falling: Double = DetectionThresholds.defaultBroadcast.falling

    @Option(name: .long, help: "Multicast rising,falling frames/s (e.g. 5000,2000); off by default.")
    var multicast: String?

    @Option(name: .long, help: "Milliseconds above the rising threshold before a storm is declared.")
    var sustain: Int = 300

    @Option(name: .long, help: "Milliseconds at or below the falling threshold before it is declared over.")
    var clear: Int = 2000

    @Option(name: .long, help: "Send self-probes on these VLANs (e.g. 10,20-30); none by default.")
    var probe: String?

    @Option(name: .long, help: "Milliseconds between two probes of one VLAN (100-60000).")
    var probeInterval: Int = 1000

    @Option(name: .long, help: "This sensor's id in its probe MACs (0-255); sensors on one network differ.")
    var sensorID: Int = 1

    func validate() throws {
        guard (100...60_000).contains(probeInterval) else {
            throw ValidationError("--probe-interval must be 100-60000 ms, got \(probeInterval)")
        }
        guard (0...255).contains(sensorID) else { throw ValidationError("--sensor-id must be 0-255, got \(sensorID)") }
        _ = try policy()
        _ = try probeVLANs()
    }

    func policy() throws -> DetectionPolicy {
        guard sustain >= 0, clear >= 0 else { throw ValidationError("--sustain and --clear must not be negative") }
        var multicastThreshold: RateThreshold?
        if let multicast {
            let parts = multicast.split(separator: ",").compactMap { Double($0) }
            guard parts.count == 2 else { throw ValidationError("--multicast must be RISING,FALLING, got '\(multicast)'") }
            multicastThreshold = RateThreshold(rising: parts[0], falling: parts[1])
        }
        let t = DetectionThresholds(broadcast: RateThreshold(rising: rising, falling: falling), multicast: multicastThreshold,
                                    sustain: .milliseconds(sustain), clear: .milliseconds(clear))
        let policy = DetectionPolicy(defaults: t)
        if let first = policy.validationErrors().first {
            throw ValidationError(first.description.replacingOccurrences(of: "defaults.broadcast.", with: "--"))
        }
        return policy
    }

    func probeVLANs() throws -> [VLANID] {
        guard let probe else { return [] }
        do {
            return Array(try VLANSet(parsing: probe))
        } catch {
            throw ValidationError("--probe: \(error)")
        }
    }

    /// The probe frame for `--probe` VLANs, or with `always` (VNI probes asked for) in any case.
    func probeFrame(always: Bool = false) throws -> ProbeFrame? {
        guard probe != nil || always else { return nil }
        return ProbeFrame(identity: try ProbeIdentity(sensorID: UInt8(sensorID)))
    }
}
