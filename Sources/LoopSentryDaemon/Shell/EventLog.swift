import Foundation
import LoopSentryCore

/// The daemon's own record of what happens: one `EventRecord` as a JSON object per line on
/// stdout (journald keeps it under systemd). Tests and the demo decode it; operators grep it.
public final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }()
    private let formatter: ISO8601DateFormatter = {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f
    }()

    /// The sensor's name, on every line (nil: left out).
    public let sensor: String?

    public init(sensor: String? = nil) { self.sensor = sensor }

    /// Writes `record` with the wall-clock time of now and the sensor's name; rates are rounded
    /// to whole frames.
    public func write(_ record: EventRecord) {
        var r = record
        r.sensor = r.sensor ?? sensor
        r.rate = r.rate.map { $0.rounded() }
        let line: Data? = lock.withLock {
            r.time = formatter.string(from: Date())
            return try? encoder.encode(r)
        }
        guard var data = line else { return }
        data.append(0x0a)
        lock.withLock { FileHandle.standardOutput.write(data) }
    }

    /// A record with no key.
    public func write(_ event: String, detail: String? = nil, at: UInt64) {
        write(EventRecord(event, at: at, detail: detail))
    }
}
