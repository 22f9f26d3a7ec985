/// One monitor interval as scripts see it (`loopsentry monitor --json`, one object per line).
public struct MonitorReport: Codable, Equatable, Sendable {
    /// One segment's rates and totals: a VLAN row (`vlan` set) or a VXLAN VNI row (`vni` set).
    public struct Row: Codable, Equatable, Sendable {
        public var vlan: Int?
        public var vni: Int?
        public var broadcastPerSecond: Double
        public var multicastPerSecond: Double
        public var framesPerSecond: Double
        public var bytesPerSecond: Double
        public var broadcastTotal: UInt64
        public var multicastTotal: UInt64
        public var framesTotal: UInt64
        public var bytesTotal: UInt64
        /// VNI rows of a probed VNI: own probes that came back inside this VNI's VXLAN (loop
        /// evidence), and of those the ones that arrived in another VNI.
        public var probesReturned: UInt64?
        public var probesLeaked: UInt64?

        enum CodingKeys: String, CodingKey {
            case vlan, vni
            case probesReturned = "probes_returned", probesLeaked = "probes_leaked"
            case broadcastPerSecond = "broadcast_pps", multicastPerSecond = "multicast_pps"
            case framesPerSecond = "frames_pps", bytesPerSecond = "bytes_ps"
            case broadcastTotal = "broadcast_total", multicastTotal = "multicast_total"
            case framesTotal = "frames_total", bytesTotal = "bytes_total"
        }
    }

    public var time: String
    public var interface: String
    public var intervalMilliseconds: Double
    /// Busiest VLANs first, at most `--top` rows.
    public var vlans: [Row]
    /// VLANs with traffic since attach (rows beyond `--top` included in this count).
    public var activeVLANs: Int
    /// Watched (or, when learning, seen) VXLAN VNIs, busiest first, at most `--top` rows.
    public var vnis: [Row] = []
    /// UDP to the VXLAN port with a cut or invalid VXLAN header, and frames of unwatched VNIs.
    public var vxlanMalformedTotal: UInt64 = 0
    public var vniUnwatchedTotal: UInt64 = 0
    public var untaggedFramesTotal: UInt64
    public var malformedTotal: UInt64
    public var droppedTotal: UInt64
    /// Detection events of this interval.
    public var events: [MonitorEvent] = []
    /// Storms or loops in progress after this interval.
    public var storms: [Storm] = []
    public var probesSentTotal: UInt64 = 0
    public var probesReturnedTotal: UInt64 = 0
    /// Own probes that came back untagged or on another VLAN than they were sent on (two VLANs
    /// bridged into each other).
    public var probesLeakedTotal: UInt64 = 0
    /// VNI probe datagrams sent (one per VTEP of each probed VNI); returns are on the VNI rows.
    public var vniProbesSentTotal: UInt64 = 0

    /// A storm or loop in progress.
    public struct Storm: Codable, Equatable, Sendable {
        public var vlan: Int?
        public var inner: Int?
        public var vni: Int?
        public var kind: String?
        public var loopConfirmed: Bool
        public var peakRate: Double

        enum CodingKeys: String, CodingKey {
            case vlan, inner, vni, kind
            case loopConfirmed = "loop_confirmed", peakRate = "peak_rate"
        }

        public init(_ s: ActiveStorm) {
            vlan = s.key.outer.map { Int($0.value) }
            inner = s.key.inner.map { Int($0.value) }
            vni = s.key.vni.map { Int($0.value) }
            kind = s.kind?.rawValue
            loopConfirmed = s.loopConfirmed
            peakRate = s.peakRate.rounded()
        }
    }

    enum CodingKeys: String, CodingKey {
        case time, interface, vlans, vnis, events, storms
        case vxlanMalformedTotal = "vxlan_malformed_total", vniUnwatchedTotal = "vni_unwatched_total"
        case probesSentTotal = "probes_sent_total", probesReturnedTotal = "probes_returned_total"
        case probesLeakedTotal = "probes_leaked_total", vniProbesSentTotal = "vni_probes_sent_total"
        case intervalMilliseconds = "interval_ms", activeVLANs = "active_vlans"
        case untaggedFramesTotal = "untagged_frames_total", malformedTotal = "malformed_total"
        case droppedTotal = "dropped_total"
    }

