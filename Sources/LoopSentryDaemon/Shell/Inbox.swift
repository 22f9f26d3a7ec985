import Foundation
import LoopSentryCore
import Remediate

/// The one way into the daemon's main loop, which owns the coordinator: the control socket,
/// the SNMP agent and the drivers push here from their own threads. A request can wait for its
/// answer. Pushing wakes the loop, so a finished cut or an operator's request is handled at
/// once, not at the next poll.
public final class Inbox: @unchecked Sendable {
    public enum Item {
        /// `status` from the control socket.
        case status(reply: Reply)
        /// An operator's request (control socket, SNMP SET).
        case command(OperatorCommand, reply: Reply)
        /// A batch finished; `runs` are the journal rows of its jobs, in order.
        case batchFinished(id: Int, runs: [Int64], CutOutcome)
        /// The service group is shutting down.
        case stop
    }

    /// A one-shot answer slot the main loop fills and the asking thread waits on.
    public final class Reply: @unchecked Sendable {
        private let semaphore = DispatchSemaphore(value: 0)
        private var value: ControlResponse?
        public init() {}
        public func fill(_ r: ControlResponse) {
            value = r
            semaphore.signal()
        }
        public func wait(timeout: Double) -> ControlResponse? {
            semaphore.wait(timeout: .now() + timeout) == .success ? value : nil
        }
    }

    private let lock = NSLock()
    private var items: [Item] = []
    /// A self-pipe: `push` writes a byte so the main loop's `wait` returns at once.
    private let wakeRead: Int32
    private let wakeWrite: Int32

    public init() {
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

    public func push(_ item: Item) {
        lock.withLock { items.append(item) }
        var byte: UInt8 = 1
        if wakeWrite >= 0 { _ = write(wakeWrite, &byte, 1) }   // a full pipe already wakes the loop
    }

    /// Sends `item` built around a reply slot and waits up to `timeout` s for the answer.
    public func ask(timeout: Double, _ item: (Reply) -> Item) -> ControlResponse? {
        let reply = Reply()
        push(item(reply))
        return reply.wait(timeout: timeout)
    }

    /// Waits up to `nanos` for an item (`poll` on the self-pipe). Returns true when woken by an item.
    public func wait(nanos: UInt64) -> Bool {
        guard wakeRead >= 0 else {
            usleep(useconds_t(min(nanos / 1000, 1_000_000)))
            return false
        }
        var pfd = pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)
        let ms = Int32(min((nanos + 999_999) / 1_000_000, 60_000))
        guard poll(&pfd, 1, ms) > 0 else { return false }
        var buffer = [UInt8](repeating: 0, count: 256)
        while read(wakeRead, &buffer, buffer.count) > 0 {}
        return true
    }

    public func drain() -> [Item] {
        lock.withLock {
            defer { items.removeAll() }
            return items
        }
    }
}
