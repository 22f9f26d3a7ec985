/// The lab's network namespace names, all under one prefix: `PREFIX-sw1`, `PREFIX-sw2`,
/// `PREFIX-sensor`, `PREFIX-ha`, `PREFIX-hb`. The default prefix `lsl` gives the names the lab
/// has always had; another prefix gives a second lab beside it (a test suite's own, say).
/// Interface names inside the namespaces do not depend on the prefix. Pure.
public struct LabNamespaces: Equatable, Sendable {
    public static let defaultPrefix = "lsl"
    /// The environment variable that chooses the prefix when `--prefix` is not given.
    public static let prefixVariable = "LOOPSENTRY_LAB_PREFIX"
    public static let maxPrefixLength = 10
    public static let standard = LabNamespaces(checked: defaultPrefix)

    public let prefix: String

    /// Throws `LabError.badPrefix` unless `prefix` is 1-10 characters of a-z and 0-9, so that
    /// every name built from it is a valid namespace name and never contains another's.
    /// `source` names where the prefix came from, for the error.
    public init(prefix: String, source: String = "--prefix") throws {
        guard (1...Self.maxPrefixLength).contains(prefix.count),
              prefix.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) }) else {
            throw LabError.badPrefix(prefix, source: source)
        }
        self.prefix = prefix
    }

    private init(checked prefix: String) { self.prefix = prefix }

    /// The prefix an option names, else the environment's `LOOPSENTRY_LAB_PREFIX` (when not
    /// empty), else `lsl`.
    public static func chosen(option: String?, environment: [String: String]) throws -> LabNamespaces {
        if let option { return try LabNamespaces(prefix: option) }
        guard let value = environment[prefixVariable], !value.isEmpty else { return .standard }
        return try LabNamespaces(prefix: value, source: prefixVariable)
    }

    public var switch1: String { name("sw1") }
    public var switch2: String { name("sw2") }
    public var sensor: String { name("sensor") }
    public var hostA: String { name("ha") }
    public var hostB: String { name("hb") }
    public var all: [String] { [switch1, switch2, sensor, hostA, hostB] }

    private func name(_ role: String) -> String { "\(prefix)-\(role)" }
}
