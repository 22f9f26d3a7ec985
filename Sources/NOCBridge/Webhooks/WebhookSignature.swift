import CLoopSentryTLS
import Foundation

/// The `LoopSentry-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`
/// with the tenant's secret. A receiver recomputes it and rejects a `t` more than five minutes
/// from its own clock (docs/webhooks.md).
public enum WebhookSignature {
    public static let header = "LoopSentry-Signature"
    public static let deliveryHeader = "LoopSentry-Delivery"

    /// The header's value for `body` sent at `timestamp` (unix seconds).
    public static func value(secret: [UInt8], timestamp: Int64, body: [UInt8]) -> String {
        "t=\(timestamp),v1=\(hex(hmacSHA256(key: secret, message: Array("\(timestamp).".utf8) + body)))"
    }

    /// HMAC-SHA256 through the OpenSSL shim (32 bytes; all zeros only if OpenSSL failed).
    public static func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        let rc = key.withUnsafeBytes { k in
            message.withUnsafeBytes { m in
                out.withUnsafeMutableBufferPointer { o in
                    ls_hmac_sha256(k.baseAddress, k.count, m.baseAddress, m.count, o.baseAddress)
                }
            }
        }
        precondition(rc == 0, "HMAC-SHA256 failed in OpenSSL")
        return out
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        var s = ""
        s.reserveCapacity(bytes.count * 2)
        for b in bytes {
            s.append(digits[Int(b >> 4)])
            s.append(digits[Int(b & 0x0f)])
        }
        return s
    }
}
