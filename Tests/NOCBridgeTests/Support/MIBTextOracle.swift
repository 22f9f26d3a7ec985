import Foundation
@testable import NOCBridge

/// A table of LOOPSENTRY-MIB as the MIB text defines it (columns, INDEX, entry arcs), and the
/// RFC 3416 §4.2.5 answer to one SET varbind on loopSentryVlanTable, derived from the MIB
/// text as Net-SNMP's `snmptranslate -Td` reads it, not from the product's tables: MAX-ACCESS
/// (notWritable), SYNTAX base type (wrongType), SIZE (wrongLength), ranges, enumerations and the
/// DESCRIPTION's "Writing name(n) is wrongValue" (wrongValue), the INDEX ranges (noCreation).
/// SnmpAdminString values must be UTF-8 (the TC's DESCRIPTION in RFC 3411): else wrongValue.
struct MIBTextOracle {
    /// One OBJECT-TYPE as snmptranslate printed it.
    struct Object {
        var name: String
        /// OID arcs below loopSentryObjects.
        var arcs: [UInt]
        var access: String
        /// The SYNTAX line, e.g. `Unsigned32 (1..4294967295)` or `INTEGER {none(1), ...}`.
        var syntax: String
        var textualConvention: String?
        var description: String

        var isWritable: Bool { access == "read-write" || access == "read-create" }
        /// The base type's first word: INTEGER, Integer32, Unsigned32, OCTET, Counter64, ...
        var baseType: String { String(syntax.prefix { $0 != " " && $0 != "(" && $0 != "{" }) }
        /// `name(n)` pairs of an enumerated INTEGER.
        var enumeration: [Int64]? {
            guard syntax.contains("{") else { return nil }
            return Self.numbers(in: syntax, pattern: #"\((-?\d+)\)"#)
        }
        /// The `(a..b | c)` constraint: ranges for integers, sizes for strings; nil when none.
        var constraint: [ClosedRange<Int64>]? {
            guard !syntax.contains("{"), let open = syntax.firstIndex(of: "("), let close = syntax.lastIndex(of: ")") else { return nil }
            return syntax[syntax.index(after: open)..<close].split(separator: "|").map { part in
                let ends = part.trimmingCharacters(in: .whitespaces).components(separatedBy: "..").compactMap { Int64($0) }
                return ends[0]...(ends.count > 1 ? ends[1] : ends[0])
            }
        }
        /// Enumerated values the DESCRIPTION says may never be written ("Writing none(1) is wrongValue").
        var neverWritten: [Int64] {
            let flat = description.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            return Self.numbers(in: flat, pattern: #"Writing \w+\((-?\d+)\) is wrongValue"#)
        }

        static func numbers(in text: String, pattern: String) -> [Int64] { matches(in: text, pattern: pattern).compactMap { Int64($0) } }
    }

    var columns: [Object]
    var indexes: [Object]
    /// The entry's arcs below loopSentryObjects.
    var entry: [UInt]

    /// The shipped MIB's tables, read once; the error says why it could not be read.
    static let loopSentryVlanTable = Result { try MIBTextOracle() }
    static let loopSentryVniTable = Result { try MIBTextOracle(entryName: "loopSentryVniEntry", prefix: "loopSentryVni") }
    /// Whether snmptranslate and erlang-snmp's base MIBs are installed (scripts/setup.sh).
    static let toolsPresent = FileManager.default.isExecutableFile(atPath: "/usr/bin/snmptranslate") && SNMPTools.erlangMIBs != nil

    struct Failure: Error, CustomStringConvertible { let description: String }

    /// Reads `entryName` and its columns (the objects under it named `prefix`…) with snmptranslate;
    /// throws when it fails.
    init(entryName: String = "loopSentryVlanEntry", prefix: String = "loopSentryVlan",
         mibPath: String = SNMPTools.mibPath, snmptranslate: String = "/usr/bin/snmptranslate") throws {
        func translate(_ flag: String, _ name: String) throws -> String {
            let r = try Command.run([snmptranslate, "-M", mibPath, "-m", "LOOPSENTRY-MIB", flag, "LOOPSENTRY-MIB::\(name)"],
                                    in: FileManager.default.temporaryDirectory)
            guard r.status == 0, !r.stdout.isEmpty else { throw Failure(description: "snmptranslate \(flag) \(name): \(r.stderr)") }
            return r.stdout
        }
        let entryText = try translate("-Td", entryName)
        let tree = try translate("-Tp", entryName)
        let names = Object.matches(in: tree, pattern: #"\s(\#(prefix)\w+)\(\d+\)"#).filter { $0 != entryName }
        let objects = try names.map { try Self.parse(translate("-Td", $0)) }
        entry = try Self.parse(entryText).arcs
        let indexNames = Object.matches(in: entryText, pattern: #"INDEX\s+\{([^}]*)\}"#).first?
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } ?? []
        indexes = indexNames.compactMap { n in objects.first { $0.name == n } }
        columns = objects
        guard !columns.isEmpty, indexes.count == indexNames.count, !indexes.isEmpty else {
            throw Failure(description: "no columns or INDEX in snmptranslate's output: \(tree)")
        }
    }

    /// One object from `snmptranslate -Td` output.
    static func parse(_ text: String) throws -> Object {
        func field(_ key: String) -> String? {
            text.split(separator: "\n").first { $0.hasPrefix("  \(key)\t") }
                .map { $0.dropFirst(key.count + 3).trimmingCharacters(in: .whitespaces) }
        }
        guard let name = text.split(separator: "\n").dropFirst().first?.split(separator: " ").first,
              let oid = text.range(of: "loopSentryObjects(1)").map({ text[$0.upperBound...] }) else {
            throw Failure(description: "not an object under loopSentryObjects: \(text)")
        }
        let arcs = oid.split(whereSeparator: { " }\n".contains($0) }).compactMap { part -> UInt? in
            UInt(part) ?? part.split(separator: "(").last.flatMap { UInt($0.dropLast()) }
        }
        let description = text.range(of: "DESCRIPTION\t\"").flatMap { start in
            text[start.upperBound...].range(of: "\"").map { String(text[start.upperBound..<$0.lowerBound]) }
        } ?? ""
        return Object(name: String(name), arcs: arcs, access: field("MAX-ACCESS") ?? "", syntax: field("SYNTAX") ?? "",
                      textualConvention: Object.matches(in: text, pattern: #"-- TEXTUAL CONVENTION (\w+)"#).first,
                      description: description)
    }

    /// The error for `varbind` on its own (ignoring the row's state), or nil; `rowExists` answers
    /// for an instance whose index values are all within their ranges.
    func expectedError(_ varbind: SetVarbind, rowExists: ([Int64]) -> Bool) -> SNMPErrorStatus? {
        let s = varbind.suffix
        guard let column = columns.first(where: { s.starts(with: $0.arcs) }), column.isWritable else { return .notWritable }
        let number: Int64?
        switch (column.baseType, varbind.value) {
        case ("INTEGER", .integer(let v)), ("Integer32", .integer(let v)): number = Int64(v)
        case ("Unsigned32", .gauge32(let v)), ("Gauge32", .gauge32(let v)): number = Int64(v)
        case ("OCTET", .octetString(let bytes)):
            if let sizes = column.constraint, !sizes.contains(where: { $0.contains(Int64(bytes.count)) }) { return .wrongLength }
            if column.textualConvention == "SnmpAdminString", String(validating: bytes, as: UTF8.self) == nil { return .wrongValue }
            number = nil
        default: return .wrongType
        }
        if let n = number {
            if let values = column.enumeration, !values.contains(n) { return .wrongValue }
            if let ranges = column.constraint, !ranges.contains(where: { $0.contains(n) }) { return .wrongValue }
            if column.neverWritten.contains(n) { return .wrongValue }
        }
        let instance = s.dropFirst(column.arcs.count)
        guard instance.count == indexes.count else { return .noCreation }
        let values = instance.map { Int64(exactly: $0) ?? -1 }
        for (value, index) in zip(values, indexes) {
            if let ranges = index.constraint, !ranges.contains(where: { $0.contains(value) }) { return .noCreation }
        }
        return rowExists(values) ? nil : .noCreation
    }
}

extension MIBTextOracle.Object {
    /// The first capture group of every match of `pattern` in `text`.
    static func matches(in text: String, pattern: String) -> [String] {
        let re = try! NSRegularExpression(pattern: pattern)
        return re.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range(at: 1), in: text).map { String(text[$0]) }
        }
    }
}
