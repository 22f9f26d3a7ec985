import ArgumentParser
import Foundation
import LoopSentryConfig
import LoopSentryCore
import LoopSentrySystem
import Sensor

/// `loopsentry monitor`: live per-VLAN rates on one interface, no daemon needed.
struct MonitorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitor",
        abstract: "Show live per-VLAN (and per-VXLAN-VNI) broadcast, multicast and frame rates on an interface."
    )

    @Option(name: .long, help: "Interface to watch (the trunk).")
    var interface: String

    @Option(name: .long, help: "Named network namespace (ip netns) holding the interface.")
    var netns: String?

    @Option(name: .long, help: "Poll interval in milliseconds (10-60000).")
    var interval: Int = 100

    @Option(name: .long, help: "Show the N busiest VLANs (1-4096).")
    var top: Int = 20

    @Flag(name: .long, help: "Print one JSON object per interval instead of a table.")
    var json = false

    @Flag(name: .long, help: "Drop tagged frames after counting (protects this host during a storm).")
    var dropTagged = false

    @Flag(name: .long, help: "Also count QinQ frames per (outer, inner) VLAN pair.")
    var countInner = false

    @Option(name: .long, parsing: .upToNextOption,
            help: "VXLAN VNIs (0-16777215) to count on this underlay interface; with --vxlan and no VNIs, every VNI seen.")
    var vni: [Int] = []

    @Flag(name: .long, help: "Count VXLAN per VNI (implied by --vni).")
    var vxlan = false

    @Option(name: .long, help: "VXLAN UDP destination port.")
    var vxlanPort: Int = Int(VXLANWatch.defaultPort)

    @Option(name: .long, help: "Send a self-probe into each --vni VNI to this VTEP (IPv4 or IPv6; repeat for the flood list).")
    var vtep: [String] = []

    @Option(name: .long, help: "Stop after this many seconds (default: until SIGINT/SIGTERM).")
    var duration: Double?

    @OptionGroup(title: "Detection")
    var detection: DetectionOptions

    func validate() throws {
        guard (10...60_000).contains(interval) else {
            throw ValidationError("--interval must be 10-60000 ms, got \(interval)")
        }
        guard (1...4096).contains(top) else { throw ValidationError("--top must be 1-4096, got \(top)") }
        if let duration, !(duration > 0) { throw ValidationError("--duration must be positive, got \(duration)") }
        guard InterfaceName.isValid(interface) else { throw ValidationError(InterfaceName.message(for: "--interface")) }
        for v in vni where VNI(v) == nil { throw ValidationError("--vni \(v) is outside 0-16777215") }
        guard (1...65535).contains(vxlanPort) else { throw ValidationError("--vxlan-port must be 1-65535, got \(vxlanPort)") }
        if !vtep.isEmpty && vni.isEmpty { throw ValidationError("--vtep needs --vni: the VNIs whose probes go to the VTEPs") }
        for v in vtep where VTEPAddress(parsing: v) == nil {
            throw ValidationError("--vtep '\(v)' is not an IPv4 or IPv6 address (0.0.0.0 and :: are not VTEPs)")
        }
        if !vtep.isEmpty, Set(vni).count > VNIProbePlan.maxVNIs {
            throw ValidationError("--vtep probes at most \(VNIProbePlan.maxVNIs) VNIs, got \(Set(vni).count)")
        }
        try detection.validate()
    }

    /// The VNI probes the options ask for (`--vni` VNIs to the `--vtep` VTEPs), or nil.
    var vniProbes: VNIProbePlan? {
        let vteps = vtep.compactMap { VTEPAddress(parsing: $0) }
        guard !vteps.isEmpty else { return nil }
        return try? VNIProbePlan(flood: Dictionary(vni.compactMap(VNI.init).map { ($0, vteps) }, uniquingKeysWith: { a, _ in a }),
                                 port: UInt16(vxlanPort))
    }

    /// The VXLAN watch the options ask for, or nil.
    var vxlanWatch: VXLANWatch? {
        guard vxlan || !vni.isEmpty else { return nil }
        return VXLANWatch(port: UInt16(vxlanPort), vnis: vni.compactMap(VNI.init))
    }

    func run() throws {
        SignalFlag.install()
        if let netns { try NetworkNamespace.enter(netns) }
        let probeVLANs = try detection.probeVLANs()
        let pipeline = try SensorPipeline(
            interface: interface,
            settings: TCSensorSettings(taggedFrames: dropTagged ? .drop : .pass, countInnerVLAN: countInner,
                                       vxlan: vxlanWatch),
            probeVLANs: probeVLANs, probeFrame: try detection.probeFrame(always: vniProbes != nil),
            probeIntervalNanos: UInt64(detection.probeInterval) * 1_000_000, vniProbes: vniProbes)
        if pipeline.session.attachment.replacedStaleFilter {
            FileHandle.standardError.write(Data("loopsentry: replaced a stale LoopSentry filter on \(interface)\n".utf8))
        }
        defer { try? pipeline.close() }
        var stage = DetectionStage(interface: interface, policy: try detection.policy(), countsPairs: countInner)
        var recent: [MonitorEvent] = []

        let terminal = !json && isatty(STDOUT_FILENO) == 1
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let stopAt = duration.map { MonotonicClock.nanos() + UInt64($0 * 1e9) }
        let step = UInt64(interval) * 1_000_000
        var next = MonotonicClock.nanos() + step

        while !SignalFlag.stopRequested {
            let now = MonotonicClock.nanos()
            if next > now { SignalFlag.sleep(nanos: next - now) }
            if SignalFlag.stopRequested { break }
            next += step
            if next < MonotonicClock.nanos() { next = MonotonicClock.nanos() + step }  // missed polls: realign
            let poll = try pipeline.read()
            let (events, rising) = stage.observe(rates: poll.rates, pairRates: poll.pairRates, probeReturns: poll.probeReturns,
                                                 vniRates: poll.vniRates, watchesVNIs: vxlanWatch != nil,
                                                 at: poll.snapshot.monotonicNanos)
            for segment in rising { pipeline.probeSoon(segment, now: poll.snapshot.monotonicNanos) }
            var report = MonitorReport(time: Self.timestamp(), interface: interface, intervalNanos: poll.intervalNanos,
                                       rates: poll.rates, global: poll.snapshot.global, top: top, vniRates: poll.vniRates,
                                       vniProbes: poll.snapshot.vniProbes)
            report.events = events.map(MonitorEvent.init)
            report.storms = stage.detector.activeStorms.map(MonitorReport.Storm.init)
            report.probesReturnedTotal = poll.snapshot.probes.values.reduce(0) { $0 + $1.returned }
            report.probesLeakedTotal = poll.snapshot.probes.values.reduce(0) { $0 + $1.leaked }
            report.probesSentTotal = pipeline.probes?.status.sent ?? 0
            report.vniProbesSentTotal = pipeline.probes?.vniProbesSent ?? 0
            recent = Array((recent + report.events).suffix(8))
            if json {
                let data = try encoder.encode(report)
                FileHandle.standardOutput.write(data + Data("\n".utf8))
            } else {
                let log = recent.isEmpty ? "" : "\n\nevents:\n" + recent.map(\.line).joined(separator: "\n")
                print((terminal ? "\u{1B}[H\u{1B}[2J" : "") + report.table() + log + (terminal ? "" : "\n"))
            }
            fflush(nil)
            if let stopAt, MonotonicClock.nanos() >= stopAt { break }
        }
        try pipeline.close()
    }

    static func timestamp() -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: Date())
    }
}
