import LoopSentryCore

/// What /metrics says about the sensor itself, fixed for the daemon's life: its name (the
/// `sensor` label of every series, so the series of many sensors stay apart in one Prometheus
/// without relabelling), its version, and each ack-policy tenant's ack deadline (the shipped
/// rules warn when a pending cut has waited half of it). Pure configuration, passed in.
public struct MetricsIdentity: Equatable, Sendable {
    /// `sensor.name`; "" leaves the `sensor` label out (tests of single rows).
    public var sensor: String
    /// The LoopSentry version, in `loopsentry_sensor_info`.
    public var version: String
    /// Seconds a pending cut waits for an acknowledgement, by tenant (policy `ack` only).
    public var ackDeadlineSeconds: [String: Double]

    public init(sensor: String = "", version: String = "", ackDeadlineSeconds: [String: Double] = [:]) {
        self.sensor = sensor
        self.version = version
        self.ackDeadlineSeconds = ackDeadlineSeconds
    }

    /// The `sensor` label, or nothing when the name is empty.
    var labels: [(String, String)] { sensor.isEmpty ? [] : [("sensor", sensor)] }
}

extension MetricsExposition {
    /// Families about the sensor and its tenants, after the process families: the info series
    /// (always), then one ack deadline per ack-policy tenant (left out when there is none).
    static func writeIdentityFamilies(_ identity: MetricsIdentity, to out: inout String) {
        writeHeader("loopsentry_sensor_info", .gauge,
                    "Always 1: the sensor's name and LoopSentry version as labels (absent: the sensor is not scraped).", to: &out)
        writeSample("loopsentry_sensor_info", labels: [("sensor", identity.sensor), ("version", identity.version)],
                    value: "1", to: &out)
        let deadlines = identity.ackDeadlineSeconds.sorted { $0.key < $1.key }
        guard !deadlines.isEmpty else { return }
        writeHeader("loopsentry_tenant_ack_deadline_seconds", .gauge,
                    "Seconds a pending cut of the tenant (policy ack) waits for an acknowledgement.", to: &out)
        for (tenant, seconds) in deadlines {
            writeSample("loopsentry_tenant_ack_deadline_seconds", labels: [("tenant", tenant)] + identity.labels,
                        value: formatValue(seconds), to: &out)
        }
    }
}
