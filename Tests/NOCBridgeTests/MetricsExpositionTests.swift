import LoopSentryCore
@testable import NOCBridge
import Testing

@Suite struct MetricsExpositionTests {
    /// Two rows on two interfaces, deliberately out of (ifIndex, VLAN) order.
    static let rows: [VLANStatusRow] = [
        {
            var r = VLANStatusRow(key: Fixtures.key(7, 30), ifName: "trunk1",
                                  counters: VLANCounters(broadcast: 300, multicast: 90, frames: 5_000_003_000, bytes: 123_456_789),
                                  returnedProbes: 2, broadcastRate: 60, multicastRate: 7, frameRate: 600,
                                  risingThreshold: 1000, fallingThreshold: 100, tenant: "globex", policy: .auto,
                                  state: .cut, lastChange: Fixtures.t0)
            r.leakedProbes = 1
            return r
        }(),
        VLANStatusRow(key: Fixtures.key(3, 10), ifName: "trunk0", risingThreshold: 500, fallingThreshold: 50,
                      policy: .alarm, lastChange: Fixtures.t0),
    ]
    static let extra = MetricsExtra(uptimeSeconds: 12.5, openIncidents: 1, notificationsSent: 4,
                                    notificationsSuppressed: 2, notificationsDropped: 1, syslogDropped: 3)

    static let processFamilies = """
        # HELP loopsentry_uptime_seconds Seconds since the daemon started.
        # TYPE loopsentry_uptime_seconds gauge
        loopsentry_uptime_seconds 0
        # HELP loopsentry_open_incidents Incidents not yet closed (VLANs whose state is not normal).
        # TYPE loopsentry_open_incidents gauge
        loopsentry_open_incidents 0
        # HELP loopsentry_notifications_sent_total SNMP notifications handed to the master agent.
        # TYPE loopsentry_notifications_sent_total counter
        loopsentry_notifications_sent_total 0
        # HELP loopsentry_notifications_suppressed_total SNMP notifications refused by a rate limit.
        # TYPE loopsentry_notifications_suppressed_total counter
        loopsentry_notifications_suppressed_total 0
        # HELP loopsentry_notifications_dropped_total SNMP notifications lost because the outage queue was full.
        # TYPE loopsentry_notifications_dropped_total counter
        loopsentry_notifications_dropped_total 0
        # HELP loopsentry_syslog_dropped_total Syslog messages lost.
        # TYPE loopsentry_syslog_dropped_total counter
        loopsentry_syslog_dropped_total 0
        \(journalAndInfo)
        """

    /// The last families with the default identity and a writable journal.
    static let journalAndInfo = """
        # HELP loopsentry_journal_writable 1 while the journal can be written; 0 while writes fail and no cut can start.
        # TYPE loopsentry_journal_writable gauge
        loopsentry_journal_writable 1
        # HELP loopsentry_sensor_info Always 1: the sensor's name and LoopSentry version as labels (absent: the sensor is not scraped).
        # TYPE loopsentry_sensor_info gauge
        loopsentry_sensor_info{sensor="",version=""} 1

        """

