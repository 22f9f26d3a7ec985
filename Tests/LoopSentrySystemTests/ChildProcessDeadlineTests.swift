import Foundation
import LoopSentrySystem
import Testing

/// A child's deadline is kept by a timer, not by the waiting task: a child still running at the
/// deadline is stopped and reported timed out; one that exited before it is not, however late
/// the waiting task looks.
@Suite struct ChildProcessDeadlineTests {
    @Test("a child still running at its deadline is stopped and reported timed out")
    func runningChildTimesOut() async throws {
        let child = try ChildProcess.spawn(.init(["/bin/sleep", "30"], ownProcessGroup: true))
        let exit = await child.wait(until: ContinuousClock().now.advanced(by: .milliseconds(200)), grace: .seconds(1))
        #expect(exit.timedOut)
        #expect(exit.status == nil, "ended by a signal")
    }

    @Test("a child that exited before its deadline is not timed out even when the wait starts after the deadline")
    func exitedChildIsNotLate() async throws {
        let child = try ChildProcess.spawn(.init(["/bin/sh", "-c", "exit 3"]))
        // The child exits at once; the waiting task comes only after the deadline has passed.
        let deadline = ContinuousClock().now.advanced(by: .milliseconds(50))
        usleep(300_000)
        let exit = await child.wait(until: deadline)
        #expect(!exit.timedOut)
        #expect(exit.status == 3)
    }
}
