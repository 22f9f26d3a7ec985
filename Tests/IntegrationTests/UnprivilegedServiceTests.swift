import Foundation
import LoopSentryCore
import Testing

/// The shipped unit's capability set is what the service gets; these tests grant exactly the
/// capabilities parsed from config/loopsentry.service to an unprivileged user (`setpriv`) and run
/// the real binary. The process is started inside the trunk's namespace (`ip netns exec`), as
/// systemd's `NetworkNamespacePath=` starts it: entering a namespace (`setns`) would need
/// CAP_SYS_ADMIN, which the unit does not grant.
@Suite(.serialized, .enabled(if: runningAsRoot, rootReason))
final class UnprivilegedMonitorTests {
    let lab: VethLab

    init() throws {
        try ServiceTestUser.ensure()
        lab = try VethLab()
    }
    deinit { lab.destroy() }

    /// `ip netns exec <ns B>` then `setpriv` to the service user with the unit's capabilities.
    var inNamespaceAsService: [String] { ["/usr/bin/env", "ip", "netns", "exec", lab.nsB] + ServiceTestUser.setpriv() }

    @Test("the unit grants exactly CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN and CAP_NET_RAW, bounding set the same")
    func unitCapabilities() {
        let unit = ServiceUnit.shipped
        #expect(Set(unit.words("AmbientCapabilities")) == ["CAP_BPF", "CAP_PERFMON", "CAP_NET_ADMIN", "CAP_NET_RAW"])
        #expect(Set(unit.words("CapabilityBoundingSet")) == Set(unit.words("AmbientCapabilities")))
        #expect(unit.directives["User"] == ["loopsentry"])
        #expect(unit.directives["NoNewPrivileges"] == ["yes"])
    }

    @Test("as the service user: exact counts per VLAN, SIGTERM exits 0 and leaves no filter")
    func countsAndStops() throws {
        let m = try MonitorUnderTest(lab: lab, launcher: inNamespaceAsService)
        try lab.send(["--vlan", "7", "--count", "700", "--kind", "broadcast"])
        try lab.send(["--vlan", "4000", "--count", "40", "--kind", "multicast"])
        let report = try m.settled(expectedFrames: 740)
        #expect(m.stop() == 0, "\(m.process.stderrText)")
        let rows = totals(report)
        #expect(Set(rows.keys) == [7, 4000])
        #expect(rows[7]?.framesTotal == 700 && rows[7]?.broadcastTotal == 700)
        #expect(rows[4000]?.framesTotal == 40 && rows[4000]?.multicastTotal == 40)
        #expect(m.process.stderrText.isEmpty, "\(m.process.stderrText)")
        #expect(try lab.loopSentryFilterCount() == 0)
    }

    @Test("as the service user: after kill -9 the next run replaces the stale filter and counts; a foreign filter survives")
    func restartAfterKill() throws {
        try lab.addForeignFilter()
        let first = try MonitorUnderTest(lab: lab, launcher: inNamespaceAsService)
        _ = first.stop(SIGKILL)
        #expect(try lab.loopSentryFilterCount() == 1, "the killed run's filter should remain")

        let second = try MonitorUnderTest(lab: lab, launcher: inNamespaceAsService)
        #expect(second.process.stderrText == "loopsentry: replaced a stale LoopSentry filter on \(lab.trunk)\n")
        try lab.send(["--vlan", "5", "--count", "321"])
        #expect(totals(try second.settled(expectedFrames: 321))[5]?.framesTotal == 321)
        #expect(try lab.loopSentryFilterCount() == 1)
        #expect(second.stop() == 0)

        let third = try MonitorUnderTest(lab: lab, launcher: inNamespaceAsService)
        #expect(!third.process.stderrText.contains("stale"), "a clean stop left a filter: \(third.process.stderrText)")
        #expect(third.stop() == 0)
        let after = try lab.ingressFilters()
        #expect(!after.contains("ls_tc_ingress"))
        #expect(after.contains("pref 1 bpf") && after.contains("bytecode"), "foreign filter lost: \(after)")
    }

