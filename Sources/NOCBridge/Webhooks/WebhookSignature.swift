import Foundation

/// The `LoopSentry-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`
/// with the tenant's secret. A receiver recomputes it and rejects a `t` more than five minutes
/// from its own clock (docs/webhooks.md).
public enum WebhookSignature {
    public static let header = "LoopSentry-Signature"
    public static let deliveryHeader = "LoopSentry-Delivery"

    /// The header's value for `body` sent at `timestamp` (unix seconds).
    public static func value(secret: [UInt8], timestamp: Int64, body: [UInt8]) -> String {
        "t=\(timestamp),v1=\(hex(OpenSSLHMAC.sha256(key: secret, message: Array("\(timestamp).".utf8) + body)))"
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
