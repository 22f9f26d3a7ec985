import LoopSentryCore

/// SNMPv2-TC `DateAndTime` encoding (RFC 2579): year (2 octets, big-endian), month, day,
/// hour, minutes, seconds, deci-seconds, then the UTC offset `+ 0 0`, 11 octets in all.
enum DateAndTime {
    static func octets(_ t: UTCTimestamp) -> [UInt8] {
        withOctets(t) { Array($0) }
    }

    /// Calls `body` with the 11 octets in a buffer on the stack (the read path stores them in a
    /// varbind without allocating).
    static func withOctets<R>(_ t: UTCTimestamp, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let ms = t.millisecondsSince1970
        let days = floorDiv(ms, 86_400_000)
        let msOfDay = ms - days * 86_400_000
        let (year, month, day) = civil(fromDays: days)
        let clampedYear = UInt16(clamping: max(0, min(65535, year)))
        var octets: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (
            UInt8(clampedYear >> 8), UInt8(clampedYear & 0xff), UInt8(month), UInt8(day),
            UInt8(msOfDay / 3_600_000), UInt8(msOfDay / 60_000 % 60), UInt8(msOfDay / 1000 % 60),
            UInt8(msOfDay % 1000 / 100), UInt8(ascii: "+"), 0, 0
        )
        return try withUnsafeBytes(of: &octets, body)
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// Proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's civil_from_days).
    static func civil(fromDays z0: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = z0 + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
