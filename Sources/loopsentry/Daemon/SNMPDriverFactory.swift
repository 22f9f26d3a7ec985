import LoopSentryConfig
import LoopSentryCore
import Remediate

/// Builds the SNMP cut driver of a target.
enum SNMPDriverFactory {
    /// The driver for `r`; a target without its `snmp` settings (refused by the configuration
    /// loader) fails every batch with one line.
    static func make(_ r: RemediationTarget) -> any CutDriver {
        guard let target = r.snmp else { return UnavailableDriver(kind: .snmp, reason: "remediation.snmp is not configured") }
        return SNMPCutDriver(target: target)
    }
}

/// A driver that fails every batch with one reason.
struct UnavailableDriver: CutDriver {
    let kind: CutDriverKind
    let reason: String
    func apply(_ batch: CutBatch) async -> CutOutcome { .failed(batch, reason) }
}
