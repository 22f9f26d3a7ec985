/// A value in a varbind, by SMI type. Pure: the shell converts to and from Net-SNMP.
public enum SNMPValue: Equatable, Sendable {
    case integer(Int32)
    /// Unsigned32 / Gauge32 (the same ASN.1 tag).
    case gauge32(UInt32)
    case counter32(UInt32)
    case counter64(UInt64)
    case timeTicks(UInt32)
    case octetString([UInt8])
    case objectIdentifier([UInt])
    /// Any other type (IpAddress, Opaque, NULL …), by its ASN.1 tag.
    case other(UInt8)

    /// A UTF-8 string as an OCTET STRING.
    static func string(_ s: String) -> SNMPValue { .octetString(Array(s.utf8)) }
}

/// The SNMP error-status values an agent answers with (RFC 3416).
public enum SNMPErrorStatus: Int32, Sendable, CustomStringConvertible {
    case noError = 0
    case wrongType = 7
    case wrongLength = 8
    case wrongValue = 10
    case noCreation = 11
    case inconsistentValue = 12
    case resourceUnavailable = 13
    case commitFailed = 14
    case notWritable = 17

    public var description: String {
        switch self {
        case .noError: "noError"
        case .wrongType: "wrongType"
        case .wrongLength: "wrongLength"
        case .wrongValue: "wrongValue"
        case .noCreation: "noCreation"
        case .inconsistentValue: "inconsistentValue"
        case .resourceUnavailable: "resourceUnavailable"
        case .commitFailed: "commitFailed"
        case .notWritable: "notWritable"
        }
    }
}
