/// Why a value cannot be written into an RFC 5424 message.
public enum SyslogFormatError: Error, Equatable, Sendable {
    /// An SD-ID or PARAM-NAME breaks the SD-NAME rule: 1 to 32 printable US-ASCII characters
    /// other than `=`, space, `]` and `"`.
    case invalidSDName(String)
    /// An SD-ID of the form `name@number` has something other than a dotted number after the `@`.
    case invalidEnterpriseID(String)
    /// Two SD-ELEMENTs of one message have the same SD-ID (RFC 5424 section 6.3.2 forbids it).
    case duplicateSDID(String)
}

/// One SD-PARAM: `name="value"`. The value is any Unicode text; escaping happens when written.
public struct SyslogSDParameter: Hashable, Sendable {
    public let name: String
    public var value: String

    /// Fails unless `name` is a valid SD-NAME.
    public init(name: String, value: String) throws(SyslogFormatError) {
        guard SyslogSDElement.isValidSDName(name) else { throw .invalidSDName(name) }
        self.name = name
        self.value = value
    }
}

/// One SD-ELEMENT: `[id name="value" ...]` (RFC 5424 section 6.3).
public struct SyslogSDElement: Hashable, Sendable {
    public let id: String
    public var parameters: [SyslogSDParameter]

    /// Fails unless `id` is a valid SD-NAME and, when it contains `@`, ends in a dotted number.
    public init(id: String, parameters: [SyslogSDParameter] = []) throws(SyslogFormatError) {
        guard Self.isValidSDName(id) else { throw .invalidSDName(id) }
        if let at = id.firstIndex(of: "@") {
            let pen = id[id.index(after: at)...]
            let parts = pen.split(separator: ".", omittingEmptySubsequences: false)
            guard id[..<at].count > 0, !parts.isEmpty,
                  parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
            else { throw .invalidEnterpriseID(id) }
        }
        self.id = id
        self.parameters = parameters
    }

    /// Convenience: parameters from ordered `(name, value)` pairs.
    public init(id: String, _ pairs: KeyValuePairs<String, String>) throws(SyslogFormatError) {
        var parameters: [SyslogSDParameter] = []
        for (name, value) in pairs { parameters.append(try SyslogSDParameter(name: name, value: value)) }
        try self.init(id: id, parameters: parameters)
    }

    /// The element as written in a message, values escaped.
    public var formatted: String {
        var text = "[" + id
        for parameter in parameters {
            text += " \(parameter.name)=\"\(Self.escape(parameter.value))\""
        }
        return text + "]"
    }

    /// SD-NAME (RFC 5424 section 6): 1*32 PRINTUSASCII except `=`, SP, `]`, `"`.
    public static func isValidSDName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...32).contains(bytes.count) else { return false }
        return bytes.allSatisfy { $0 >= 33 && $0 <= 126 && $0 != UInt8(ascii: "=")
            && $0 != UInt8(ascii: "]") && $0 != UInt8(ascii: "\"") }
    }

    /// PARAM-VALUE escaping (RFC 5424 section 6.3.3): `"`, `\` and `]` get a preceding `\`.
    public static func escape(_ value: String) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(value.unicodeScalars.count)
        for scalar in value.unicodeScalars {
            if scalar == "\"" || scalar == "\\" || scalar == "]" { out.unicodeScalars.append("\\") }
            out.unicodeScalars.append(scalar)
        }
        return out
    }

    /// Reverses `escape`. A `\` before any other character stays, as section 6.3.3 requires.
    public static func unescape(_ value: Substring) -> String {
        var out = ""
        var pendingBackslash = false
        for scalar in value.unicodeScalars {
            if pendingBackslash {
                if scalar != "\"" && scalar != "\\" && scalar != "]" { out.unicodeScalars.append("\\") }
                out.unicodeScalars.append(scalar)
                pendingBackslash = false
            } else if scalar == "\\" {
                pendingBackslash = true
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        if pendingBackslash { out.unicodeScalars.append("\\") }
        return out
    }

    /// The STRUCTURED-DATA field for `elements`: NILVALUE when empty. Fails on a repeated SD-ID.
    public static func structuredData(_ elements: [SyslogSDElement]) throws(SyslogFormatError) -> String {
        guard !elements.isEmpty else { return Syslog.nilValue }
        var seen = Set<String>()
        for element in elements where !seen.insert(element.id).inserted {
            throw .duplicateSDID(element.id)
        }
        return elements.map(\.formatted).joined()
    }
}
