import CNetSNMPClient
import Foundation
import LoopSentryCore
import Synchronization

/// Why an SNMP request did not give the values asked for, as the tail of a failure line.
public enum SNMPRequestError: Error, Equatable, CustomStringConvertible {
    /// The session could not be opened (unknown host, SNMPv3 discovery timeout or refusal).
    case open(String)
    /// No answer within timeout × (retries + 1).
    case timeout(milliseconds: Int, retries: Int)
    /// The library failed to send or to decode (e.g. an authentication failure).
    case library(String)
    /// The agent answered with an error-status; `oid` is the varbind error-index names.
    case errorStatus(Int, oid: SNMPObjectID?)
    /// A varbind came back as noSuchObject / noSuchInstance / endOfMibView, or with the wrong type.
    case value(String, oid: SNMPObjectID)

    public var description: String {
        switch self {
        case .open(let m): return m
        case .timeout(let ms, let r): return "timeout (no response in \(ms) ms × \(r + 1) \(r == 0 ? "try" : "tries"))"
        case .library(let m): return m
        case .errorStatus(let s, _): return SNMPCutObjects.errorStatusName(s)
        case .value(let m, _): return m
        }
    }
}

/// Net-SNMP's `oid` (an arc), named apart from the many local `oid` variables.
private typealias NetSNMPOID = CNetSNMPClient.oid

extension SNMPCutTarget {
    /// The timeout error when the library's message reports one (SNMPv3 engine discovery times
    /// out inside `snmp_sess_open` or the first exchange and surfaces as a message, not a status).
    func timeout(ifIn message: String) -> SNMPRequestError? {
        message.lowercased().contains("timeout") ? .timeout(milliseconds: timeoutMilliseconds, retries: retries) : nil
    }
}

/// One value read or written: an INTEGER or an OCTET STRING.
public enum SNMPClientValue: Equatable, Sendable {
    case integer(Int)
    case octets([UInt8])
}

/// Owns one Net-SNMP client session (`snmp_sess_open`, closed with `ls_client_close` in
/// `deinit`). Requests go through `exchange`, the one funnel for the client library's calls.
/// Create, use and drop a session inside `SNMPClientSession.exclusively`: the single-session API
/// keeps per-session state apart, but the USM user list the sessions share is not locked by the
/// library, and closing a v3 session removes its user from that list.
final class SNMPClientSession {
    private let handle: UnsafeMutableRawPointer
    let target: SNMPCutTarget
    private static let libraryLock = Mutex(())

    /// Runs `body` while no other client session of the process is open.
    static func exclusively<E: Error>(_ body: () throws(E) -> Void) throws(E) {
        try libraryLock.withLock { _ throws(E) in try body() }
    }

    /// Opens a session to `target` with `credentials` (`ls_client_open`; SNMPv3 discovers the
    /// agent's engine here, so an unreachable v3 agent fails at open).
    init(target: SNMPCutTarget, credentials: SNMPCredentials) throws(SNMPRequestError) {
        self.target = target
        ls_client_init()
        var error = [CChar](repeating: 0, count: 512)
        let opened: UnsafeMutableRawPointer? = withConfig(target, credentials) { config in
            withUnsafePointer(to: config) { ls_client_open($0, &error, error.count) }
        }
        guard let opened else {
            let message = Self.text(error)
            throw target.timeout(ifIn: message) ?? .open(message.isEmpty ? "snmp_sess_open failed" : message)
        }
        handle = opened
    }

    deinit { ls_client_close(handle) }

    /// GETs `oids` in one PDU; the values in the same order, each failing on its own when the
    /// agent has no such object or instance.
    func get(_ oids: [SNMPObjectID]) throws(SNMPRequestError) -> [Result<SNMPClientValue, SNMPRequestError>] {
        try exchange(LS_SNMP_MSG_GET, oids.map { ($0, nil) })
    }

    /// GETs `oids` in one PDU; any missing value fails the whole read.
    func getAll(_ oids: [SNMPObjectID]) throws(SNMPRequestError) -> [SNMPClientValue] {
        var out: [SNMPClientValue] = []
        for r in try get(oids) { out.append(try r.get()) }
        return out
    }

    /// SETs `varbinds` in one PDU (the agent applies all or none).
    func set(_ varbinds: [(SNMPObjectID, SNMPClientValue)]) throws(SNMPRequestError) {
        for r in try exchange(LS_SNMP_MSG_SET, varbinds.map { ($0.0, $0.1) }) { _ = try r.get() }
    }

