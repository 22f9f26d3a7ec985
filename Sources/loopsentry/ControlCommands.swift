import ArgumentParser
import Foundation
import LoopSentryConfig
import LoopSentryCore
import LoopSentryDaemon

/// Where the running daemon listens: `--socket`, or the `control.socket` of the configuration
/// given with `--config` (or `LOOPSENTRY_CONFIG`), or the default socket.
struct ControlSocketOption: ParsableArguments {
    static let defaultSocket = "/run/loopsentry/control.sock"

    @Option(name: .long, help: "The daemon's control socket (default: the configuration's control.socket, else \(defaultSocket)).")
    var socket: String?

    @Option(name: .long, help: "The daemon's configuration file, to find its control socket (default: $LOOPSENTRY_CONFIG).")
    var config: String?

    func validate() throws {
        if socket != nil && config != nil { throw ValidationError("give --socket or --config, not both") }
    }

    /// The socket to talk to; a configuration that cannot be read is an error naming it.
    func resolved(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        if let socket { return socket }
        return try daemonConfiguration(config, environment: environment)?.control.socket ?? Self.defaultSocket
    }
}

/// The daemon's configuration from `path`, else from `LOOPSENTRY_CONFIG`; nil when neither is
/// given. A configuration that cannot be read is a run-time failure naming the file.
func daemonConfiguration(_ path: String?, environment: [String: String]) throws -> Configuration? {
    guard let path = path ?? environment["LOOPSENTRY_CONFIG"].flatMap({ $0.isEmpty ? nil : $0 }) else { return nil }
    do {
        return try ConfigLoader.load(path: path)
    } catch {
        throw RuntimeFailure("\(path): " + error.errors.map(\.description).joined(separator: "; "))
    }
}

/// The interface, VLAN (or VXLAN VNI) and author of an operator action.
struct ActionTarget: ParsableArguments {
    @Option(name: .long, help: "The trunk (or VXLAN underlay) interface.")
    var interface: String

    @Option(name: .long, help: "The VLAN (1-4094).")
    var vlan: Int?

    @Option(name: .long, help: "The VXLAN VNI (1-16777215), instead of --vlan.")
    var vni: Int?

    @Option(name: .long, help: "Who is acting (recorded in the journal; default: your user name).")
    var by: String?

    func validate() throws {
        guard (vlan == nil) != (vni == nil) else { throw ValidationError("give --vlan or --vni (one of them)") }
        if let vlan, !VLANID.validRange.contains(vlan) { throw ValidationError("--vlan must be 1-4094, got \(vlan)") }
        if let vni, !(1...0xFF_FFFF).contains(vni) { throw ValidationError("--vni must be 1-16777215, got \(vni)") }
        guard InterfaceName.isValid(interface) else { throw ValidationError(InterfaceName.message(for: "--interface")) }
    }

    /// Sends `op` for this interface and VLAN (or VNI) and prints the daemon's answer.
    func perform(_ op: ControlRequest.Op, socket: String) throws {
        var request = ControlRequest(op: op, interface: interface, vlan: vlan, by: author)
        request.vni = vni
        print(try sendControl(request, socket: socket).message)
    }

    var author: String {
        by ?? ProcessInfo.processInfo.environment["SUDO_USER"] ?? ProcessInfo.processInfo.environment["USER"] ?? "root"
    }
}

/// Sends one request and prints the answer; a refusal exits 1 with the daemon's one-line reason.
func sendControl(_ request: ControlRequest, socket: String, json: Bool = false) throws -> ControlResponse {
    let response: ControlResponse
    do {
        response = try ControlClient.send(request, path: socket)
    } catch {
        throw RuntimeFailure("\(error)")
    }
    guard response.ok else { throw RuntimeFailure(response.message) }
    return response
}

/// A run-time failure whose message is printed as is, with exit status 1.
struct RuntimeFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status",
        abstract: "Show per-VLAN and per-VNI state from the running daemon.")
    @OptionGroup var control: ControlSocketOption
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() throws {
        let r = try sendControl(ControlRequest(op: .status), socket: try control.resolved())
        let rows = r.rows ?? []
        if json {
            let e = JSONEncoder()
            e.outputFormatting = [.sortedKeys]
            print(String(decoding: try e.encode(rows), as: UTF8.self))
            return
        }
        print(r.message)
        let header = ["INTERFACE", "SEGMENT", "TENANT", "POLICY", "STATE", "BCAST/S", "RISING", "INCIDENT", "LAST ACTION"]
        var table = [header]
        for row in rows {
            table.append([row.interface, row.vni.map { "VNI \($0)" } ?? "VLAN \(row.vlan)", row.tenant, row.policy, row.state,
                          String(Int(row.broadcastPerSecond)), String(Int(row.risingThreshold)),
                          row.incident.map(String.init) ?? "-", row.lastAction])
        }
        let widths = header.indices.map { i in table.map { $0[i].count }.max() ?? 0 }
        for line in table {
            print(line.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  "))
        }
    }
}

struct AckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ack",
        abstract: "Acknowledge the pending cut of a looping VLAN: the cut runs now.")
    @OptionGroup var target: ActionTarget
    @OptionGroup var control: ControlSocketOption
    func run() throws {
        try target.perform(.ack, socket: try control.resolved())
    }
}

struct DismissCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dismiss",
        abstract: "Dismiss a detection (not a loop): back to normal, with a hold-down.")
    @OptionGroup var target: ActionTarget
    @OptionGroup var control: ControlSocketOption
    func run() throws {
        try target.perform(.dismiss, socket: try control.resolved())
    }
}

struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "restore",
        abstract: "Put a cut VLAN back on the trunk.")
    @OptionGroup var target: ActionTarget
    @OptionGroup var control: ControlSocketOption
    func run() throws {
        try target.perform(.restore, socket: try control.resolved())
    }
}

struct ThresholdsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "thresholds",
        abstract: "Set the broadcast thresholds of one VLAN or VNI in the running daemon (not written to the file).")
    @OptionGroup var target: ActionTarget
    @Option(name: .long, help: "Rising threshold, broadcast frames per second (1-4294967295).") var rising: Int
    @Option(name: .long, help: "Falling threshold, broadcast frames per second (0 up to --rising).") var falling: Int
    @OptionGroup var control: ControlSocketOption

    func validate() throws {
        guard (1...4_294_967_295).contains(rising) else { throw ValidationError("--rising must be 1-4294967295, got \(rising)") }
        guard (0...rising).contains(falling) else { throw ValidationError("--falling must be 0-\(rising) (at most --rising), got \(falling)") }
    }

    func run() throws {
        var request = ControlRequest(op: .thresholds, interface: target.interface, vlan: target.vlan, by: target.author)
        request.vni = target.vni
        request.rising = Double(rising)
        request.falling = Double(falling)
        print(try sendControl(request, socket: try control.resolved()).message)
    }
}
