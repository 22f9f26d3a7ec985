import LoopSentryCore

extension SyslogEventKind {
    /// The syslog kind (and so the MSGID) of an SNMP notification kind: one MSGID per
    /// LOOPSENTRY-MIB notification. `ACTION` has no notification; build it directly.
    public init(_ kind: NOCNotificationKind) {
        switch kind {
        case .stormDetected: self = .storm
        case .loopConfirmed: self = .loop
        case .cutPending: self = .cutPending
        case .cutApplied: self = .cut
        case .cutFailed: self = .cutFailed
        case .stormCleared: self = .cleared
        case .vlanRestored: self = .restored
        }
    }
}

extension SyslogEvent {
    /// The syslog form of a NOC notification, so SNMP and syslog report the same event with the
    /// same values. `incident` is the journal's incident ID (the notification does not carry one).
    /// Returned probes, the action's author, a failure's reason and `detail` go into MSG.
    public init(_ notification: NOCNotification, incident: String = "", detail: String = "") {
        var details: [String] = []
        let multicast = notification.kind == .stormDetected && notification.storm == .multicast
        if multicast { details.append("multicast storm") }
        if notification.returnedProbes > 0 { details.append("\(notification.returnedProbes) probes returned") }
        if !notification.actionAuthor.isEmpty { details.append("by \(notification.actionAuthor)") }
        if !notification.actionResult.isEmpty { details.append(notification.actionResult) }
        if !detail.isEmpty { details.append(detail) }
        self.init(kind: SyslogEventKind(notification.kind), interface: notification.ifName,
                  vlan: notification.vni == nil ? .single(notification.key.vlan) : nil, tenant: notification.tenant,
                  rate: Double(multicast ? notification.multicastRate : notification.broadcastRate),
                  threshold: Double(multicast ? notification.multicastThreshold : notification.risingThreshold),
                  state: notification.state.description, incident: incident,
                  detail: details.isEmpty ? nil : details.joined(separator: "; "))
        vni = notification.vni
    }

    /// An `ACTION` event: an operator asked for `action` on (interface, VLAN); `state` is the
    /// incident state after it was handled, `author` who asked (SNMP community/user, CLI user).
    public static func operatorAction(_ action: OperatorAction, interface: String, vlan: VLANID?, tenant: String,
                                      state: IncidentState, incident: String = "", author: String,
                                      result: String = "") -> SyslogEvent {
        var detail = "\(action) by \(author.isEmpty ? "unknown" : author)"
        if !result.isEmpty { detail += ": \(result)" }
        return SyslogEvent(kind: .action, interface: interface, vlan: vlan.map(VLAN.single), tenant: tenant,
                           state: state.description, incident: incident, detail: detail)
    }
}
