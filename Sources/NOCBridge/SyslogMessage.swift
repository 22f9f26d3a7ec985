/// An RFC 5424 syslog message and its serialization (section 6). A value with no I/O: header
/// fields are cleaned and cut to their limits when written, so any input gives a valid message.
public struct SyslogMessage: Hashable, Sendable {
    /// How MSG is written.
    public enum Body: Hashable, Sendable {
        /// No MSG part at all (the message ends after STRUCTURED-DATA).
        case none
        /// MSG-UTF8: the UTF-8 byte order mark, then the text (what LoopSentry sends).
        case utf8(String)
        /// MSG-ANY: the text without a BOM, for receivers that must not see one.
        case any(String)
    }

    /// Maximum lengths of header fields in octets (RFC 5424 section 6).
    public enum Limit {
        public static let hostname = 255
        public static let appName = 48
        public static let procID = 128
        public static let msgID = 32
    }

    /// The byte order mark that starts MSG-UTF8.
    public static let byteOrderMark = "\u{FEFF}"

    public var priority: SyslogPriority
    /// `nil` writes NILVALUE (the sender did not know the time).
    public var timestamp: SyslogTimestamp?
    public var hostname: String
    public var appName: String
    public var procID: String
    public var msgID: String
    public var structuredData: [SyslogSDElement]
    public var body: Body

    public init(priority: SyslogPriority, timestamp: SyslogTimestamp?, hostname: String,
                appName: String = Syslog.appName, procID: String = "", msgID: String = "",
                structuredData: [SyslogSDElement] = [], body: Body = .none) {
        self.priority = priority
        self.timestamp = timestamp
        self.hostname = hostname
        self.appName = appName
        self.procID = procID
        self.msgID = msgID
        self.structuredData = structuredData
        self.body = body
    }

    /// The message text: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD[ MSG]`.
    /// Fails only when two SD-ELEMENTs share an SD-ID.
    public func formatted() throws(SyslogFormatError) -> String {
        var text = "<\(priority.value)>1 "
        text += (timestamp?.rfc3339 ?? Syslog.nilValue) + " "
        text += Self.headerField(hostname, limit: Limit.hostname) + " "
        text += Self.headerField(appName, limit: Limit.appName) + " "
        text += Self.headerField(procID, limit: Limit.procID) + " "
        text += Self.headerField(msgID, limit: Limit.msgID) + " "
        text += try SyslogSDElement.structuredData(structuredData)
        switch body {
        case .none: break
        case .utf8(let message): text += " " + Self.byteOrderMark + message
        case .any(let message): text += " " + message
        }
        return text
    }

    /// The message as octets, cut to at most `maxLength` octets by shortening MSG at a character
    /// boundary (the header and structured data are never cut). Fails like `formatted()`.
    public func bytes(maxLength: Int = .max) throws(SyslogFormatError) -> [UInt8] {
        let full = Array(try formatted().utf8)
        guard full.count > maxLength else { return full }
        var head = self
        head.body = .none
        let headLength = try head.formatted().utf8.count
        var cut = max(maxLength, headLength)
        // Do not end inside a UTF-8 sequence: back up over continuation bytes.
        while cut > headLength && cut < full.count && full[cut] & 0xC0 == 0x80 { cut -= 1 }
        return Array(full[..<cut])
    }

    /// A header field: PRINTUSASCII only (anything else becomes `_`), cut to `limit` octets,
    /// NILVALUE when empty.
    public static func headerField(_ value: String, limit: Int) -> String {
        guard !value.isEmpty else { return Syslog.nilValue }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(value.utf8.count, limit))
        for scalar in value.unicodeScalars {
            guard bytes.count < limit else { break }
            let v = scalar.value
            bytes.append(v >= 33 && v <= 126 ? UInt8(v) : UInt8(ascii: "_"))
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