    /// Builds a report from one interval's rates; `top` limits the rows, busiest first.
    /// `vniProbes` (the probed VNIs' returned probes) fill the VNI rows' probe columns.
    public init(time: String, interface: String, intervalNanos: UInt64, rates: [VLANRate],
                global: GlobalCounters, top: Int, vniRates: [VNIRate] = [], vniProbes: [VNI: ProbeCounters] = [:]) {
        self.time = time
        self.interface = interface
        intervalMilliseconds = (Double(intervalNanos) / 1e6 * 10).rounded() / 10
        activeVLANs = rates.count
        vlans = RateCalculator.busiestFirst(rates).prefix(max(0, top)).map { Row($0, vlan: Int($0.key.value)) }
        vnis = RateCalculator.busiestFirst(vniRates).prefix(max(0, top)).map { r in
            var row = Row(r, vni: Int(r.key.value))
            if let p = vniProbes[r.key] { (row.probesReturned, row.probesLeaked) = (p.returned, p.leaked) }
            return row
        }
        untaggedFramesTotal = global.untaggedFrames
        malformedTotal = global.malformed
        droppedTotal = global.dropped
        vxlanMalformedTotal = global.vxlanMalformed
        vniUnwatchedTotal = global.vniUnwatched
    }

    /// A fixed-width table for a terminal.
    public func table() -> String {
        var lines = ["LoopSentry monitor  \(interface)  \(time)  interval \(intervalMilliseconds) ms  "
                     + "active VLANs \(activeVLANs)  untagged \(untaggedFramesTotal)  malformed \(malformedTotal)"
                     + "  dropped \(droppedTotal)"]
        lines.append(Self.pad(["VLAN", "bcast/s", "mcast/s", "frames/s", "bytes/s", "frames"], widths: Self.widths))
        for r in vlans {
            lines.append(Self.pad([String(r.vlan ?? 0), Self.si(r.broadcastPerSecond), Self.si(r.multicastPerSecond),
                                   Self.si(r.framesPerSecond), Self.si(r.bytesPerSecond), String(r.framesTotal)],
                                  widths: Self.widths))
        }
        if vlans.isEmpty { lines.append("(no tagged frames yet)") }
        if !vnis.isEmpty {
            lines.append(Self.pad(["VNI", "bcast/s", "mcast/s", "frames/s", "bytes/s", "frames"], widths: Self.vniWidths))
            for r in vnis {
                lines.append(Self.pad([String(r.vni ?? 0), Self.si(r.broadcastPerSecond), Self.si(r.multicastPerSecond),
                                       Self.si(r.framesPerSecond), Self.si(r.bytesPerSecond), String(r.framesTotal)],
                                      widths: Self.vniWidths))
            }
            lines.append("VXLAN malformed \(vxlanMalformedTotal), unwatched VNIs \(vniUnwatchedTotal)")
            let probed = vnis.filter { $0.probesReturned != nil }
            if vniProbesSentTotal > 0 || !probed.isEmpty {
                lines.append("VNI probes sent \(vniProbesSentTotal), returned " + probed.map { r in
                    "\(r.vni ?? 0): \(r.probesReturned ?? 0)" + ((r.probesLeaked ?? 0) > 0 ? " (leaked \(r.probesLeaked ?? 0))" : "")
                }.joined(separator: ", "))
            }
        }
        if probesSentTotal > 0 || probesReturnedTotal > 0 {
            lines.append("probes sent \(probesSentTotal), returned \(probesReturnedTotal)"
                + (probesLeakedTotal > 0 ? ", leaked to another VLAN \(probesLeakedTotal)" : ""))
        }
        for s in storms {
            let v = s.vni.map { "VNI \($0)" } ?? "VLAN " + (s.inner.map { "\(s.vlan ?? 0).\($0)" } ?? "\(s.vlan ?? 0)")
            lines.append("STORM on \(v): peak \(Int(s.peakRate))/s" + (s.loopConfirmed ? ", loop confirmed by probe" : ""))
        }
        return lines.joined(separator: "\n")
    }

    static let widths = [6, 10, 10, 10, 11, 14]
    static let vniWidths = [9, 10, 10, 10, 11, 14]

    static func pad(_ cells: [String], widths: [Int]) -> String {
        zip(cells, widths).map { cell, w in
            String(repeating: " ", count: max(0, w - cell.count)) + cell
        }.joined(separator: " ")
    }

    /// 1234567 → "1.23M"; small values print as integers.
    static func si(_ v: Double) -> String {
        let units: [(Double, String)] = [(1e9, "G"), (1e6, "M"), (1e3, "k")]
        for (scale, suffix) in units where v >= scale {
            let scaled = (v / scale * 100).rounded() / 100
            return "\(scaled)\(suffix)"
        }
        return String(Int(v.rounded()))
    }
}

extension MonitorReport.Row {
    /// A row from one segment's rates (rounded to whole units) and totals.
    init<Key>(_ r: SegmentRate<Key>, vlan: Int? = nil, vni: Int? = nil) {
        self.init(vlan: vlan, vni: vni, broadcastPerSecond: r.broadcastPerSecond.rounded(),
                  multicastPerSecond: r.multicastPerSecond.rounded(), framesPerSecond: r.framesPerSecond.rounded(),
                  bytesPerSecond: r.bytesPerSecond.rounded(), broadcastTotal: r.totals.broadcast,
                  multicastTotal: r.totals.multicast, framesTotal: r.totals.frames, bytesTotal: r.totals.bytes)
    }
}
