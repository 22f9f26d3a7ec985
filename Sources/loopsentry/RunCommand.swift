import ArgumentParser
import Foundation
import LoopSentryConfig
import LoopSentryDaemon

/// `loopsentry run --config FILE`: the daemon.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the daemon: sensors, detection, incidents, remediation, SNMP, syslog, control socket.")

    @Option(name: .long, help: "The YAML configuration file.")
    var config: String

    func run() throws {
        let configuration: Configuration
        do {
            configuration = try ConfigLoader.load(path: config)
        } catch {
            for e in error.errors.dropLast() { FileHandle.standardError.write(Data("loopsentry: \(config): \(e)\n".utf8)) }
            throw RuntimeFailure("\(config): \(error.errors.last!)")
        }
        try DaemonHost.run(config: configuration, version: LoopSentryCommand.configuration.version)
    }
}
