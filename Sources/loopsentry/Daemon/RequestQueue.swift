import Foundation
import LoopSentryCore
import Remediate

/// Hands work from other threads (control socket, SNMP agent, playbook runs) to the daemon's
/// main loop, which owns all incident state. A request can wait for its answer. Pushing wakes
/// the loop, so a finished cut or an operator's request is handled at once, not at the next poll.
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
    /// A self-pipe: `push` writes a byte so the main loop's `wait` returns at once.
    private let wakeRead: Int32
    private let wakeWrite: Int32

    init() {
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            for fd in fds {
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            }
        } else {
            fds = [-1, -1]
        }
        wakeRead = fds[0]
        wakeWrite = fds[1]
    }

    deinit {
        if wakeRead >= 0 { close(wakeRead) }
        if wakeWrite >= 0 { close(wakeWrite) }
    }

    func push(_ item: Item) {
        lock.withLock { items.append(item) }
        var byte: UInt8 = 1
        if wakeWrite >= 0 { _ = write(wakeWrite, &byte, 1) }   // a full pipe already wakes the loop
    }

    /// Waits up to `nanos` for an item (`poll` on the self-pipe). Returns true when woken by an
    /// item, false on timeout or a signal (no SA_RESTART: `poll` returns EINTR).
    func wait(nanos: UInt64) -> Bool {
        guard wakeRead >= 0 else {
            SignalFlag.sleep(nanos: nanos)
            return false
        }
        var pfd = pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)
        let ms = Int32(min((nanos + 999_999) / 1_000_000, 60_000))
        guard poll(&pfd, 1, ms) > 0 else { return false }
        var buffer = [UInt8](repeating: 0, count: 256)
        while read(wakeRead, &buffer, buffer.count) > 0 {}
        return true
    }

    func drain() -> [Item] {
        lock.withLock {
            defer { items.removeAll() }
            return items
        }
    }
}
