import Foundation
import Logging
import LoopSentryConfig
import LoopSentryCore
import ServiceLifecycle

/// `loopsentry run`: the daemon as a group of services (swift-service-lifecycle). Each part is a
/// service: the journal, the NOC sinks, the sensors, the main loop (which owns the coordinator),
/// the HTTP servers (portal, metrics; Hummingbird) and the control socket. SIGTERM or SIGINT
/// shuts the group down gracefully, in reverse order: the control socket closes first, then the
/// HTTP servers, then the loop ends, the sensors detach, the sinks close and the journal is
/// checkpointed. A part that fails shuts the group down the same way.
public enum DaemonHost {
    /// Runs the daemon for `config` until SIGTERM/SIGINT; throws one line when it cannot start
    /// or a part fails.
    public static func run(config: Configuration, version: String) throws {
        unblockStopSignals()
        let log = EventLog(sensor: config.sensor.effectiveName)
        let daemon = try Daemon(config: config, version: version, log: log)
        do {
            try daemon.attachSensors()
            try daemon.openSinks()
        } catch {
            daemon.detachSensors()
            daemon.closeSinks()
            daemon.closeJournal()
            throw error
        }
        let quiet = Logger(label: "loopsentry") { _ in SwiftLogNoOpLogHandler() }
        let services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: PartService { daemon.closeJournal() }),
            .init(service: PartService { daemon.closeSinks() }),
            .init(service: PartService { daemon.detachSensors() }),
            .init(service: LoopService(daemon: daemon), successTerminationBehavior: .gracefullyShutdownGroup,
                  failureTerminationBehavior: .gracefullyShutdownGroup),
        ] + daemon.servers.map {
            .init(service: $0, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup)
        } + [
            .init(service: PartService { daemon.closeControl() }),
        ]
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: quiet))
        let failure = Outcome()
        let done = DispatchSemaphore(value: 0)
        Task {
            do { try await group.run() } catch { failure.error = error }
            done.signal()
        }
        done.wait()
        if let error = failure.error { throw error }
    }

    /// A parent may have spawned us with SIGINT/SIGTERM blocked (threads of a Dispatch pool
    /// block them, and the mask is inherited): unblock them, or a stop signal never lands.
    static func unblockStopSignals() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    final class Outcome: @unchecked Sendable { var error: Error? }
}

/// A part of the daemon opened before the group starts: it waits for the graceful shutdown,
/// then closes.
struct PartService: Service {
    let close: @Sendable () -> Void
    func run() async throws {
        try? await gracefulShutdown()
        close()
    }
}

/// The main loop on a thread of its own (it blocks in poll(2) between polls): resumes the
/// journal's incidents, opens the control socket, then polls until the group shuts down.
struct LoopService: Service {
    let daemon: Daemon
    func run() async throws {
        try await withGracefulShutdownHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, Error>) in
                let thread = Thread {
                    do {
                        try daemon.resumeIncidents()
                        try daemon.openControl()
                        try daemon.runLoop()
                        c.resume()
                    } catch {
                        c.resume(throwing: error)
                    }
                }
                thread.name = "ls-main"
                thread.start()
            }
        } onGracefulShutdown: {
            daemon.inbox.push(.stop)
        }
    }
}
