import ArgumentParser
import Foundation
import Lab
import LoopSentryCore
import LoopSentrySystem
import Sensor

/// `loopsentry lab send`: tagged frames from a raw socket, as a tenant host or a flood source.
struct LabSendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send tagged Ethernet frames (or VXLAN packets) on an interface from a raw socket."
    )

    @Option(name: .long, help: "Interface to send on.")
    var interface: String

    @Option(name: .long, help: "Named network namespace holding the interface.")
    var netns: String?

    @Option(name: .long, parsing: .upToNextOption,
            help: "VLAN IDs (0-4095), frames go round-robin over them; with --vni, the inner frame's tag.")
    var vlan: [Int] = []

    @Option(name: .long, parsing: .upToNextOption,
            help: "VXLAN VNIs (0-16777215): send VXLAN packets round-robin over them (inner frame of --length bytes).")
    var vni: [Int] = []

    @Flag(name: .long, help: "VXLAN over IPv6 (default IPv4).")
    var ipv6 = false

    @Option(name: .long, help: "VXLAN UDP destination port.")
    var vxlanPort: Int = Int(VXLANWatch.defaultPort)

    @Option(name: .long, help: "Inner VLAN for QinQ: outer tag 802.1ad, inner 802.1Q.")
    var inner: Int?

    @Option(name: .long, help: "Frames to send per VLAN (0 = until SIGINT/SIGTERM).")
    var count: Int = 1

    @Option(name: .long, help: "Destination: broadcast, multicast or unicast.")
    var kind: String = "broadcast"

    @Option(name: .long, help: "Frame length in bytes without FCS (60-9018).")
    var length: Int = 60

    @Option(name: .long, help: "Frames per second in total (0 = as fast as possible).")
    var rate: Int = 0

    func validate() throws {
        guard !vlan.isEmpty || !vni.isEmpty else { throw ValidationError("--vlan or --vni needs at least one ID") }
        if !vni.isEmpty && (vlan.count > 1 || inner != nil) {
            throw ValidationError("with --vni, --vlan takes one inner VLAN ID and --inner is not used")
        }
        for v in vni where VNI(v) == nil { throw ValidationError("VNI \(v) is outside 0-16777215") }
        guard (1...65535).contains(vxlanPort) else { throw ValidationError("--vxlan-port must be 1-65535, got \(vxlanPort)") }
        for v in vlan + (inner.map { [$0] } ?? []) where VLANID(v) == nil {
            throw ValidationError("VLAN ID \(v) is outside 0-4095")
        }
        guard count >= 0 else { throw ValidationError("--count must be 0 (forever) or more, got \(count)") }
        guard ["broadcast", "multicast", "unicast"].contains(kind) else {
            throw ValidationError("--kind must be broadcast, multicast or unicast, got '\(kind)'")
        }
        guard (60...9018).contains(length) else { throw ValidationError("--length must be 60-9018, got \(length)") }
        guard rate >= 0 else { throw ValidationError("--rate must be 0 or more, got \(rate)") }
        if count == 0 && rate == 0 { throw ValidationError("--count 0 (forever) needs a --rate") }
    }

    func run() throws {
        SignalFlag.install()
        if let netns { try NetworkNamespace.enter(netns) }
        let sender = try FrameSender(interface: interface)
        let destination: MACAddress = switch kind {
        case "broadcast": .broadcast
        case "multicast": MACAddress([0x01, 0x00, 0x5e, 0x00, 0x00, 0x01])
        default: MACAddress([0x02, 0x00, 0x00, 0x00, 0x00, 0x02])
        }
        let frames: [[UInt8]] = vni.isEmpty ? vlanFrames(destination) : vni.map { v in
            VXLANFrame(outer: ipv6 ? .testIPv6 : .testIPv4, udpDestinationPort: UInt16(vxlanPort), vni: VNI(v)!,
                       inner: EthernetFrame(destination: destination, source: LabPlan.senderSource,
                                            tags: vlan.map { VLANTag(vid: UInt16($0)) },
                                            payload: Array("loopsentry-lab".utf8))).bytes(innerLength: length)
        }
        let start = MonotonicClock.nanos()
        var sent = 0
        var round = 0
        outer: while count == 0 || round < count {
            round += 1
            for frame in frames {
                if SignalFlag.stopRequested { break outer }
                if rate > 0 {
                    let due = start + UInt64(sent) * 1_000_000_000 / UInt64(rate)
                    let now = MonotonicClock.nanos()
                    if due > now { SignalFlag.sleep(nanos: due - now) }
                    if SignalFlag.stopRequested { break outer }
                }
                try sender.send(frame)
                sent += 1
            }
        }
        let seconds = Double(MonotonicClock.nanos() - start) / 1e9
        FileHandle.standardError.write(Data("sent \(sent) frames in \(String(format: "%.3f", seconds)) s\n".utf8))
    }

    /// One tagged frame per `--vlan` (802.1ad + 802.1Q with `--inner`).
    func vlanFrames(_ destination: MACAddress) -> [[UInt8]] {
        vlan.map { v in
            var tags = [VLANTag(vid: UInt16(v))]
            if let inner { tags = [VLANTag(tpid: VLANTag.tpid8021AD, vid: UInt16(v)), VLANTag(vid: UInt16(inner))] }
            return EthernetFrame(destination: destination, source: LabPlan.senderSource,
                                 tags: tags, payload: Array("loopsentry-lab".utf8)).bytes(length: length)
        }
    }
}
