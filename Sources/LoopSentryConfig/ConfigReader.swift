import Yams

/// One problem in a configuration file: the key's path, its line, and what is wrong.
/// Prints as `tenants[1].policy (line 12): must be one of auto, ack, alarm; got 'maybe'`.
public struct ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    public var path: String
    public var line: Int?
    public var message: String

    public init(path: String, line: Int?, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    /// Always one line: control, format and line-break characters that a message quotes from
    /// the file (a value like "a\u2028b") are shown escaped, as `\u{2028}`.
    public var description: String {
        let at = line.map { " (line \($0))" } ?? ""
        let text = Self.oneLine(message)
        if path.isEmpty { return line.map { "line \($0): \(text)" } ?? text }
        return "\(Self.oneLine(path))\(at): \(text)"
    }

    static func oneLine(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator: out += "\\u{\(String(u.value, radix: 16))}"
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }
}

/// All problems found in one file, in file order.
public struct ConfigErrors: Error, Equatable, Sendable, CustomStringConvertible {
    public var errors: [ConfigError]
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// Walks a YAML tree collecting every error instead of stopping at the first: unknown keys,
/// missing keys, wrong types and bad values are all reported with key path and line.
final class ConfigReader {
    private(set) var errors: [ConfigError] = []

    func add(_ error: ConfigError) { errors.append(error) }

    func fail(_ path: String, _ node: Node?, _ message: String) {
        errors.append(ConfigError(path: path, line: node?.mark?.line, message: message))
    }

    /// The mapping at `node` as key → (value node); unknown keys are errors.
    func mapping(_ node: Node?, _ path: String, allowed: [String]) -> [String: Node]? {
        guard let node else { return nil }
        guard case let .mapping(m) = node else {
            fail(path, node, "must be a mapping of keys (\(allowed.joined(separator: ", ")))")
            return nil
        }
        var out: [String: Node] = [:]
        for (k, v) in m {
            guard let key = k.scalar?.string else { fail(path, k, "keys must be plain strings"); continue }
            let child = path.isEmpty ? key : "\(path).\(key)"
            if !allowed.contains(key) {
                let hint = Self.closest(key, in: allowed).map { "; did you mean '\($0)'?" } ?? ""
                errors.append(ConfigError(path: child, line: k.mark?.line,
                                          message: "unknown key (allowed: \(allowed.joined(separator: ", ")))\(hint)"))
                continue
            }
            if out[key] != nil { fail(child, k, "appears twice"); continue }
            out[key] = v
        }
        return out
    }

    /// The sequence at `node`, each element with its indexed path.
    func sequence(_ node: Node?, _ path: String) -> [(Node, String)] {
        guard let node else { return [] }
        guard case let .sequence(s) = node else { fail(path, node, "must be a list"); return [] }
        return s.enumerated().map { ($0.element, "\(path)[\($0.offset)]") }
    }

    func require(_ map: [String: Node], _ key: String, _ path: String, _ parent: Node?) -> Node? {
        if let v = map[key] { return v }
        errors.append(ConfigError(path: path.isEmpty ? key : "\(path).\(key)", line: parent?.mark?.line,
                                  message: "is required"))
        return nil
    }

    func string(_ node: Node?, _ path: String, nonEmpty: Bool = true) -> String? {
        guard let node else { return nil }
        guard let s = node.scalar?.string else { fail(path, node, "must be a string"); return nil }
        if nonEmpty && s.isEmpty { fail(path, node, "must not be empty"); return nil }
        return s
    }

    func int(_ node: Node?, _ path: String, range: ClosedRange<Int>) -> Int? {
        guard let node else { return nil }
        guard let text = node.scalar?.string, let v = Int(text) else {
            fail(path, node, "must be a whole number in \(range.lowerBound)-\(range.upperBound); got '\(node.scalar?.string ?? "a \(Self.kind(node))")'")
            return nil
        }
        guard range.contains(v) else { fail(path, node, "must be in \(range.lowerBound)-\(range.upperBound); got \(v)"); return nil }
        return v
    }

    func double(_ node: Node?, _ path: String, min: Double = 0) -> Double? {
        guard let node else { return nil }
        guard let text = node.scalar?.string, let v = Double(text), v.isFinite else {
            fail(path, node, "must be a number; got '\(node.scalar?.string ?? "a \(Self.kind(node))")'")
            return nil
        }
        guard v >= min else { fail(path, node, "must be at least \(min); got \(v)"); return nil }
        return v
    }

    func bool(_ node: Node?, _ path: String) -> Bool? {
        guard let node else { return nil }
        switch node.scalar?.string {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            fail(path, node, "must be true or false; got '\(node.scalar?.string ?? "a \(Self.kind(node))")'")
            return nil
        }
    }

    func choice<T>(_ node: Node?, _ path: String, _ options: [(String, T)]) -> T? {
        guard let s = string(node, path) else { return nil }
        if let hit = options.first(where: { $0.0 == s }) { return hit.1 }
        fail(path, node, "must be one of \(options.map(\.0).joined(separator: ", ")); got '\(s)'")
        return nil
    }

    static func kind(_ node: Node) -> String {
        switch node {
        case .mapping: "mapping"
        case .sequence: "list"
        case .scalar: "scalar"
        case .alias: "alias"
        }
    }

    /// A known key within edit distance 2 of `key`, to suggest for a typo.
    static func closest(_ key: String, in allowed: [String]) -> String? {
        allowed.map { ($0, distance(key, $0)) }.filter { $0.1 <= 2 }.min { $0.1 < $1.1 }?.0
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var prev = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let cur = row[j]
                row[j] = Swift.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1))
                prev = cur
            }
        }
        return row[b.count]
    }
}