    @Test func rendersFixedRowsExactlySortedByInterfaceThenVLAN() {
        let golden = """
            # HELP loopsentry_vlan_broadcast_pps Broadcast frames per second on the VLAN over the last poll interval.
            # TYPE loopsentry_vlan_broadcast_pps gauge
            loopsentry_vlan_broadcast_pps{interface="trunk0",vlan="10",tenant=""} 0
            loopsentry_vlan_broadcast_pps{interface="trunk1",vlan="30",tenant="globex"} 60
            # HELP loopsentry_vlan_multicast_pps Multicast frames per second on the VLAN over the last poll interval.
            # TYPE loopsentry_vlan_multicast_pps gauge
            loopsentry_vlan_multicast_pps{interface="trunk0",vlan="10",tenant=""} 0
            loopsentry_vlan_multicast_pps{interface="trunk1",vlan="30",tenant="globex"} 7
            # HELP loopsentry_vlan_frames_pps Tagged frames of any kind per second on the VLAN over the last poll interval.
            # TYPE loopsentry_vlan_frames_pps gauge
            loopsentry_vlan_frames_pps{interface="trunk0",vlan="10",tenant=""} 0
            loopsentry_vlan_frames_pps{interface="trunk1",vlan="30",tenant="globex"} 600
            # HELP loopsentry_vlan_broadcast_frames_total Broadcast frames seen on the VLAN since the sensor attached.
            # TYPE loopsentry_vlan_broadcast_frames_total counter
            loopsentry_vlan_broadcast_frames_total{interface="trunk0",vlan="10",tenant=""} 0
            loopsentry_vlan_broadcast_frames_total{interface="trunk1",vlan="30",tenant="globex"} 300
            # HELP loopsentry_vlan_multicast_frames_total Multicast frames seen on the VLAN since the sensor attached.
            # TYPE loopsentry_vlan_multicast_frames_total counter
            loopsentry_vlan_multicast_frames_total{interface="trunk0",vlan="10",tenant=""} 0
            loopsentry_vlan_multicast_frames_total{interface="trunk1",vlan="30",tenant="globex"} 90
            # HELP loopsentry_vlan_frames_total Tagged frames of any kind seen on the VLAN since the sensor attached.
            # TYPE loopsentry_vlan_frames_total counter
            loopsentry_vlan_frames_total{interface="trunk0",vlan="10",tenant=""} 0
            loopsentry_vlan_frames_total{interface="trunk1",vlan="30",tenant="globex"} 5000003000
            # HELP loopsentry_vlan_bytes_total Bytes of tagged frames seen on the VLAN since the sensor attached.
            # TYPE loopsentry_vlan_bytes_total counter
            loopsentry_vlan_bytes_total{interface="trunk0",vlan="10",tenant=""} 0
            loopsentry_vlan_bytes_total{interface="trunk1",vlan="30",tenant="globex"} 123456789
            # HELP loopsentry_vlan_probes_returned_total LoopSentry's own probe frames that came back on the VLAN (a loop).
            # TYPE loopsentry_vlan_probes_returned_total counter
            loopsentry_vlan_probes_returned_total{interface="trunk0",vlan="10",tenant=""} 0
            loopsentry_vlan_probes_returned_total{interface="trunk1",vlan="30",tenant="globex"} 2
            # HELP loopsentry_vlan_probes_leaked_total LoopSentry's own probe frames sent on the VLAN that came back untagged or on another VLAN (the VLAN is bridged into another one).
            # TYPE loopsentry_vlan_probes_leaked_total counter
            loopsentry_vlan_probes_leaked_total{interface="trunk0",vlan="10",tenant=""} 0
            loopsentry_vlan_probes_leaked_total{interface="trunk1",vlan="30",tenant="globex"} 1
            # HELP loopsentry_vlan_rising_threshold_pps Broadcast frames per second at or above which a storm is detected.
            # TYPE loopsentry_vlan_rising_threshold_pps gauge
            loopsentry_vlan_rising_threshold_pps{interface="trunk0",vlan="10",tenant=""} 500
            loopsentry_vlan_rising_threshold_pps{interface="trunk1",vlan="30",tenant="globex"} 1000
            # HELP loopsentry_vlan_falling_threshold_pps Broadcast frames per second at or below which a storm is over.
            # TYPE loopsentry_vlan_falling_threshold_pps gauge
            loopsentry_vlan_falling_threshold_pps{interface="trunk0",vlan="10",tenant=""} 50
            loopsentry_vlan_falling_threshold_pps{interface="trunk1",vlan="30",tenant="globex"} 100
            # HELP loopsentry_vlan_incident_state The VLAN's current incident state: one series per VLAN with value 1, the state in the state label (normal, detected, pendingAck, cutting, cut, cutFailed, restoring); the policy label is the tenant's policy.
            # TYPE loopsentry_vlan_incident_state gauge
            loopsentry_vlan_incident_state{interface="trunk0",vlan="10",tenant="",policy="alarm",state="normal"} 1
            loopsentry_vlan_incident_state{interface="trunk1",vlan="30",tenant="globex",policy="auto",state="cut"} 1
            # HELP loopsentry_vlan_state_changed_timestamp_seconds When the VLAN's incident state last changed, in seconds since 1970 (UTC).
            # TYPE loopsentry_vlan_state_changed_timestamp_seconds gauge
            loopsentry_vlan_state_changed_timestamp_seconds{interface="trunk0",vlan="10",tenant=""} 1795000000
            loopsentry_vlan_state_changed_timestamp_seconds{interface="trunk1",vlan="30",tenant="globex"} 1795000000
            # HELP loopsentry_uptime_seconds Seconds since the daemon started.
            # TYPE loopsentry_uptime_seconds gauge
            loopsentry_uptime_seconds 12.5
            # HELP loopsentry_open_incidents Incidents not yet closed (VLANs whose state is not normal).
            # TYPE loopsentry_open_incidents gauge
            loopsentry_open_incidents 1
            # HELP loopsentry_notifications_sent_total SNMP notifications handed to the master agent.
            # TYPE loopsentry_notifications_sent_total counter
            loopsentry_notifications_sent_total 4
            # HELP loopsentry_notifications_suppressed_total SNMP notifications refused by a rate limit.
            # TYPE loopsentry_notifications_suppressed_total counter
            loopsentry_notifications_suppressed_total 2
            # HELP loopsentry_notifications_dropped_total SNMP notifications lost because the outage queue was full.
            # TYPE loopsentry_notifications_dropped_total counter
            loopsentry_notifications_dropped_total 1
            # HELP loopsentry_syslog_dropped_total Syslog messages lost.
            # TYPE loopsentry_syslog_dropped_total counter
            loopsentry_syslog_dropped_total 3
            \(Self.journalAndInfo)
            """
        #expect(MetricsExposition.render(rows: Self.rows, extra: Self.extra) == golden)
    }

