/// A tiny checker for the Prometheus text exposition format 0.0.4, independent of the
/// renderer: every sample line must match `name[{label="value",…}] value [timestamp]` with
/// the spec's escapes, every family must have HELP and TYPE before its first sample, a
/// family's samples must be contiguous, and no series may appear twice.
enum ExpositionValidator {
    static let types: Set<String> = ["counter", "gauge", "histogram", "summary", "untyped"]

    /// The problems found, each naming its line (1-based); empty when the text is valid.
    static func problems(in text: String) -> [String] {
        var problems: [String] = []
        if !text.isEmpty, !text.hasSuffix("\n") { problems.append("the last line does not end with a newline") }
        var help: Set<String> = [], type: Set<String> = [], sampled: Set<String> = [], series: Set<String> = []
        var current: String?
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().enumerated() {
            let number = index + 1
            func problem(_ message: String) { problems.append("line \(number): \(message): \(line)") }
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                let words = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
                guard words.count >= 3, words[0] == "#", words[1] == "HELP" || words[1] == "TYPE" else { continue }
                let name = String(words[2])
                if !isMetricName(name) { problem("bad metric name") }
                if sampled.contains(name) { problem("\(words[1]) after the family's samples") }
                if words[1] == "HELP" {
                    if !help.insert(name).inserted { problem("second HELP") }
                    if words.count == 4, !isEscapedHelp(words[3]) { problem("bad escape in HELP") }
                } else {
                    if !type.insert(name).inserted { problem("second TYPE") }
                    if words.count != 4 || !types.contains(String(words[3])) { problem("bad TYPE") }
                }
                continue
            }
            guard let sample = parseSample(line) else { problem("not a sample line"); continue }
            let family = familyName(sample.name, types: type)
            if !help.contains(family) || !type.contains(family) { problem("sample before HELP and TYPE of \(family)") }
            if family != current, sampled.contains(family) { problem("samples of \(family) are not contiguous") }
            current = family
            sampled.insert(family)
            if !series.insert(sample.name + "{" + sample.labels.sorted().joined(separator: ",") + "}").inserted {
                problem("duplicate series")
            }
        }
        return problems
    }

    /// A histogram's or summary's `_bucket`, `_sum` and `_count` belong to the base family.
    static func familyName(_ name: String, types: Set<String>) -> String {
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            if types.contains(base) { return base }
        }
        return name
    }

    static func isMetricName(_ s: String) -> Bool {
        guard let first = s.first, first.isASCII, first.isLetter || first == "_" || first == ":" else { return false }
        return s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ":") }
    }

    static func isLabelName(_ s: String) -> Bool {
        guard let first = s.first, first.isASCII, first.isLetter || first == "_" else { return false }
        return s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }

    static func isEscapedHelp(_ s: Substring) -> Bool {
        var chars = s.makeIterator()
        while let c = chars.next() {
            guard c == "\\" else { continue }
            guard let e = chars.next(), e == "\\" || e == "n" else { return false }
        }
        return true
    }

    /// `name{labels} value [timestamp]` split apart, labels as `name=value` (unescaped), or nil.
    static func parseSample(_ line: Substring) -> (name: String, labels: [String], value: String)? {
        var chars = Array(line)[...]
        let name = String(chars.prefix { $0 != "{" && $0 != " " })
        guard isMetricName(name) else { return nil }
        chars = chars.dropFirst(name.count)
        var labels: [String] = []
        if chars.first == "{" {
            chars = chars.dropFirst()
            while chars.first != "}" {
                let label = String(chars.prefix { $0 != "=" })
                guard isLabelName(label), chars.dropFirst(label.count).prefix(2) == ["=", "\""] else { return nil }
                chars = chars.dropFirst(label.count + 2)
                var value = ""
                while let c = chars.first, c != "\"" {
                    chars = chars.dropFirst()
                    if c == "\\" {
                        guard let e = chars.first, e == "\\" || e == "\"" || e == "n" else { return nil }
                        value.append(e == "n" ? "\n" : e)
                        chars = chars.dropFirst()
                    } else if c == "\n" {
                        return nil
                    } else {
                        value.append(c)
                    }
                }
                guard chars.first == "\"" else { return nil }
                chars = chars.dropFirst()
                labels.append("\(label)=\(value)")
                if chars.first == "," { chars = chars.dropFirst() } else if chars.first != "}" { return nil }
            }
            chars = chars.dropFirst()
        }
        let rest = chars.split(separator: " ", omittingEmptySubsequences: false).map { String($0) }
        guard rest.count == 2 || rest.count == 3, rest[0].isEmpty,
              ["+Inf", "-Inf", "NaN"].contains(rest[1]) || Double(rest[1]) != nil,
              rest.count == 2 || Int64(rest[2]) != nil else { return nil }
        return (name, labels, rest[1])
    }
}
