import Foundation

/// SIGINT / SIGTERM turned into a flag the main loop checks: the handler only stores a
/// value, and the loop's sleep returns early with EINTR.
enum SignalFlag {
    nonisolated(unsafe) static var received: sig_atomic_t = 0

    static func install() {
        // A parent may have spawned us with these signals blocked (threads of a Dispatch
        // pool block them, and the mask is inherited): unblock them, or SIGTERM never lands.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for sig in [SIGINT, SIGTERM] {
            sigaddset(&unblock, sig)
        }
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        for sig in [SIGINT, SIGTERM] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signo in SignalFlag.received = signo }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0   // no SA_RESTART: nanosleep returns with EINTR
            sigaction(sig, &action, nil)
        }
    }

    static var stopRequested: Bool { received != 0 }

    /// Sleeps up to `nanos`, returning early when a stop signal arrives.
    static func sleep(nanos: UInt64) {
        var req = timespec(tv_sec: Int(nanos / 1_000_000_000), tv_nsec: Int(nanos % 1_000_000_000))
        var rem = timespec()
        while !stopRequested, nanosleep(&req, &rem) != 0, errno == EINTR {
            req = rem
        }
    }
}