    @Test func renderingIsIndependentOfRowOrder() {
        let a = MetricsExposition.render(rows: Self.rows, extra: Self.extra)
        #expect(MetricsExposition.render(rows: Self.rows.reversed(), extra: Self.extra) == a)
    }

    @Test func emptyRowsGiveOnlyTheProcessFamilies() {
        #expect(MetricsExposition.render(rows: [], extra: MetricsExtra()) == Self.processFamilies)
    }

    @Test func labelValuesEscapeBackslashQuoteAndNewline() {
        #expect(MetricsExposition.escapeLabelValue(#"a\b"c"#) == #"a\\b\"c"#)
        #expect(MetricsExposition.escapeLabelValue("x\ny") == #"x\ny"#)
        #expect(MetricsExposition.escapeLabelValue("plain ünïcode, {}=") == "plain ünïcode, {}=")
        var row = Self.rows[1]
        row.tenant = "org \"b\"\\\nline2"
        let text = MetricsExposition.render(rows: [row], extra: MetricsExtra())
        #expect(text.contains(#"loopsentry_vlan_incident_state{interface="trunk0",vlan="10",tenant="org \"b\"\\\nline2",policy="alarm",state="normal"} 1"#))
        #expect(ExpositionValidator.problems(in: text) == [])
        let sample = ExpositionValidator.parseSample(text.split(separator: "\n").last { $0.hasPrefix("loopsentry_vlan_frames_pps") }!)
        #expect(sample?.labels == ["interface=trunk0", "vlan=10", "tenant=org \"b\"\\\nline2"])
    }

    @Test func helpTextEscapesBackslashAndNewlineOnly() {
        #expect(MetricsExposition.escapeHelp("a\\b\n\"c\"") == #"a\\b\n"c""#)
    }

    @Test func floatValuesAreWrittenAsPrometheusParsesThem() {
        #expect(MetricsExposition.formatValue(12) == "12")
        #expect(MetricsExposition.formatValue(12.5) == "12.5")
        #expect(MetricsExposition.formatValue(.infinity) == "+Inf")
        #expect(MetricsExposition.formatValue(-.infinity) == "-Inf")
        #expect(MetricsExposition.formatValue(.nan) == "NaN")
    }

    @Test func everyStateAndEveryLineMatchTheExpositionGrammar() {
        let rows = IncidentState.allCases.enumerated().map { i, state in
            VLANStatusRow(key: Fixtures.key(2, 100 + i), ifName: "eth\\0", risingThreshold: .max, fallingThreshold: 0,
                          tenant: "t\"\n", policy: .ack, state: state, lastChange: Fixtures.t0)
        } + Self.rows
        let text = MetricsExposition.render(rows: rows, extra: MetricsExtra(uptimeSeconds: 1e-3))
        #expect(ExpositionValidator.problems(in: text) == [])
        let states = text.split(separator: "\n").filter { $0.hasPrefix("loopsentry_vlan_incident_state{") }
        #expect(states.count == rows.count)
        #expect(Set(states.compactMap { ExpositionValidator.parseSample($0)?.labels.last }).count == IncidentState.allCases.count)
    }

    @Test func validatorCatchesWhatItShould() {
        #expect(!ExpositionValidator.problems(in: "x 1\n").isEmpty)  // no HELP/TYPE
        #expect(!ExpositionValidator.problems(in: "# HELP x h\n# TYPE x gauge\nx{a=\"1} 1\n").isEmpty)
        #expect(!ExpositionValidator.problems(in: "# HELP x h\n# TYPE x gauge\nx 1 2 3\n").isEmpty)
        #expect(!ExpositionValidator.problems(in: "# HELP x h\n# TYPE x gauge\nx 1\nx 2\n").isEmpty)
        #expect(!ExpositionValidator.problems(in: "# HELP x h\n# TYPE x gauge\nx{a=\"\\q\"} 1\n").isEmpty)
        #expect(ExpositionValidator.problems(in: "# HELP x h\n# TYPE x gauge\nx{a=\"\\n\"} +Inf 17\n") == [])
    }
}
