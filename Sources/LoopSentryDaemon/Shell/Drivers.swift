import LoopSentryConfig
import LoopSentryCore
import Remediate

/// The cut drivers: a batch of the coordinator's runs on its own task and comes back through
/// the inbox.
struct Drivers {
    let runner: AnsibleRunner
    let inbox: Inbox

    /// Runs `start`'s batch; `runs` are its journal rows.
    func start(_ start: BatchStart, runs: [Int64]) {
        let driver = make(start.driver, start.target)
        let inbox = self.inbox
        let batch = start.batch
        let id = start.id
        Task.detached {
            let outcome = await driver.apply(batch)
            inbox.push(.batchFinished(id: id, runs: runs, outcome))
        }
    }

    /// The driver for `kind` on target `r`.
    func make(_ kind: CutDriverKind, _ r: RemediationTarget) -> any CutDriver {
        switch kind {
        case .nftables:
            return NftablesCutDriver(port: r.port, netns: r.netns, family: r.nftablesFamily)
        case .snmp:
            // The loader refuses driver snmp without its settings; a target without them cannot cut.
            guard let target = r.snmp else { return UnavailableDriver(kind: .snmp, reason: "remediation.snmp is not configured") }
            return SNMPCutDriver(target: target)
        case .ovs:
            return OVSCutDriver(target: r.ovs ?? OVSCutTarget(), port: r.port)
        case .ansible:
            var driver = AnsibleCutDriver(runner: runner, playbook: r.playbook ?? "-", host: r.host, port: r.port, netns: r.netns,
                                          inventory: r.inventory, saveConfig: r.saveConfig, timeout: .seconds(r.timeoutSeconds))
            if let ovs = r.ovs { driver.extra["ovsdb"] = .string(ovs.database) }
            return driver
        }
    }
}

/// A driver that fails every batch with one reason.
struct UnavailableDriver: CutDriver {
    let kind: CutDriverKind
    let reason: String
    func apply(_ batch: CutBatch) async -> CutOutcome { .failed(batch, reason) }
}
