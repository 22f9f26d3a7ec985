import Foundation

/// The dates `loopsentry report` accepts for `--since` and `--until`.
public enum ReportDate {
    /// `text` as a date: ISO 8601 — a day (`2026-11-30`, midnight UTC), or a time with `Z` or an
    /// offset (`2026-11-30T10:00:00Z`, `2026-11-30T10:00:00.250+01:00`) — or a time before `now`:
    /// a whole number and a unit, `s`, `m`, `h`, `d` or `w` (`90m`, `24h`, `7d`). Nil otherwise.
    public static func parse(_ text: String, now: Date) -> Date? {
        if let ago = relative(text) { return now.addingTimeInterval(-ago) }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        if text.count == 10, let d = day.date(from: text) { return d }
        let time = ISO8601DateFormatter()
        if let d = time.date(from: text) { return d }
        time.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return time.date(from: text)
    }

    /// The seconds of a relative form (`24h`), nil when `text` is not one.
    static func relative(_ text: String) -> TimeInterval? {
        let units: [Character: TimeInterval] = ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604_800]
        guard let unit = text.last.flatMap({ units[$0] }), text.count > 1,
              text.dropLast().allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(text.dropLast()), n >= 0 else { return nil }
        return TimeInterval(n) * unit
    }

    /// `date` as the report writes it: ISO 8601 UTC with milliseconds (`2026-11-30T10:00:00.000Z`).
    public static func format(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: date)
    }
}
