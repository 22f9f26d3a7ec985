@testable import NOCBridge

/// An independent STRUCTURED-DATA reader for tests: walks `[id name="value" ...]...` by the
/// RFC 5424 grammar and unescapes values, so formatted output can be checked by parsing it back.
enum SDTestParser {
    struct Param: Equatable { var name: String; var value: String }
    struct Element: Equatable { var id: String; var params: [Param] }

    /// The elements of `text`, which must be exactly STRUCTURED-DATA; nil if malformed.
    static func parse(_ text: String) -> [Element]? {
        var scalars = Substring(text).unicodeScalars[...]
        var elements: [Element] = []
        while let first = scalars.first {
            guard first == "[" else { return nil }
            scalars = scalars.dropFirst()
            guard let id = name(&scalars) else { return nil }
            var params: [Param] = []
            while scalars.first == " " {
                scalars = scalars.dropFirst()
                guard let key = name(&scalars), scalars.first == "=" else { return nil }
                scalars = scalars.dropFirst()
                guard scalars.first == "\"" else { return nil }
                scalars = scalars.dropFirst()
                var raw = String.UnicodeScalarView()
                var escaped = false
                while true {
                    guard let c = scalars.first else { return nil }
                    scalars = scalars.dropFirst()
                    if escaped { raw.append(c); escaped = false; continue }
                    if c == "\\" { raw.append(c); escaped = true; continue }
                    if c == "\"" { break }
                    if c == "]" { return nil } // must have been escaped
                    raw.append(c)
                }
                params.append(Param(name: key, value: SyslogSDElement.unescape(Substring(String(raw)))))
            }
            guard scalars.first == "]" else { return nil }
            scalars = scalars.dropFirst()
            elements.append(Element(id: id, params: params))
        }
        return elements
    }

    private static func name(_ scalars: inout Substring.UnicodeScalarView.SubSequence) -> String? {
        var out = String.UnicodeScalarView()
        while let c = scalars.first, c.value >= 33, c.value <= 126, c != "=", c != "]", c != "\"" {
            out.append(c)
            scalars = scalars.dropFirst()
        }
        return out.isEmpty ? nil : String(out)
    }
}
