import Foundation

/// The threads the portal's request handlers run on: a task executor of its own, preferred by
/// `PortalServer.run` and so by every connection task Hummingbird starts under it.
///
/// Swift's cooperative pool has as many threads as cores (two here). Anything else in the
/// process that blocks one of them — a test suite waiting for a child process, a library
/// reading a socket — would otherwise stall every HTTP answer; with its own threads the portal
/// keeps answering while the rest of the process is busy.
final class PortalExecutor: TaskExecutor, @unchecked Sendable {
    /// One pool per process, shared by every server (portal and metrics endpoint).
    static let shared = PortalExecutor(threads: 2, name: "ls-portal")

    private let condition = NSCondition()
    private var queue: [UnownedJob] = []
    private var head = 0

    private init(threads: Int, name: String) {
        for index in 0..<threads {
            let thread = Thread { [unowned self] in self.work() }
            thread.name = "\(name)-\(index)"
            thread.start()
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        queue.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Each thread takes jobs in order, for ever (the pool lives as long as the process).
    private func work() {
        let me = asUnownedTaskExecutor()
        while true {
            condition.lock()
            while head == queue.count { condition.wait() }
            let job = queue[head]
            head += 1
            if head == queue.count || head >= 1024 {
                queue.removeFirst(head)
                head = 0
            }
            condition.unlock()
            job.runSynchronously(on: me)
        }
    }
}
