import LoopSentryConfig
import LoopSentryCore
import Remediate

/// Builds the SNMP cut driver of a target.
enum SNMPDriverFactory {
    static func make(_ r: RemediationTarget) -> any CutDriver {
        UnavailableDriver(kind: .snmp, reason: "the snmp driver is not part of this build")
    }
}

/// A driver that fails every batch with one reason.
struct UnavailableDriver: CutDriver {
    let kind: CutDriverKind
    let reason: String
    func apply(_ batch: CutBatch) async -> CutOutcome { .failed(batch, reason) }
}