    /// The funnel: builds the PDU (`ls_client_pdu`, `ls_client_add`), runs
    /// `snmp_sess_synch_response` (`ls_client_exchange`), maps timeout, library error,
    /// error-status and exception values to `SNMPRequestError`, and frees the response.
    private func exchange(_ command: Int32, _ varbinds: [(SNMPObjectID, SNMPClientValue?)]) throws(SNMPRequestError) -> [Result<SNMPClientValue, SNMPRequestError>] {
        let result: Result<[Result<SNMPClientValue, SNMPRequestError>], SNMPRequestError> = {
            guard let pdu = ls_client_pdu(command) else { return .failure(.library("snmp_pdu_create failed")) }
            for (oid, value) in varbinds {
                let arcs = oid.map { NetSNMPOID($0) }
                arcs.withUnsafeBufferPointer { name in
                    switch value {
                    case nil: ls_client_add(pdu, name.baseAddress, name.count, 0, nil, 0)
                    case .integer(let i)?:
                        var v = CLong(i)
                        ls_client_add(pdu, name.baseAddress, name.count, LS_CLIENT_ASN_INTEGER, &v, MemoryLayout<CLong>.size)
                    case .octets(let bytes)?:
                        bytes.withUnsafeBytes {
                            // A zero-length string still needs a non-NULL pointer (NULL means GET).
                            ls_client_add(pdu, name.baseAddress, name.count, LS_CLIENT_ASN_OCTET_STR,
                                          $0.baseAddress ?? UnsafeRawPointer(name.baseAddress!), bytes.count)
                        }
                    }
                }
            }
            var response: UnsafeMutablePointer<netsnmp_pdu>?
            var error = [CChar](repeating: 0, count: 512)
            let status = ls_client_exchange(handle, pdu, &response, &error, error.count)
            defer { if let response { snmp_free_pdu(response) } }
            if status == LS_STAT_TIMEOUT {
                return .failure(.timeout(milliseconds: target.timeoutMilliseconds, retries: target.retries))
            }
            guard status == LS_STAT_SUCCESS, let response else {
                let message = Self.text(error)
                return .failure(target.timeout(ifIn: message) ?? .library(message))
            }
            let errstat = Int(ls_pdu_errstat(response))
            if errstat != 0 {
                let index = Int(ls_pdu_errindex(response))
                return .failure(.errorStatus(errstat, oid: varbinds.indices.contains(index - 1) ? varbinds[index - 1].0 : nil))
            }
            return .success(Self.values(response, varbinds.map(\.0)))
        }()
        return try result.get()
    }

    /// The NUL-terminated message the shim wrote into `buffer`.
    private static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The response's values in request order; exception values and unexpected types fail.
    private static func values(_ response: UnsafeMutablePointer<netsnmp_pdu>, _ oids: [SNMPObjectID]) -> [Result<SNMPClientValue, SNMPRequestError>] {
        var vb = ls_pdu_variables(response)
        return oids.map { oid in
            guard let v = vb?.pointee else { return .failure(.value("response has fewer varbinds than asked", oid: oid)) }
            vb = v.next_variable
            switch v.type {
            case LS_CLIENT_ASN_INTEGER: return .success(.integer(Int(v.val.integer.pointee)))
            case LS_CLIENT_ASN_OCTET_STR: return .success(.octets(Array(UnsafeBufferPointer(start: v.val.string, count: v.val_len))))
            case LS_CLIENT_NOSUCHOBJECT: return .failure(.value("noSuchObject", oid: oid))
            case LS_CLIENT_NOSUCHINSTANCE: return .failure(.value("noSuchInstance", oid: oid))
            case LS_CLIENT_ENDOFMIBVIEW: return .failure(.value("endOfMibView", oid: oid))
            default: return .failure(.value("unexpected value type \(v.type)", oid: oid))
            }
        }
    }
}

/// Calls `body` with the shim's session configuration; the C strings live for the call.
private func withConfig<R>(_ target: SNMPCutTarget, _ c: SNMPCredentials, _ body: (ls_client_config) -> R) -> R {
    let auth: Int32 = switch c.authProtocol {
    case nil: 0
    case .md5?: 1
    case .sha?: 2
    case .sha224?: 3
    case .sha256?: 4
    case .sha384?: 5
    case .sha512?: 6
    }
    let priv: Int32 = switch c.privProtocol {
    case nil: 0
    case .des?: 1
    case .aes?: 2
    case .aes192?: 3
    case .aes256?: 4
    }
    let level = c.securityLevel
    return target.address.withCString { peer in
        (c.community ?? "").withCString { community in
            (c.user ?? "").withCString { user in
                (c.context ?? "").withCString { context in
                    (c.authPassphrase ?? "").withCString { authPass in
                        (c.privPassphrase ?? "").withCString { privPass in
                            body(ls_client_config(
                                peer: peer, version: c.version == .v3 ? 3 : 2, community: community, user: user,
                                context: context, auth: level == .noAuthNoPriv ? 0 : auth, auth_passphrase: authPass,
                                priv: level == .authPriv ? priv : 0, priv_passphrase: privPass,
                                timeout_us: target.timeoutMilliseconds * 1000, retries: Int32(target.retries)))
                        }
                    }
                }
            }
        }
    }
}
