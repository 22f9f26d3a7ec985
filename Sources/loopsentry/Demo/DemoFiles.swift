import Foundation
import LoopSentryCore

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

/// The daemon's event lines, decoded and accumulated.
final class DaemonEvents {
    let tail: FileTail
    private let decoder = JSONDecoder()
    private(set) var all: [EventRecord] = []

    init(_ path: String) { tail = FileTail(path) }

    @discardableResult
    func refresh() -> [EventRecord] {
        let fresh = tail.newLines().compactMap { try? decoder.decode(EventRecord.self, from: Data($0.utf8)) }
        all += fresh
        return fresh
    }

    func notifications(_ kind: String, vlan: Int) -> [EventRecord] {
        all.filter { $0.event == "notification" && $0.vlan == vlan && $0.notification == kind }
    }

    func notifications(_ kind: String, vni: Int) -> [EventRecord] {
        all.filter { $0.event == "notification" && $0.vni == vni && $0.notification == kind }
    }

    func count(_ event: String, vlan: Int? = nil) -> Int {
        all.filter { $0.event == event && (vlan == nil || $0.vlan == vlan) }.count
    }
}
