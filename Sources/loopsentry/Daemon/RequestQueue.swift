import Foundation
import LoopSentryCore
import Remediate

/// Hands work from other threads (control socket, SNMP agent, playbook runs) to the daemon's
/// main loop, which owns all incident state. A request can wait for its answer.
final class RequestQueue: @unchecked Sendable {
    enum Item {
        case control(ControlRequest, via: String, reply: Reply)
        case snmp(OperatorRequest, reply: Reply)
        /// A batch of the scheduler finished; `runs` are the journal rows of its jobs, in order.
        case batchFinished(id: Int, runs: [Int64], CutOutcome)
        /// A job could not start (no remediation target).
        case jobFailed(DetectionKey, work: CutWork, attempt: Int, reason: String)
    }

    /// A one-shot answer slot the main loop fills and the asking thread waits on.
    final class Reply: @unchecked Sendable {
        private let semaphore = DispatchSemaphore(value: 0)
        private var value: ControlResponse?
        func fill(_ r: ControlResponse) {
            value = r
            semaphore.signal()
        }
        func wait(timeout: Double) -> ControlResponse? {
            semaphore.wait(timeout: .now() + timeout) == .success ? value : nil
        }
    }

    private let lock = NSLock()
    private var items: [Item] = []

    func push(_ item: Item) { lock.withLock { items.append(item) } }

    func drain() -> [Item] {
        lock.withLock {
            defer { items.removeAll() }
            return items
        }
    }
}
