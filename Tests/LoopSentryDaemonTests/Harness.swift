import Foundation
import LoopSentryConfig
import LoopSentryCore
import LoopSentryDaemon
import Remediate
import Testing

/// A coordinator and the shell's part, played in memory on a manual clock (seconds): a `journal`
/// effect is written to `journal` and answered with `journalWritten` (failing with
/// `journalFailure` while it is set); a `startBatch` has its runs journaled (or, while the journal
/// fails, is reported finished with that failure at once) and is kept in `running` until the
/// test finishes it with `finish`, which reports `batchFinished` and services the scheduler, as
/// the shell's inbox does. Every call returns the effects in the order the shell carries them
/// out, the answers to journal writes right after the write.
struct Harness {
    var coordinator: Coordinator
    /// Every journal write, in order.
    var journal: [Journal.Write] = []
    /// Batches started and not finished.
    var running: [BatchStart] = []
    /// While set, every journal write fails with this reason.
    var journalFailure: String?
    private var nextRun: Int64 = 1
    private var runsOf: [Int: [Int64]] = [:]

    /// A coordinator for `config` (interfaces get ifindex 7, 8, … in order), created at `seconds`.
    init(_ config: Configuration = Fixture.configuration(), nextIncidentID: UInt64 = 1, at seconds: Double = 0) {
        let ifIndexes = Dictionary(uniqueKeysWithValues: config.interfaces.enumerated().map { ($1.name, Int32(7 + $0)) })
        coordinator = Coordinator(config: config, ifIndexes: ifIndexes, nextIncidentID: nextIncidentID, wall: wall(seconds))
    }

    mutating func poll(at seconds: Double, _ broadcast: [Int: Double] = [:], multicast: [Int: Double] = [:],
                       probeReturns: [Int: UInt64] = [:], interface: String = "trunk0") -> [Effect] {
        let p = interfacePoll(at: seconds, broadcast: broadcast, multicast: multicast, probeReturns: probeReturns,
                              interface: interface)
        return play(coordinator.poll([p], now: t(seconds), wall: wall(seconds)), at: seconds)
    }

    /// Polls every 100 ms from `from` up to `to` inclusive with the same rates; all their effects.
    mutating func polls(from: Double, to: Double, _ broadcast: [Int: Double] = [:], multicast: [Int: Double] = [:]) -> [Effect] {
        let steps = Int(((to - from) * 10).rounded())
        return (0...steps).flatMap { poll(at: from + Double($0) / 10, broadcast, multicast: multicast) }
    }

    /// A storm of `rate` broadcast frames/s on `vlan`, in polls every 100 ms from `from` (the
    /// first poll of the interface) to the one that detects it 300 ms later; returns that poll's
    /// effects (the polls before it have none).
    mutating func storm(_ vlan: Int, rate: Double = 5000, from: Double = 1.0) -> [Effect] {
        let rising = polls(from: from, to: from + 0.2, [vlan: rate])
        #expect(rising.isEmpty)
        return poll(at: from + 0.3, [vlan: rate])
    }

    mutating func tick(at seconds: Double) -> [Effect] {
        play(coordinator.tick(now: t(seconds), wall: wall(seconds)), at: seconds)
    }

    mutating func service(at seconds: Double) -> [Effect] {
        play(coordinator.service(now: t(seconds), wall: wall(seconds)), at: seconds)
    }

    mutating func request(_ command: OperatorCommand, at seconds: Double) -> (ControlResponse, [Effect]) {
        let (response, effects) = coordinator.request(command, now: t(seconds), wall: wall(seconds))
        return (response, play(effects, at: seconds))
    }

    /// An operator's `action` on `vlan` of `interface`, by alice through the CLI.
    mutating func operator_(_ action: OperatorAction, _ vlan: Int, on interface: String = "trunk0",
                            at seconds: Double) -> (ControlResponse, [Effect]) {
        request(.action(action, interface: interface, vlan: vlan, author: "alice", via: "cli"), at: seconds)
    }

    /// The running batch `id` ends with `outcome` at `seconds` (then the scheduler is serviced).
    mutating func finish(_ id: Int, _ outcome: CutOutcome, at seconds: Double) -> [Effect] {
        running.removeAll { $0.id == id }
        let finished = coordinator.batchFinished(id: id, runs: runsOf[id] ?? [], outcome, now: t(seconds), wall: wall(seconds))
        return play(finished, at: seconds) + service(at: seconds)
    }

    /// The running batch `id` succeeds at `seconds`.
    mutating func succeed(_ id: Int, _ detail: String = "nftables: 1 rule(s) changed", at seconds: Double) -> [Effect] {
        finish(id, CutOutcome(changed: true, detail: detail, duration: .zero), at: seconds)
    }

    /// Every VLAN of the running batch `id` fails with `reason` at `seconds`.
    mutating func fail(_ id: Int, _ reason: String = "device refused the change", at seconds: Double) -> [Effect] {
        let batch = running.first { $0.id == id }!.batch
        return finish(id, .failed(batch, reason), at: seconds)
    }

    mutating func interfaceChecked(_ interface: String, _ check: InterfaceCheck, at seconds: Double) -> [Effect] {
        play(coordinator.interfaceChecked(interface, check, now: t(seconds)), at: seconds)
    }

