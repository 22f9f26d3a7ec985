import CNftables
import Foundation
import Glibc
import LoopSentrySystem

/// An nftables context (`struct nft_ctx`) bound to one network namespace, with buffered output
/// and error text. It owns the handle and frees it in `deinit`. Not thread-safe: one user at a
/// time (the driver serializes). Its netlink socket is opened in `nft_ctx_new`, inside the
/// namespace; the calling thread is moved back at once.
final class NftablesContext {
    private let ctx: OpaquePointer

    /// Opens a context in namespace `netns` (nil: this thread's namespace). Throws a one-line error
    /// naming the namespace or the C call.
    init(netns: String?) throws(NftablesError) {
        guard let made = try Self.inNamespace(netns, { nft_ctx_new(UInt32(NFT_CTX_DEFAULT)) }) else {
            throw NftablesError(message: "nft_ctx_new failed")
        }
        ctx = made
        _ = nft_ctx_buffer_output(ctx)
        _ = nft_ctx_buffer_error(ctx)
    }

    /// Runs `body` on this thread inside namespace `netns` (nil: where it is) and moves the thread
    /// back at once: sockets `body` opens stay in that namespace.
    static func inNamespace<T>(_ netns: String?, _ body: () -> T) throws(NftablesError) -> T {
        guard let netns else { return body() }
        guard !netns.isEmpty, !netns.contains("/"), netns != ".", netns != ".." else {
            throw NftablesError(message: "bad network namespace name '\(netns)'")
        }
        let target = ls_nft_open_netns(netns)
        guard target >= 0 else {
            let e = errno
            throw NftablesError(message: e == ENOENT ? "network namespace \(netns) does not exist"
                                                     : SystemCallError("open netns \(netns)", errno: e).description)
        }
        defer { close(target) }
        let back = ls_nft_open_current_netns()
        guard back >= 0 else { throw NftablesError(message: SystemCallError("open /proc/thread-self/ns/net", errno: errno).description) }
        let rc = ls_nft_setns(target)
        guard rc == 0 else {
            close(back)
            throw NftablesError(message: SystemCallError("setns(\(netns))", errno: -rc).description)
        }
        let result = body()
        let backRC = ls_nft_setns(back)
        close(back)
        // A thread that cannot return to its namespace must not run anything else.
        precondition(backRC == 0, "\(SystemCallError("setns back to the original network namespace", errno: -backRC))")
        return result
    }

    /// What `port` is in namespace `netns`: a bridge port, another interface, or absent; read with
    /// `ls_nft_link_slave_kind` (one RTM_GETLINK).
    static func portKind(_ port: String, netns: String?) throws(NftablesError) -> NftablesPortKind {
        var kind = [CChar](repeating: 0, count: 32)
        let rc = try inNamespace(netns) { ls_nft_link_slave_kind(port, &kind, kind.count) }
        if rc == -ENODEV { return .absent }
        guard rc == 0 else { throw NftablesError(message: SystemCallError("RTM_GETLINK \(port)", errno: -rc).description) }
        let slaveKind = String(decoding: kind.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return slaveKind == "bridge" ? .bridgePort : .other
    }

    deinit { nft_ctx_free(ctx) }

    /// Runs `commands` (one nftables transaction) with `nft_run_cmd_from_buffer`; returns the
    /// output, or throws the error text in one line, e.g.
    /// "nft: Error: Could not process rule: No such file or directory".
    func run(_ commands: String, json: Bool = false) throws(NftablesError) -> String {
        nft_ctx_output_set_flags(ctx, json ? ls_nft_output_json_handles : 0)
        let rc = nft_run_cmd_from_buffer(ctx, commands)
        let output = nft_ctx_get_output_buffer(ctx).map { String(cString: $0) } ?? ""
        guard rc == 0 else {
            let text = nft_ctx_get_error_buffer(ctx).map { String(cString: $0) } ?? ""
            let first = text.split(separator: "\n").first { $0.contains("Error") }.map(String.init)
                ?? text.split(separator: "\n").first.map(String.init) ?? "nft_run_cmd_from_buffer returned \(rc)"
            throw NftablesError(message: "nft: \(first.trimmingCharacters(in: .whitespaces))")
        }
        return output
    }
}

/// What a port is, for the driver's choice of family.
enum NftablesPortKind: Equatable {
    case bridgePort
    case other
    case absent
}

/// A failure of the nftables driver, in one line.
public struct NftablesError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
