import Foundation
import Glibc
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One signed POST at a time with a hard timeout, for one delivery lane's thread: http:// through
/// Foundation's URLSession (libcurl underneath on Linux), https:// through OpenSSL
/// (`postTLS`, which can trust a private CA). `cancel` ends the request in flight.
final class WebhookHTTPClient: @unchecked Sendable {
    private let session: URLSession
    private let lock = NSLock()
    private var current: URLSessionDataTask?
    private var currentSocket: SyslogSocket?
    private var cancelled = false
    /// The lane's TLS context, made at its first https request (a lane has one URL, one CA file).
    private var context: SyslogTLSContext?

    init() {
        let c = URLSessionConfiguration.ephemeral
        c.urlCache = nil
        c.httpCookieStorage = nil
        c.requestCachePolicy = .reloadIgnoringLocalCacheData
        session = URLSession(configuration: c)
    }

    /// POSTs `body` to `url` with `headers`; nil on a 2xx answer within `timeout` seconds, else
    /// the failure in one line.
    func post(url: URL, caFile: String? = nil, headers: [String: String], body: Data, timeout: Double) -> String? {
        if url.scheme?.lowercased() == "https" {
            return postTLS(url: url, caFile: caFile, headers: headers, body: body, timeout: timeout)
        }
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
        let done = DispatchSemaphore(value: 0)
        let outcome = Outcome()
        let task = session.dataTask(with: request) { _, response, error in
            if let error {
                outcome.failure = (error as? URLError)?.code == .timedOut ? "timed out after \(Self.seconds(timeout))" : "\(error.localizedDescription)"
            } else if let status = (response as? HTTPURLResponse)?.statusCode {
                outcome.failure = (200..<300).contains(status) ? nil : "HTTP \(status)"
            } else {
                outcome.failure = "no HTTP response"
            }
            done.signal()
        }
        lock.withLock { current = task }
        task.resume()
        defer { lock.withLock { current = nil } }
        guard done.wait(timeout: .now() + timeout) == .success else {
            task.cancel()
            _ = done.wait(timeout: .now() + 2)
            return "timed out after \(Self.seconds(timeout))"
        }
        return outcome.failure
    }

    /// Cancels the request in flight, if any, and refuses new ones (at shutdown).
    func cancel() {
        lock.withLock {
            cancelled = true
            current?.cancel()
            if let fd = currentSocket?.fd { _ = Glibc.shutdown(fd, Int32(SHUT_RDWR)) }
        }
    }

    /// Remembers the socket of the https request in flight so `cancel` can end it; false once
    /// cancelled.
    @discardableResult
    func track(_ socket: SyslogSocket?) -> Bool {
        lock.withLock {
            currentSocket = socket
            return !cancelled
        }
    }

    /// The lane's TLS context for `caFile` (nil: the system trust store), made once.
    func tlsContext(caFile: String?) throws(SyslogTransportError) -> SyslogTLSContext {
        if let context { return context }
        let made = try SyslogTLSContext(SyslogTLSSettings(caFile: caFile))
        context = made
        return made
    }

    func invalidate() { session.invalidateAndCancel() }

    static func seconds(_ t: Double) -> String { t == t.rounded() ? "\(Int(t)) s" : "\(t) s" }

    final class Outcome: @unchecked Sendable { var failure: String? = "no answer" }
}