    mutating func resume(_ open: [JournalIncident], unsaved: Set<UInt64> = [], at seconds: Double) -> [Effect] {
        play(coordinator.resume(open, unsaved: unsaved, now: t(seconds), wall: wall(seconds)), at: seconds)
    }

    /// The journal's open incidents as it would hand them to the next process: each opened
    /// incident with the state and snapshot of its last transition, closed ones left out.
    var openIncidents: [JournalIncident] {
        var open: [UInt64: JournalIncident] = [:]
        for w in journal {
            switch w {
            case let .openIncident(i): open[i.id] = i
            case let .transition(id, _, _, to, _, _, snapshot, closed):
                open[id]?.state = to
                open[id]?.snapshot = snapshot
                if closed { open[id] = nil }
            default: break
            }
        }
        return open.values.sorted { $0.id < $1.id }
    }

    /// Carries out `effects` as the shell does and returns them with the answers to journal writes.
    mutating func play(_ effects: [Effect], at seconds: Double) -> [Effect] {
        var out: [Effect] = []
        for effect in effects {
            out.append(effect)
            switch effect {
            case let .journal(writes):
                journal += writes
                out += play(coordinator.journalWritten(writes, succeeded: journalFailure == nil,
                                                       reason: journalFailure ?? "", now: t(seconds)), at: seconds)
            case let .startBatch(start):
                // The runs are journaled before the driver starts; a batch they cannot be written
                // for does not start and is reported finished with the journal's failure.
                if let reason = journalFailure {
                    out += play(coordinator.journalWritten([], succeeded: false, reason: reason, now: t(seconds)), at: seconds)
                    let outcome = CutOutcome.failed(start.batch, "journal cannot be written: \(start.work.rawValue) not started")
                    out += play(coordinator.batchFinished(id: start.id, runs: start.runs.map { _ in -1 }, outcome,
                                                          now: t(seconds), wall: wall(seconds)), at: seconds)
                    out += service(at: seconds)
                    continue
                }
                // The start line is logged once the runs are journaled, before the driver starts.
                out.removeLast()
                out.append(.record(start.started))
                out.append(effect)
                out += play(coordinator.journalWritten([], succeeded: true, now: t(seconds)), at: seconds)
                runsOf[start.id] = start.runs.map { _ in defer { nextRun += 1 }; return nextRun }
                running.append(start)
            default:
                break
            }
        }
        return out
    }
}

/// The effects as one line each: what the shell does, with the incident, state and figures that
/// matter, without the clock-dependent details (dates, snapshots).
func trace(_ effects: [Effect]) -> [String] { effects.map(\.line) }

extension Effect {
    var line: String {
        switch self {
        case let .journal(writes): "journal " + writes.map(\.line).joined(separator: ", ")
        case let .record(r): "record " + r.line
        case let .notify(n, incident, _): "notify \(n.kind) #\(incident) \(n.state)"
        case let .operatorAction(a):
            "operatorAction \(a.action) \(a.key) \(a.incident.map { "#\($0) " } ?? "")\(a.state) by \(a.author): \(a.result)"
        case let .startBatch(b): "startBatch \(b.id) \(b.work) \(b.driver) VLANs \(b.batch.vlans.map(String.init).joined(separator: ","))"
        case let .probeSoon(interface, segment, at): "probeSoon \(interface) \(segment) at \(seconds(at))"
        case .publish: "publish"
        case .pollSoon: "pollSoon"
        case let .wake(at): "wake \(seconds(at))"
        case let .alarm(line): "alarm \(line)"
        }
    }
}

extension Journal.Write {
    var line: String {
        switch self {
        case let .openIncident(i): "open #\(i.id) \(i.interface)/\(i.vlan) \(i.tenant.isEmpty ? "-" : i.tenant) \(i.policy)"
        case let .transition(id, _, from, to, cause, _, _, closed): "#\(id) \(from)→\(to) (\(cause))\(closed ? " closed" : "")"
        case let .finishRun(run, _, ok, _, _, _): "run \(run) \(ok ? "succeeded" : "failed")"
        case let .action(a): "action \(a.action) \(a.accepted ? "accepted" : "refused") #\(a.incidentID.map(String.init) ?? "-")"
        case let .note(id, _, state, cause, detail): "note #\(id) \(state) \(cause): \(detail)"
        }
    }
}

extension EventRecord {
    var line: String {
        var s = event
        if let interface { s += " \(interface)\(vlan.map { "/\($0)" } ?? "")" }
        if let incident { s += " #\(incident)" }
        switch event {
        case "transition": s += " \(from ?? "?")→\(state ?? "?")"
        case "notification": s += " \(notification ?? "?")"
        default: if let detail { s += ": \(detail)" }
        }
        return s
    }
}

/// `at` nanoseconds as seconds on the manual clock.
func seconds(_ at: UInt64) -> String { "\(Double(at) / 1e9)" }

/// The records among `effects`.
func records(_ effects: [Effect]) -> [EventRecord] {
    effects.compactMap { if case let .record(r) = $0 { r } else { nil } }
}

/// The notifications among `effects`.
func notifications(_ effects: [Effect]) -> [NOCNotification] {
    effects.compactMap { if case let .notify(n, _, _) = $0 { n } else { nil } }
}
