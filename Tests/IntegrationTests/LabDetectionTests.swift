import Foundation
import LabTestSupport
import LoopSentryCore
import Testing

/// Detection on the lab (`loopsentry lab`): two bridges, a trunk, a sensor, tenant traffic on
/// VLANs 10, 20, 30, under the suite's own namespace prefix.
@Suite(.serialized, .enabled(if: runningAsRoot, rootReason))
final class LabDetectionTests {
    let lab = SuiteLab(tag: "ld", binary: loopsentryBinary)

    init() throws { try lab.up(trafficRate: 20) }

    deinit { lab.down() }

    func startSensor() throws -> BackgroundProcess {
        let m = try BackgroundProcess([loopsentryBinary, "monitor", "--netns", lab.names.sensor, "--interface", "trunk0",
                                       "--json", "--interval", "100", "--drop-tagged", "--probe", "10,20,30"],
                                      name: "lab-sensor")
        #expect(eventually(timeout: 10) { !m.stdoutLines.isEmpty }, "sensor printed nothing: \(m.stderrText)")
        return m
    }

    func reports(_ m: BackgroundProcess) -> [MonitorReport] {
        m.stdoutLines.compactMap { try? JSONDecoder().decode(MonitorReport.self, from: Data($0.utf8)) }
    }

    func events(_ m: BackgroundProcess) -> [MonitorEvent] { reports(m).flatMap(\.events) }

    /// Runs `lab loop|unloop V` and returns the monotonic time it reports.
    func lab(_ verb: String, _ vlan: Int) throws -> UInt64 {
        let out = try lab.run([verb, String(vlan)])
        guard let ns = out.split(separator: " ").last.flatMap({ UInt64($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) else {
            throw ShellError("no time in: \(out)")
        }
        return ns
    }

    @Test("normal tenant traffic for 10 s: no detection; probes go out and none returns")
    func noFalseAlarm() throws {
        let m = try startSensor()
        usleep(10_000_000)
        m.signal(SIGTERM)
        #expect(m.wait(timeout: 5) == 0)
        let all = reports(m)
        #expect(all.count >= 80, "expected ~100 reports, got \(all.count)")
        #expect(events(m).isEmpty, "unexpected events: \(events(m))")
        let last = try #require(all.last)
        #expect(last.probesSentTotal >= 27, "probes sent: \(last.probesSentTotal)")
        #expect(last.probesReturnedTotal == 0)
        let rows = Dictionary(uniqueKeysWithValues: last.vlans.map { ($0.vlan, $0) })
        #expect(Set(rows.keys) == [10, 20, 30])
        for v in [10, 20, 30] { #expect((rows[v]?.broadcastPerSecond ?? 0) < 100) }
    }

    @Test("loop on VLAN 20: storm and returned probe on VLAN 20 within 1 s, nothing elsewhere; unloop clears it")
    func loopDetectedAndCleared() throws {
        let m = try startSensor()
        usleep(1_500_000)
        let opened = try lab("loop", 20)
        #expect(eventually(timeout: 5) {
            Set(events(m).map(\.event)).isSuperset(of: ["stormDetected", "loopConfirmed"])
        }, "no detection: \(events(m))")
        let afterLoop = events(m)
        let storm = try #require(afterLoop.first { $0.event == "stormDetected" })
        let loop = try #require(afterLoop.first { $0.event == "loopConfirmed" })
        #expect(storm.vlan == 20 && loop.vlan == 20)
        #expect(storm.kind == "broadcast" && (storm.rate ?? 0) >= 1000 && storm.threshold == 1000)
        #expect((loop.probesReturned ?? 0) >= 1)
        #expect(storm.monotonicNanos > opened && storm.monotonicNanos - opened <= 1_000_000_000,
                "storm detected \(Double(storm.monotonicNanos &- opened) / 1e6) ms after the loop opened")
        #expect(loop.monotonicNanos > opened && loop.monotonicNanos - opened <= 1_000_000_000,
                "loop confirmed \(Double(loop.monotonicNanos &- opened) / 1e6) ms after the loop opened")
        #expect(afterLoop.filter { $0.vlan != 20 }.isEmpty)
        #expect(afterLoop.count == 2, "exactly one storm and one loop event: \(afterLoop)")

        let closed = try lab("unloop", 20)
        #expect(eventually(timeout: 6) { events(m).contains { $0.event == "stormCleared" } }, "not cleared: \(events(m))")
        let all = events(m)
        let cleared = try #require(all.first { $0.event == "stormCleared" })
        #expect(cleared.vlan == 20)
        #expect(cleared.monotonicNanos >= closed)
        usleep(500_000)
        m.signal(SIGTERM)
        #expect(m.wait(timeout: 5) == 0)
        #expect(events(m).count == 3, "\(events(m))")
        #expect(events(m).allSatisfy { $0.vlan == 20 })
    }

    @Test("probes are valid ARP that tcpdump decodes, each in the VLAN its MAC encodes")
    func probesAreValidARPInTheirVLAN() throws {
        let m = try startSensor()
        defer { m.signal(SIGTERM); _ = m.wait(timeout: 5) }
        // Host B sits on switch 1 beside the sensor and sees every flooded probe.
        let r = try Shell.run(["timeout", "10", "ip", "netns", "exec", lab.names.hostB, "tcpdump", "-i", "eth0", "-t", "-e", "-nn",
                               "-c", "6", "ether[6:4] == 0x064c5301"])
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 6, "tcpdump: \(r.stdout) \(r.stderr)")
        let identity = try ProbeIdentity(sensorID: 1)
        for line in lines {
            let fields = line.split(separator: " ").map(String.init)
            let mac = try #require(MACAddress(parsing: fields[0]))
            let encoded = try #require(identity.vlan(fromProbeMAC: mac))
            #expect(line.contains("ethertype 802.1Q (0x8100)"))
            #expect(line.contains("vlan \(encoded.value),"), "probe for VLAN \(encoded) seen as: \(line)")
            #expect(line.contains("ethertype ARP (0x0806)"))
            #expect(line.contains("Request who-has 192.0.2.1 tell 0.0.0.0"), "\(line)")
        }
        #expect(Set(lines.compactMap { MACAddress(parsing: String($0.prefix(17))).flatMap(identity.vlan) }.map(\.value))
                == [10, 20, 30])
    }
}
