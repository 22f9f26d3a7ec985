import Foundation
import LoopSentryCore
import LoopSentrySystem
import Remediate
import Sensor

extension Daemon {
    /// Runs until the inbox brings `.stop`.
    func runLoop() throws {
        let step = UInt64(config.sensor.pollIntervalMilliseconds) * 1_000_000
        var next = MonotonicClock.nanos() + step
        var lastPublish: UInt64 = 0
        var lastAttachCheck: UInt64 = 0
        while true {
            let now0 = MonotonicClock.nanos()
            let until = min(next, wakeAt ?? .max)
            if until > now0, inbox.wait(nanos: until - now0) {
                guard serviceInbox() else { return }
                // A cut just finished: read the counters now, so the next regular poll's interval
                // lies wholly after the cut and can verify it.
                if pollSoon {
                    pollSoon = false
                    next = MonotonicClock.nanos()
                }
                publishIfDue()
                continue
            }
            let now = MonotonicClock.nanos()
            if let w = wakeAt, w <= now, now < next {
                wakeAt = nil
                perform(coordinator.tick(now: now, wall: Self.wallNow()))
                publishIfDue()
                continue
            }
            next += step
            if next < now { next = now + step }
            try pollOnce()
            if let w = wakeAt, w <= now { wakeAt = nil }   // the poll ticked the incidents
            guard serviceInbox() else { return }
            if now - lastAttachCheck >= 1_000_000_000 {
                checkAttachments()
                lastAttachCheck = now
            }
            // Twice a second, and at once after a state change: an NMS (and the SET validator,
            // which checks the row's state) must not act on a state the daemon has left.
            if now - lastPublish >= 500_000_000 || publishDue {
                publishDue = true
                publishIfDue()
                var extra = sinks.extra(uptimeSeconds: Double(now - startedAt) / 1e9, openIncidents: coordinator.book.machines.count)
                extra.journalWritable = coordinator.journalHealth.allowsCuts
                sinks.metrics?.update(extra: extra)
                lastPublish = now
            }
        }
    }

    /// One poll: read every sensor, hand the counters to the coordinator.
    func pollOnce() throws {
        var polls: [InterfacePoll] = []
        for (i, pipeline) in sensors {
            let p = try pipeline.read()
            var poll = InterfacePoll(interface: i.name, at: p.snapshot.monotonicNanos, rates: p.rates, pairRates: p.pairRates,
                                     probeReturns: p.probeReturns, probes: p.snapshot.probes, vniRates: p.vniRates)
            poll.vniProbes = p.snapshot.vniProbes
            polls.append(poll)
        }
        perform(coordinator.poll(polls, now: MonotonicClock.nanos(), wall: Self.wallNow()))
    }

    /// Takes everything the inbox holds; false once it brought `.stop`.
    func serviceInbox() -> Bool {
        var running = true
        for item in inbox.drain() {
            let now = MonotonicClock.nanos()
            switch item {
            case let .status(reply):
                reply.fill(coordinator.status(interfaces: sensors.count))
            case let .command(command, reply):
                let (response, effects) = coordinator.request(command, now: now, wall: Self.wallNow())
                perform(effects)
                reply.fill(response)
            case let .batchFinished(id, runs, outcome):
                perform(coordinator.batchFinished(id: id, runs: runs, outcome, now: now, wall: Self.wallNow()))
                perform(coordinator.service(now: now, wall: Self.wallNow()))
            case .stop:
                running = false
            }
        }
        return running
    }

    /// Once a second: an interface that disappeared is reported; when it comes back the same
    /// program (same maps) is attached again and detection goes on.
    func checkAttachments() {
        for (i, p) in sensors {
            let check = (try? NetworkNamespace.run(in: i.netns) { p.session.ensureAttached() }) ?? .interfaceGone
            let c: InterfaceCheck
            switch check {
            case .inPlace: c = .inPlace
            case .interfaceGone: c = .gone
            case let .reattached(ifindex): c = .reattached(ifIndex: ifindex)
            }
            perform(coordinator.interfaceChecked(i.name, c, now: MonotonicClock.nanos()))
        }
    }

    func publishIfDue() {
        guard publishDue else { return }
        publishDue = false
        sinks.publish(coordinator.board.sortedRows)
    }

    /// Carries out `effects` in order. A journal write's outcome goes back to the coordinator
    /// (its alarm, and no cut while the journal cannot be written).
    func perform(_ effects: [Effect]) {
        for effect in effects {
            switch effect {
            case let .journal(writes):
                let now = MonotonicClock.nanos()
                do {
                    try journal.write(writes)
                    perform(coordinator.journalWritten(writes, succeeded: true, now: now))
                } catch {
                    perform(coordinator.journalWritten(writes, succeeded: false, reason: Self.reason(error), now: now))
                }
            case let .record(r):
                log.write(r)
            case let .notify(n, incident, detail):
                sinks.notify(n, incident: incident, detail: detail, now: MonotonicClock.nanos())
            case let .operatorAction(notice):
                sinks.action(notice)
            case let .startBatch(start):
                startBatch(start)
            case let .probeSoon(interface, segment, at):
                sensors.first { $0.config.name == interface }?.pipeline.probeSoon(segment, now: at)
            case .publish:
                publishDue = true
            case .pollSoon:
                pollSoon = true
            case let .wake(at):
                wakeAt = min(wakeAt ?? .max, at)
            case let .alarm(line):
                FileHandle.standardError.write(Data("loopsentry: \(line)\n".utf8))
            }
        }
    }

    /// Journals the batch's runs, logs its start, then starts it. A batch whose runs cannot be
    /// journaled does not start: after a crash nobody could tell it ran.
    func startBatch(_ start: BatchStart) {
        let now = MonotonicClock.nanos()
        do {
            let runs = try journal.startRuns(start.runs)
            perform(coordinator.journalWritten([], succeeded: true, now: now))
            log.write(start.started)
            drivers.start(start, runs: runs)
        } catch {
            perform(coordinator.journalWritten([], succeeded: false, reason: Self.reason(error), now: now))
            let outcome = CutOutcome.failed(start.batch, "journal cannot be written: \(start.work.rawValue) not started")
            inbox.push(.batchFinished(id: start.id, runs: start.runs.map { _ in -1 }, outcome))
        }
    }

    /// GRDB: "SQLite error 13: database or disk is full - while executing `...`": keep the cause.
    static func reason(_ error: Error) -> String {
        String(describing: error).components(separatedBy: " - while executing").first ?? "\(error)"
    }
}