    @Test("as the service user outside the namespace: --netns is refused in one line naming CAP_SYS_ADMIN, nothing attached")
    func namespaceEntryRefused() throws {
        let r = try Shell.run(ServiceTestUser.setpriv() + [loopsentryBinary, "monitor", "--netns", lab.nsB, "--interface", lab.trunk])
        #expect(r.status == 1)
        #expect(r.stderr == "loopsentry: cannot enter network namespace '\(lab.nsB)': setns needs CAP_SYS_ADMIN; start LoopSentry inside it instead (systemd NetworkNamespacePath=/run/netns/\(lab.nsB), or ip netns exec \(lab.nsB))\n")
        #expect(try lab.loopSentryFilterCount() == 0)
    }
}

/// `loopsentry run` as the service user with the unit's capabilities, in the trunk's namespace.
@Suite(.serialized, .enabled(if: runningAsRoot, rootReason))
final class UnprivilegedDaemonTests {
    static let noop = ["noop.yml": "- hosts: all\n  gather_facts: false\n  tasks: []\n"]

    /// A daemon on `lab`'s trunk started by `launcher` + the service user with the unit's
    /// capabilities; its private folder (journal, socket, playbooks) belongs to that user.
    func serviceDaemon(_ lab: VethLab, launcher: [String]) throws -> VethDaemon {
        try ServiceTestUser.ensure()
        let d = try VethDaemon(lab: lab, playbooks: Self.noop, target: "playbook: noop.yml, host: localhost, port: \(lab.trunk)")
        d.launcher = launcher + ServiceTestUser.setpriv()
        try ServiceTestUser.own(d.dir.path)
        return d
    }

    @Test("run as the service user: starts, counts exactly, stops clean, restarts after kill -9, leaves nothing")
    func startCountStopRestart() throws {
        let lab = try VethLab()
        defer { lab.destroy() }
        let d = try serviceDaemon(lab, launcher: ["/usr/bin/env", "ip", "netns", "exec", lab.nsB])

        try d.start()
        try lab.send(["--vlan", "20", "--count", "100"])
        try d.waitFor(timeout: 5, "100 frames on VLAN 20") { d.frames(vlan: 20) == 100 }
        #expect(d.stop() == 0, "\(d.daemon?.stderrText ?? "")")
        #expect(try lab.loopSentryFilterCount() == 0)
        #expect(!FileManager.default.fileExists(atPath: d.socket))

        try d.start()
        d.daemon?.signal(SIGKILL)
        _ = d.daemon?.wait(timeout: 5)
        #expect(try lab.loopSentryFilterCount() == 1, "the killed daemon's filter should remain")

        try d.start()
        try lab.send(["--vlan", "20", "--count", "50"])
        try d.waitFor(timeout: 5, "50 frames on VLAN 20 (a fresh program)") { d.frames(vlan: 20) == 50 }
        #expect(try lab.loopSentryFilterCount() == 1)
        #expect(d.stop() == 0, "\(d.daemon?.stderrText ?? "")")
        #expect(try lab.loopSentryFilterCount() == 0)
        #expect(!FileManager.default.fileExists(atPath: d.socket))
        #expect(processes(withCommandLineContaining: [loopsentryBinary, d.configPath]).isEmpty)
    }

    @Test("run as the service user outside the interface's namespace: refused in one line naming CAP_SYS_ADMIN, nothing attached")
    func namespaceEntryRefused() throws {
        let lab = try VethLab()
        defer { lab.destroy() }
        let d = try serviceDaemon(lab, launcher: [])
        let r = try d.runExpectingRefusal()
        #expect(r.status == 1)
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(r.stderr.contains("cannot enter network namespace '\(lab.nsB)': setns needs CAP_SYS_ADMIN"), "\(r.stderr)")
        #expect(try lab.loopSentryFilterCount() == 0)
        #expect(!FileManager.default.fileExists(atPath: d.socket))
    }
}
