import Logging

/// A swift-log backend that writes each log line as an RFC 5424 message through a
/// `SyslogSender` (so it never blocks either). MSGID is `LOG`; the logger's label, the source
/// and the metadata go into a `[log@<PEN> label="..." source="..." key="value" ...]` element.
///
/// The daemon bootstraps with it; library code only receives loggers:
/// `LoggingSystem.bootstrap { SyslogLogHandler(label: $0, sender: sender) }`.
public struct SyslogLogHandler: LogHandler {
    /// The MSGID of every line written by this handler (events use their own MSGIDs).
    public static let msgID = "LOG"

    public let label: String
    public let sender: SyslogSender
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    public init(label: String, sender: SyslogSender, logLevel: Logger.Level = .info,
                metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.sender = sender
        self.logLevel = logLevel
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        var text = event.message.description
        if let error = event.error { text += " (error: \(error))" }
        let message = SyslogMessage(
            priority: SyslogPriority(facility: sender.configuration.facility, severity: Self.severity(event.level)),
            timestamp: sender.timestamp(for: sender.currentDate()), hostname: sender.hostname,
            appName: Syslog.appName, procID: sender.procID, msgID: Self.msgID,
            structuredData: [Self.element(label: label, source: event.source, metadata: merged)],
            body: .utf8(text))
        sender.send(message)
    }

    /// swift-log levels onto syslog severities (trace and debug both become debug).
    public static func severity(_ level: Logger.Level) -> SyslogSeverity {
        switch level {
        case .trace, .debug: .debug
        case .info: .informational
        case .notice: .notice
        case .warning: .warning
        case .error: .error
        case .critical: .critical
        }
    }

    /// The `log@<PEN>` element. Metadata keys that are not valid SD-NAMEs have their bad
    /// characters replaced by `_` and are cut to 32 characters; keys are sorted for stable output.
    static func element(label: String, source: String, metadata: Logger.Metadata) -> SyslogSDElement {
        var parameters = [
            try! SyslogSDParameter(name: "label", value: label),
            try! SyslogSDParameter(name: "source", value: source),
        ]
        for key in metadata.keys.sorted() {
            let name = sdName(key)
            guard name != "label", name != "source", let value = metadata[key] else { continue }
            if let parameter = try? SyslogSDParameter(name: name, value: value.description) {
                parameters.append(parameter)
            }
        }
        return try! SyslogSDElement(id: Syslog.logMetadataSDID, parameters: parameters)
    }

    static func sdName(_ key: String) -> String {
        var bytes: [UInt8] = []
        for scalar in key.unicodeScalars where bytes.count < 32 {
            let v = scalar.value
            let allowed = v >= 33 && v <= 126 && v != 61 && v != 93 && v != 34
            bytes.append(allowed ? UInt8(v) : UInt8(ascii: "_"))
        }
        return bytes.isEmpty ? "_" : String(decoding: bytes, as: UTF8.self)
    }
}
