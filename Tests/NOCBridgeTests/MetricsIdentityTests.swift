import LoopSentryCore
@testable import NOCBridge
import Testing

/// With a sensor name, every series carries `sensor` (so many sensors stay apart in one
/// Prometheus), the info series names the version, and ack-policy tenants' deadlines are exported
/// for the shipped rules.
@Suite struct MetricsIdentityTests {
    let identity = MetricsIdentity(sensor: "edge-7", version: "0.1.0", ackDeadlineSeconds: ["org-b": 300, "acme": 90])

    @Test func everySampleCarriesTheSensorLabel() {
        let text = MetricsExposition.render(rows: MetricsExpositionTests.rows, extra: MetricsExpositionTests.extra, identity: identity)
        #expect(ExpositionValidator.problems(in: text) == [])
        let samples = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(samples.count == 13 * 2 + 7 + 1 + 2)
        #expect(samples.allSatisfy { $0.contains("sensor=\"edge-7\"") }, "\(samples.filter { !$0.contains("sensor=\"edge-7\"") })")
        #expect(samples.contains(#"loopsentry_vlan_incident_state{interface="trunk1",vlan="30",tenant="globex",sensor="edge-7",policy="auto",state="cut"} 1"#))
        #expect(samples.contains(#"loopsentry_uptime_seconds{sensor="edge-7"} 12.5"#))
        #expect(samples.contains(#"loopsentry_sensor_info{sensor="edge-7",version="0.1.0"} 1"#))
        #expect(Array(samples.suffix(2)) == [#"loopsentry_tenant_ack_deadline_seconds{tenant="acme",sensor="edge-7"} 90"#,
                                               #"loopsentry_tenant_ack_deadline_seconds{tenant="org-b",sensor="edge-7"} 300"#])
    }

    @Test func anUnwritableJournalIsZero() {
        var extra = MetricsExtra()
        extra.journalWritable = false
        let text = MetricsExposition.render(rows: [], extra: extra, identity: identity)
        #expect(text.contains("\nloopsentry_journal_writable{sensor=\"edge-7\"} 0\n"))
        #expect(!text.contains("loopsentry_vlan_"))
    }

    @Test func theSinkRendersWithItsIdentity() {
        let sink = MetricsSink(identity: identity)
        sink.publish(MetricsExpositionTests.rows)
        #expect(sink.render() == MetricsExposition.render(rows: MetricsExpositionTests.rows, extra: MetricsExtra(), identity: identity))
    }
}
