import Foundation

/// An RFC 5424 TIMESTAMP (an RFC 3339 date-time with an optional fraction and a numeric offset),
/// formatted without calendars or locales so the result depends only on the values passed in.
public struct SyslogTimestamp: Hashable, Sendable {
    /// Whole seconds since 1970-01-01T00:00:00Z.
    public var secondsSinceEpoch: Int64
    /// The fraction of the second in microseconds, 0..<1_000_000 (RFC 5424 allows at most 6 digits).
    public var microseconds: Int
    /// Offset of the local time from UTC in minutes; 0 is written as `Z`.
    public var utcOffsetMinutes: Int
    /// How many fraction digits to write, 0...6 (0 writes no fraction).
    public var fractionDigits: Int

    /// A timestamp from its parts; out-of-range values are clamped into range.
    public init(secondsSinceEpoch: Int64, microseconds: Int = 0, utcOffsetMinutes: Int = 0,
                fractionDigits: Int = 6) {
        self.secondsSinceEpoch = secondsSinceEpoch
        self.microseconds = min(max(microseconds, 0), 999_999)
        self.utcOffsetMinutes = min(max(utcOffsetMinutes, -(23 * 60 + 59)), 23 * 60 + 59)
        self.fractionDigits = min(max(fractionDigits, 0), 6)
    }

    /// The instant `date`, rounded to the microsecond, shown at `utcOffsetSeconds` from UTC
    /// (whole minutes; pass `TimeZone.current.secondsFromGMT(for: date)` for local time).
    public init(_ date: Date, utcOffsetSeconds: Int = 0, fractionDigits: Int = 6) {
        let interval = date.timeIntervalSince1970
        var seconds = Int64(interval.rounded(.down))
        var micros = Int(((interval - Double(seconds)) * 1_000_000).rounded())
        if micros >= 1_000_000 { seconds += 1; micros -= 1_000_000 }
        self.init(secondsSinceEpoch: seconds, microseconds: micros,
                  utcOffsetMinutes: utcOffsetSeconds / 60, fractionDigits: fractionDigits)
    }

    /// The RFC 3339 text, e.g. `2003-08-24T05:14:15.000003-07:00` or `2003-10-11T22:14:15.003Z`.
    public var rfc3339: String {
        let local = secondsSinceEpoch + Int64(utcOffsetMinutes) * 60
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let secondOfDay = Int(local - days * 86_400)
        let (year, month, day) = Self.civilDate(daysSinceEpoch: days)
        var text = "\(Self.pad(year, 4))-\(Self.pad(month, 2))-\(Self.pad(day, 2))"
        text += "T\(Self.pad(secondOfDay / 3600, 2)):\(Self.pad(secondOfDay / 60 % 60, 2))"
        text += ":\(Self.pad(secondOfDay % 60, 2))"
        if fractionDigits > 0 {
            var divisor = 1
            for _ in fractionDigits..<6 { divisor *= 10 }
            text += "." + Self.pad(microseconds / divisor, fractionDigits)
        }
        if utcOffsetMinutes == 0 {
            text += "Z"
        } else {
            let magnitude = abs(utcOffsetMinutes)
            text += (utcOffsetMinutes < 0 ? "-" : "+") + Self.pad(magnitude / 60, 2) + ":" + Self.pad(magnitude % 60, 2)
        }
        return text
    }

    /// Proleptic Gregorian (year, month, day) for a day count since 1970-01-01
    /// (Howard Hinnant's `civil_from_days`).
    static func civilDate(daysSinceEpoch: Int64) -> (year: Int, month: Int, day: Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        let year = Int(yearOfEra + era * 400) + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
