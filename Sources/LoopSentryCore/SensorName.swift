/// The name of one LoopSentry sensor in a fleet: in LOOPSENTRY-MIB (`loopSentrySensorName`),
/// every notification, syslog's structured data, the `sensor` label of /metrics and the event
/// log, so a NOC that hears from many sensors knows which one spoke. Configured as
/// `sensor.name`, the host name by default. Pure: the host name is passed in.
public enum SensorName {
    /// The longest name (`loopSentrySensorName` is an SnmpAdminString of at most 64 octets).
    public static let maxLength = 64

    /// True when `name` is 1-64 characters of ASCII letters, digits, `.`, `-` and `_`,
    /// starting with a letter or digit: a host name fits, and so does every label value,
    /// SD-PARAM value and file name the name ends up in.
    public static func isValid(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.utf8.count <= maxLength,
              isAlphanumeric(first) else { return false }
        return name.unicodeScalars.allSatisfy { isAlphanumeric($0) || $0 == "." || $0 == "-" || $0 == "_" }
    }

    /// Why `name` is refused, as the end of a one-line error.
    public static func message(for name: String) -> String {
        "'\(name)' is not a sensor name: 1-\(maxLength) characters of letters, digits, '.', '-' and '_', "
            + "starting with a letter or digit"
    }

    private static func isAlphanumeric(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c)
    }
}
