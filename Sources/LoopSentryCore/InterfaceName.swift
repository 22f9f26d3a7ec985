/// Linux network interface names, checked as the kernel checks them (`dev_valid_name`): the one
/// validator for the configuration, the control protocol, the CLI and the sensor.
public enum InterfaceName {
    /// The rule in words, for messages.
    public static let rule = "1-15 characters, no '/', ':' or spaces"

    /// True for a name the kernel accepts: 1-15 bytes, not `.` or `..`, no `/`, `:`, white
    /// space or control characters.
    public static func isValid(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 15 && name != "." && name != ".."
            && !name.unicodeScalars.contains {
                $0 == "/" || $0 == ":" || $0.properties.isWhitespace || $0.properties.generalCategory == .control
            }
    }

    /// The one message for an invalid name: `subject` is what holds it, e.g. `--interface`.
    public static func message(for subject: String) -> String {
        "\(subject) must be an interface name (\(rule))"
    }
}
