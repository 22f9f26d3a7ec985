import LoopSentryCore

/// One piece of work for a cut driver: cut (or restore) `vlans` on one trunk port. Cuts of several
/// VLANs on the same port coalesce into one batch: one nftables transaction, one SNMP SET per
/// bitmap chunk, one playbook run with a VLAN list.
public struct CutBatch: Equatable, Sendable {
    /// Cut or restore.
    public var action: PlaybookAction
    /// The VLANs, ascending, without duplicates.
    public var vlans: [VLANID]
    /// The incidents the batch serves (for rule comments, commit comments, playbook variables).
    public var incidents: [UInt64]
    /// The incident of each VLAN, where known (rule comments name it).
    public var incidentOf: [VLANID: UInt64]
    /// The organization the VLANs belong to (rule comments).
    public var tenant: String
    /// VXLAN segments to cut on the port (an underlay port), ascending, without duplicates; the
    /// nftables driver and a VNI playbook take them (configuration refuses the others).
    public var vnis: [VNI] = []
    /// The incident of each VNI, where known (rule comments name it).
    public var incidentOfVNI: [VNI: UInt64] = [:]
    /// The UDP destination port the VXLAN traffic of `vnis` uses on the port.
    public var vxlanPort: UInt16 = VXLANWatch.defaultPort

    /// Creates a batch; `vlans` are sorted and made unique.
    public init(action: PlaybookAction, vlans: [VLANID], incidents: [UInt64], tenant: String) {
        self.action = action
        self.vlans = Array(Set(vlans)).sorted()
        self.incidents = Array(Set(incidents)).sorted()
        self.incidentOf = [:]
        self.tenant = tenant
    }

    /// Creates a batch of (VLAN, incident) items and (VNI, incident) items, the VNIs carried in
    /// UDP port `vxlanPort`.
    public init(action: PlaybookAction, items: [(vlan: VLANID, incident: UInt64)], vniItems: [(vni: VNI, incident: UInt64)] = [],
                vxlanPort: UInt16 = VXLANWatch.defaultPort, tenant: String) {
        self.init(action: action, vlans: items.map(\.vlan), incidents: items.map(\.incident) + vniItems.map(\.incident), tenant: tenant)
        for item in items { incidentOf[item.vlan] = item.incident }
        vnis = Array(Set(vniItems.map(\.vni))).sorted()
        self.vxlanPort = vxlanPort
        for item in vniItems { incidentOfVNI[item.vni] = item.incident }
    }
}

/// What a driver did with one batch. A VLAN in `failures` was not changed as asked; every other
/// VLAN of the batch was (or already was) in the wanted state.
public struct CutOutcome: Equatable, Sendable {
    /// Per VLAN that failed: one line saying why (netlink refusal, SNMP error-status, timeout).
    public var failures: [VLANID: String]
    /// True when the device's state changed (false when every VLAN already was as asked).
    public var changed: Bool
    /// One line for the journal and the notification, e.g. "nftables: 2 rule(s) added in lsl-sw1 in 0.2 ms".
    public var detail: String
    /// Wall time the driver took.
    public var duration: Duration
    /// The full output for the journal (a playbook's JSON report); empty for native drivers.
    public var output: String
    /// True when the driver gave up waiting (the run was killed at its timeout).
    public var timedOut: Bool
    /// Per VNI that failed: one line saying why.
    public var vniFailures: [VNI: String] = [:]

    /// Creates an outcome.
    public init(failures: [VLANID: String] = [:], changed: Bool, detail: String, duration: Duration,
                output: String = "", timedOut: Bool = false) {
        self.failures = failures
        self.changed = changed
        self.detail = detail
        self.duration = duration
        self.output = output
        self.timedOut = timedOut
    }

    /// An outcome in which every VLAN of `batch` failed for `reason`.
    public static func failed(_ batch: CutBatch, _ reason: String, duration: Duration = .zero) -> CutOutcome {
        var outcome = CutOutcome(failures: Dictionary(uniqueKeysWithValues: batch.vlans.map { ($0, reason) }), changed: false,
                                 detail: reason, duration: duration)
        outcome.vniFailures = Dictionary(uniqueKeysWithValues: batch.vnis.map { ($0, reason) })
        return outcome
    }

    /// True when no VLAN and no VNI failed.
    public var succeeded: Bool { failures.isEmpty && vniFailures.isEmpty }

    /// The one line for `vlan`: its failure, or the batch detail.
    public func line(for vlan: VLANID) -> String { failures[vlan] ?? detail }

    /// The one line for `vni`: its failure, or the batch detail.
    public func line(for vni: VNI) -> String { vniFailures[vni] ?? detail }
}

/// A mechanism that cuts and restores VLANs on one trunk port. Implementations never throw: every
/// error becomes a failure line in the outcome, so the incident retries it per `max_attempts`.
/// `apply` may block its task for up to the driver's own timeout.
public protocol CutDriver: Sendable {
    /// The driver's name for the journal: `nftables`, `snmp`, `ansible`.
    var kind: CutDriverKind { get }
    /// Cuts or restores the batch's VLANs.
    func apply(_ batch: CutBatch) async -> CutOutcome
}
