import Foundation

/// Reads what was appended to a file since the last call (the trap log, the syslog file, the
/// daemon's event lines), so the demo can print things as they arrive.
final class FileTail {
    let path: String
    private var offset: UInt64 = 0
    private var partial = ""

    init(_ path: String) { self.path = path }

    func newLines() -> [String] {
        guard let h = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? h.close() }
        try? h.seek(toOffset: offset)
        let data = h.readDataToEndOfFile()
        offset += UInt64(data.count)
        let text = partial + String(decoding: data, as: UTF8.self)
        var lines = text.components(separatedBy: "\n")
        partial = lines.removeLast()
        return lines.filter { !$0.isEmpty }
    }
}

/// The daemon's JSON event lines, accumulated.
final class DaemonEvents {
    let tail: FileTail
    private(set) var all: [[String: Any]] = []

    init(_ path: String) { tail = FileTail(path) }

    @discardableResult
    func refresh() -> [[String: Any]] {
        let fresh = tail.newLines().compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
        all += fresh
        return fresh
    }

    func notifications(_ kind: String, vlan: Int) -> [[String: Any]] {
        all.filter { $0["event"] as? String == "notification" && $0["vlan"] as? Int == vlan
            && ($0["detail"] as? String)?.hasPrefix("\(kind):") == true }
    }

    func count(_ event: String, vlan: Int? = nil) -> Int {
        all.filter { $0["event"] as? String == event && (vlan == nil || $0["vlan"] as? Int == vlan) }.count
    }
}
