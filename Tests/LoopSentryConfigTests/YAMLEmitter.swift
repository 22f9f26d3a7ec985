/// Writes a `ConfigFuzzGenerator.Tree` as YAML text, in block style (the way operators write
/// the file) or all in flow style, with anchors, aliases and double-quoted escapes.
enum YAMLEmitter {
    typealias Tree = ConfigFuzzGenerator.Tree

    static func emit(_ tree: Tree, flow: Bool) -> String {
        flow ? flowText(tree) + "\n" : block(tree, indent: 0)
    }

    /// A double-quoted YAML scalar; control and non-ASCII format characters escaped.
    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if u.value < 0x20 || u.value == 0x7f || (0x80..<0xa0).contains(u.value) || u.value == 0xfeff
                    || (0x2028...0x2029).contains(u.value) {
                    out += "\\u" + String(repeating: "0", count: 4 - String(u.value, radix: 16).count) + String(u.value, radix: 16)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    static func flowText(_ t: Tree) -> String {
        switch t {
        case let .scalar(s): s.contains("\n") ? quote(s) : s
        case let .quoted(s): quote(s)
        case let .seq(items): "[" + items.map(flowText).joined(separator: ", ") + "]"
        case let .map(kv): "{" + kv.map { "\($0.0): \(flowText($0.1))" }.joined(separator: ", ") + "}"
        case let .alias(name): "*\(name)"
        case let .anchored(name, inner): "&\(name) \(flowText(inner))"
        }
    }

    /// True when `t` fits after `key:` on the same line.
    static func inline(_ t: Tree) -> Bool {
        switch t {
        case .scalar, .quoted, .alias: true
        case let .seq(items): items.isEmpty
        case let .map(kv): kv.isEmpty
        case let .anchored(_, inner): inline(inner)
        }
    }

    static func block(_ t: Tree, indent: Int) -> String {
        let pad = String(repeating: " ", count: indent)
        switch t {
        case let .seq(items) where !items.isEmpty:
            return items.map { item in
                inline(item) ? "\(pad)- \(scalarText(item, indent: indent + 2))\n"
                             : "\(pad)-\(anchorPrefix(item))\n" + block(unanchored(item), indent: indent + 2)
            }.joined()
        case let .map(kv) where !kv.isEmpty:
            return kv.map { key, value in
                inline(value) ? "\(pad)\(key): \(scalarText(value, indent: indent + 2))\n"
                              : "\(pad)\(key):\(anchorPrefix(value))\n" + block(unanchored(value), indent: indent + 2)
            }.joined()
        case let .anchored(_, inner):
            return block(inner, indent: indent)
        default:
            return pad + scalarText(t, indent: indent) + "\n"
        }
    }

    /// An inline value; block scalars (`|`, `>-`) get their continuation lines indented.
    static func scalarText(_ t: Tree, indent: Int) -> String {
        let text = flowText(t)
        guard text.hasPrefix("|") || text.hasPrefix(">") else { return text }
        let pad = String(repeating: " ", count: indent)
        return text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .map { $0.offset == 0 ? String($0.element) : pad + $0.element.drop { $0 == " " } }.joined(separator: "\n")
    }

    static func anchorPrefix(_ t: Tree) -> String {
        if case let .anchored(name, _) = t { return " &\(name)" }
        return ""
    }

    static func unanchored(_ t: Tree) -> Tree {
        if case let .anchored(_, inner) = t { return inner }
        return t
    }
}
