import ArgumentParser
import Foundation
import Lab
import LoopSentryCore
import Sensor

/// `loopsentry lab demo`: builds the lab, runs the sensor, opens a loop on VLAN 20, shows the
/// detection as it happens with measured times, closes the loop, and tears everything down.
struct LabDemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Build the lab, loop VLAN 20, show detection live with a timeline, tear down.")

    @Option(name: .long, help: "The VLAN to loop (one of 10, 20, 30).")
    var vlan: Int = 20

    func validate() throws {
        guard [10, 20, 30].contains(vlan) else { throw ValidationError("--vlan must be 10, 20 or 30, got \(vlan)") }
    }

    func run() throws {
        SignalFlag.install()
        if LabState.load() != nil { throw LabError.alreadyUp }
        let demo = Demo(vlan: vlan)
        defer { demo.tearDown() }
        try demo.play()
    }
}

/// The demo's steps; every wait is bounded and every step is timed.
final class Demo {
    let vlan: Int
    let me = ProcessInfo.processInfo.arguments[0]
    var sensor: Process?
    var sensorOutput = ""
    let sensorPath = FileManager.default.temporaryDirectory.appendingPathComponent("loopsentry-demo-\(getpid()).jsonl").path
    var timeline: [(String, String)] = []

    init(vlan: Int) { self.vlan = vlan }

    func say(_ text: String) { print(text); fflush(nil) }

    func play() throws {
        say("== LoopSentry lab demo ==")
        say("Building the lab: two Linux bridges joined by a trunk carrying VLANs 10, 20, 30; a sensor on switch 1;")
        say("a tenant host on switch 2 sending 20 broadcasts/s on each VLAN.")
        try Self.loopsentry(["lab", "up", "--vlans", "10,20,30", "--traffic-rate", "20"])
        try startSensor()
        say("\nSensor: tc-ingress eBPF on lsl-sensor/trunk0, tagged frames counted then dropped, self-probes on 10,20,30.")
        try wait(seconds: 3)
        showRates("Normal traffic")

        say("\nOpening a loop on VLAN \(vlan) (a second switch link that passes only VLAN \(vlan))...")
        let opened = try Self.monotonic(from: Self.loopsentry(["lab", "loop", String(vlan)]))
        timeline.append(("loop opened on VLAN \(vlan)", "0 ms"))
        var shown = 0
        let deadline = MonotonicClock.nanos() + 5_000_000_000
        while MonotonicClock.nanos() < deadline && !SignalFlag.stopRequested {
            let events = self.events()
            for e in events.dropFirst(shown) where e.monotonicNanos >= opened {
                let ms = Double(e.monotonicNanos - opened) / 1e6
                say(String(format: "  +%5.0f ms  ", ms) + e.line)
                timeline.append((e.line, String(format: "+%.0f ms", ms)))
            }
            shown = events.count
            if Set(events.map(\.event)).isSuperset(of: ["stormDetected", "loopConfirmed"]) { break }
            usleep(20_000)
        }
        try wait(seconds: 1.5)
        showRates("During the storm (only VLAN \(vlan) is affected)")

        say("\nClosing the loop...")
        let closed = try Self.monotonic(from: Self.loopsentry(["lab", "unloop", String(vlan)]))
        let before = events().count
        let clearDeadline = MonotonicClock.nanos() + 8_000_000_000
        while MonotonicClock.nanos() < clearDeadline && !SignalFlag.stopRequested {
            if let e = events().dropFirst(before).first(where: { $0.event == "stormCleared" }) {
                let ms = Double(e.monotonicNanos &- closed) / 1e6
                say(String(format: "  +%5.0f ms after closing  ", ms) + e.line)
                timeline.append((e.line, String(format: "+%.0f ms after closing", ms)))
                break
            }
            usleep(20_000)
        }
        say("\nTimeline:")
        for (what, when) in timeline { say("  \(when.padding(toLength: 24, withPad: " ", startingAt: 0)) \(what)") }
        say("\nCutting the looped VLAN off the trunk (ack-to-cut, Ansible) and SNMP/syslog reporting come with the daemon.")
    }

    func startSensor() throws {
        _ = FileManager.default.createFile(atPath: sensorPath, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: me)
        p.arguments = ["monitor", "--netns", LabPlan.sensor, "--interface", LabPlan.sensorInterface, "--json",
                       "--drop-tagged", "--probe", "10,20,30"]
        p.standardOutput = FileHandle(forWritingAtPath: sensorPath)
        p.standardError = FileHandle.nullDevice
        try p.run()
        sensor = p
    }

    func reports() -> [MonitorReport] {
        let text = (try? String(contentsOfFile: sensorPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(MonitorReport.self, from: Data($0.utf8)) }
    }

    func events() -> [MonitorEvent] { reports().flatMap(\.events) }

    func showRates(_ title: String) {
        guard let r = reports().last else { return }
        say("\n\(title):")
        say(r.table().split(separator: "\n").dropFirst().joined(separator: "\n"))
    }

    func wait(seconds: Double) throws {
        SignalFlag.sleep(nanos: UInt64(seconds * 1e9))
        if SignalFlag.stopRequested { throw ExitCode(130) }
    }

    func tearDown() {
        if let sensor, sensor.isRunning {
            sensor.terminate()
            sensor.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: sensorPath)
        LabTeardown.run()
        say("Lab removed.")
    }

    /// Runs this binary with `args`; returns its standard output.
    @discardableResult
    static func loopsentry(_ args: [String]) throws -> String {
        let r = try LabRunner.execute(LabStep([ProcessInfo.processInfo.arguments[0]] + args))
        guard r.status == 0 else { throw LabError.stepFailed("loopsentry " + args.joined(separator: " "), r.output) }
        return r.output
    }

    static func monotonic(from output: String) throws -> UInt64 {
        guard let t = output.split(separator: " ").last.flatMap({ UInt64($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) else {
            throw LabError.stepFailed("lab loop", "no time in its output: \(output)")
        }
        return t
    }
}
