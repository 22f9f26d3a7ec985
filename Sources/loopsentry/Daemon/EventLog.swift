import Foundation
import LoopSentryCore

/// The daemon's own record of what happens, one JSON object per line on stdout (journald keeps
/// it under systemd): detections, notifications, transitions, actions, playbook runs. Tests and
/// the demo read it; operators can grep it.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }()

    struct Entry: Encodable {
        var event: String
        var time: String
        var monotonicNanos: UInt64
        var interface: String?
        var vlan: Int?
        var tenant: String?
        var state: String?
        var incident: UInt64?
        var rate: Double?
        var threshold: Double?
        var detail: String?
        var author: String?

        enum CodingKeys: String, CodingKey {
            case event, time, interface, vlan, tenant, state, incident, rate, threshold, detail, author
            case monotonicNanos = "monotonic_ns"
        }
    }

    func write(_ event: String, interface: String? = nil, vlan: Int? = nil, tenant: String? = nil, state: String? = nil,
               incident: UInt64? = nil, rate: Double? = nil, threshold: Double? = nil, detail: String? = nil,
               author: String? = nil, at: UInt64) {
        let entry = Entry(event: event, time: Self.now(), monotonicNanos: at, interface: interface, vlan: vlan, tenant: tenant,
                          state: state, incident: incident, rate: rate.map { $0.rounded() }, threshold: threshold,
                          detail: detail, author: author)
        guard var data = try? encoder.encode(entry) else { return }
        data.append(0x0a)
        lock.withLock { FileHandle.standardOutput.write(data) }
    }

    static func now() -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: Date())
    }
}
