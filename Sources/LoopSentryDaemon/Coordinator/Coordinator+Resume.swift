import Foundation
import LoopSentryConfig
import LoopSentryCore
import Remediate

extension Coordinator {
    /// The journal's open incidents at start: each is re-opened in the book (see
    /// `IncidentStateMachine.restoring` for the rule) and its resume actions carried out. A native
    /// cut the tenant's playbook has not yet saved (`unsaved`: the journal's answer) is saved now.
    /// The shell waits for leftover playbook runs of the previous process before calling this.
    public mutating func resume(_ open: [JournalIncident], unsaved: Set<UInt64>, now: UInt64, wall: UTCTimestamp) -> [Effect] {
        knownIncidents.formUnion(open.map(\.id))
        let decoder = JSONDecoder()
        let snapshots = open.compactMap { i in i.snapshot.flatMap { try? decoder.decode(IncidentSnapshot.self, from: $0) } }
        guard !snapshots.isEmpty else { return [] }
        var effects: [Effect] = [.record(EventRecord("resumed", at: now, detail: "\(snapshots.count) open incident(s) from the journal"))]
        let actions = book.resume(snapshots, now: now, wallNow: wall)
        for s in snapshots {
            if let key = s.key { board.setState(key, book.incidentState(for: key), at: wall) }
        }
        effects += carryOut(actions, now: now, wall: wall)
        for s in snapshots where s.phase == .cut {
            guard let key = s.key, let (_, r) = policy.target(key), r.persist, unsaved.contains(s.incident) else { continue }
            nativeDone[s.incident] = .cut
            effects.append(.record(EventRecord("persistPending", key: key, at: now, incident: s.incident,
                                               detail: "a native cut was not yet saved by \(r.playbook ?? "-"): running it now")))
            persistIfConfigured(key, incident: s.incident, .cut, now: now)
        }
        return effects + [.publish] + service(now: now, wall: wall)
    }
}
