/// Trace lines (see `trace`) the suites share: VLANs on trunk0, incident 1 unless said.
enum Expect {
    /// A state change's publication and log line.
    static func moved(_ vlan: Int, _ from: String, _ to: String, incident: UInt64 = 1) -> [String] {
        ["publish", "record transition trunk0/\(vlan) #\(incident) \(from)→\(to)"]
    }

    /// A notification's log line and the notification, the VLAN left in `state`.
    static func notified(_ vlan: Int, _ kind: String, _ state: String, incident: UInt64 = 1) -> [String] {
        ["record notification trunk0/\(vlan) #\(incident) \(kind)", "notify \(kind) #\(incident) \(state)"]
    }

    /// A detection (`event`, the detector's line) opening an alarm-policy incident on `vlan`.
    static func alarmOpened(_ vlan: Int, tenant: String = "org-c", event: String, kind: String = "stormDetected",
                            incident: UInt64 = 1) -> [String] {
        ["record \(event)", "journal open #\(incident) trunk0/\(vlan) \(tenant) alarm, #\(incident) normal→detected (detector)"]
            + moved(vlan, "normal", "detected", incident: incident) + notified(vlan, kind, "detected", incident: incident)
    }

    /// A rate sample within the verify window confirming the cut of `vlan`.
    static func verified(_ vlan: Int) -> [String] {
        ["journal #1 cutting→cut (verification)"] + moved(vlan, "cutting", "cut") + notified(vlan, "cutApplied", "cut")
    }

    /// The nftables restore of `vlan` (journaled as `run`) succeeding.
    static func restored(_ vlan: Int, run: Int) -> [String] {
        ["journal run \(run) succeeded", "record cutFinished trunk0/\(vlan) #1: nftables: 1 rule(s) changed",
         "journal #1 restoring→normal (playbook) closed"]
            + moved(vlan, "restoring", "normal") + notified(vlan, "vlanRestored", "normal")
    }

    /// An operator's accepted `action` on `vlan` (incident 1), answered with `message`: journaled,
    /// sent to syslog, logged, the row published.
    static func accepted(_ action: String, _ vlan: Int, leaving state: String, _ message: String) -> [String] {
        ["journal action \(action) accepted #1",
         "operatorAction \(action) trunk0 VLAN \(vlan) #1 \(state) by alice via cli: \(message)",
         "record operatorAction trunk0/\(vlan) #1: \(action) accepted: \(message)",
         "publish"]
    }
}
