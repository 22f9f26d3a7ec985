import Glibc
import LoopSentryCore

/// The program's one clock: CLOCK_MONOTONIC in nanoseconds, the time base of every rate,
/// deadline and rate limit. The pure core never reads it; shells pass its readings in.
public enum MonotonicClock {
    /// Nanoseconds since an arbitrary start (boot); never goes backwards.
    public static func nanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}

extension UTCTimestamp {
    /// The wall clock now (CLOCK_REALTIME), for what operators read: status rows, start times.
    public static var now: UTCTimestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return UTCTimestamp(millisecondsSince1970: Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000)
    }
}
