import Foundation
import LoopSentryCore

/// Cuts, restores or persists a batch of VLANs with one `ansible-playbook` run: the tenant's
/// playbook gets every VLAN of the batch as `vlans` (and the first as `vlan`), and a VNI
/// playbook every VNI as `vnis` (the first as `vni`) with their UDP port as `vxlan_port`.
public struct AnsibleCutDriver: CutDriver {
    public let kind = CutDriverKind.ansible
    public var runner: AnsibleRunner
    /// The playbook's file name in the playbook directory.
    public var playbook: String
    /// The inventory host the play runs against.
    public var host: String
    /// The trunk or bridge port (`port` and `interface`).
    public var port: String
    public var netns: String?
    /// An inventory file; nil runs against `host` on this machine (`ansible_connection=local`).
    public var inventory: String?
    public var saveConfig: Bool
    public var timeout: Duration
    /// Further playbook variables (e.g. `ovsdb`, the Open vSwitch database of ovs-trunk-vlan.yml).
    public var extra: [String: PlaybookVariableValue] = [:]

    public init(runner: AnsibleRunner, playbook: String, host: String, port: String, netns: String?,
                inventory: String?, saveConfig: Bool, timeout: Duration) {
        self.runner = runner
        self.playbook = playbook
        self.host = host
        self.port = port
        self.netns = netns
        self.inventory = inventory
        self.saveConfig = saveConfig
        self.timeout = timeout
    }

    /// The request for `batch`: variables as the playbooks name them, one run for every VLAN.
    public func request(_ batch: CutBatch) -> PlaybookRequest {
        // One incident: its id; several: "first-last" (the playbooks accept [A-Za-z0-9_.:/-]{1,64}).
        let incident = batch.incidents.count == 1 ? String(batch.incidents[0])
            : batch.incidents.isEmpty ? "manual" : "\(batch.incidents.first!)-\(batch.incidents.last!)"
        let inventory: PlaybookInventory = self.inventory.map { .path($0) }
            ?? .text("\(host) ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n")
        let variables = batch.vnis.isEmpty
            ? PlaybookVariables(action: batch.action, vlans: batch.vlans, targetHost: host, port: port,
                                interface: port, tenant: batch.tenant, incidentID: incident,
                                netns: netns, saveConfig: saveConfig, extra: extra)
            : PlaybookVariables(action: batch.action, vnis: batch.vnis, vxlanPort: batch.vxlanPort, vlans: batch.vlans,
                                targetHost: host, port: port, tenant: batch.tenant, incidentID: incident, netns: netns,
                                extra: extra)
        return PlaybookRequest(playbook: playbook, variables: variables, inventory: inventory, timeout: timeout)
    }

    public func apply(_ batch: CutBatch) async -> CutOutcome {
        let r: PlaybookResult
        do throws(PlaybookError) {
            r = try await runner.run(request(batch))
        } catch {
            return .failed(batch, "\(error)")
        }
        let detail = Self.summary(r)
        var outcome = CutOutcome(failures: r.succeeded ? [:] : Dictionary(uniqueKeysWithValues: batch.vlans.map { ($0, detail) }),
                                 changed: r.changed > 0, detail: detail, duration: r.duration, output: r.output,
                                 timedOut: r.timedOut)
        if !r.succeeded { outcome.vniFailures = Dictionary(uniqueKeysWithValues: batch.vnis.map { ($0, detail) }) }
        return outcome
    }

    /// One line for a run: "linux-bridge-vlan.yml: ok, 1 change(s) in 1234 ms" or why it failed.
    public static func summary(_ r: PlaybookResult) -> String {
        if r.succeeded { return "\(r.playbook): ok, \(r.changed) change(s) in \(milliseconds(r.duration)) ms" }
        if let e = r.error { return "\(e)" }
        if let f = r.failures.first { return "\(r.playbook): \(f.host): \(f.task): \(f.message)" }
        return "\(r.playbook): failed (\(r.output.split(separator: "\n").last.map(String.init) ?? "no output"))"
    }

    static func milliseconds(_ d: Duration) -> Int64 {
        d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
    }
}
