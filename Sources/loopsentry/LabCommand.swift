import ArgumentParser
import Foundation
import Lab
import LoopSentryCore
import LoopSentrySystem
import Sensor

/// `loopsentry lab`: a lab of network namespaces — two switches, a trunk, a sensor host and
/// tenant hosts — where loops can be opened on one VLAN and closed again.
struct LabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lab",
        abstract: "Build a lab of network namespaces and open or close loops in it.",
        subcommands: [LabUpCommand.self, LabLoopCommand.self, LabUnloopCommand.self, LabDownCommand.self, LabDemoCommand.self,
                      LabSendCommand.self]
    )
}

/// `--prefix NAME`, else $LOOPSENTRY_LAB_PREFIX, else `lsl`: the prefix of the lab's namespaces.
struct LabPrefixOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Prefix of the lab's namespace names (1-\(LabNamespaces.maxPrefixLength) of a-z, 0-9; default $\(LabNamespaces.prefixVariable), else \(LabNamespaces.defaultPrefix)).",
        valueName: "name"))
    var prefix: String?

    func validate() throws { _ = try names() }

    /// The lab's names; a bad prefix is a usage error (exit 64) naming it.
    func names() throws -> LabNamespaces {
        do {
            return try LabNamespaces.chosen(option: prefix, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw ValidationError("\(error)")
        }
    }
}

struct LabUpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Build the lab: switches P-sw1/P-sw2, trunk, sensor P-sensor (trunk0), hosts P-ha/P-hb (P: --prefix, default lsl).")

    @OptionGroup var lab: LabPrefixOption

    @Option(name: .long, help: "VLANs the trunk carries (list and ranges, e.g. 10,20,30).")
    var vlans: String = "10,20,30"

    @Option(name: .long, help: "Broadcast frames per second per VLAN from tenant host P-ha (0 = none).")
    var trafficRate: Int = 20

    @Flag(name: .long, help: "Also a sensor port on switch 2: trunk1 in P-sensor (two sensors, one per switch).")
    var secondSensor = false
    @Flag(name: .long, help: "Switch 1 (trunk, sensor, host B, loops) is a private Open vSwitch (userspace datapath) instead of a Linux bridge.")
    var ovs = false
    @Flag(name: .long, help: "A VXLAN lab instead: the switches are VTEPs over an IPv4 underlay (sensor trunk0 on it), one tenant bridge per VNI.")
    var vxlan = false
    @Option(name: .long, help: "With --vxlan: the VNIs (host interfaces eth0, eth1, ... in that order).")
    var vnis: String = "5000,5001"

    func validate() throws {
        _ = try LabVLANs.parse(vlans)
        guard (0...100_000).contains(trafficRate) else { throw ValidationError("--traffic-rate must be 0-100000") }
        if vxlan {
            guard !ovs && !secondSensor else { throw ValidationError("--vxlan builds its own switches: no --ovs or --second-sensor") }
            _ = try LabVNIs.parse(vnis)
        }
    }

    func run() throws {
        let names = try lab.names()
        if LabState.load(names) != nil || FileManager.default.fileExists(atPath: "/var/run/netns/\(names.switch1)") {
            throw LabError.alreadyUp
        }
        if vxlan { return try upVXLAN(names) }
        let list = try LabVLANs.parse(vlans)
        let plan = LabPlan(vlans: list, names: names, secondSensor: secondSensor, ovs: ovs)
        do {
            try LabRunner().run(plan.namespacesUp())
            if ovs {
                let switch1 = PrivateOVS(directory: LabPlan.ovsDirectory(names), netns: names.switch1)
                try switch1.start()
                switch1.leaveRunning()
            }
            try LabRunner().run(plan.switchesUp())
            try LabRunner().waitUntilForwarding(in: [names.switch1, names.switch2])
            var state = LabState(vlans: list.map { Int($0.value) }, ovs: ovs ? true : nil)
            try state.save(names)
            if trafficRate > 0 {
                state.trafficPID = try LabTraffic.start(names, vlans: state.vlans, ratePerVLAN: trafficRate)
                try state.save(names)
            }
        } catch {
            LabTeardown.run(names)
            throw error
        }
        let sensors = secondSensor ? "sensor interfaces \(LabPlan.sensorInterface) (sw1) and \(LabPlan.secondSensorInterface) (sw2)"
            : "sensor interface \(LabPlan.sensorInterface)"
        print("lab up: VLANs \(list.map { String($0.value) }.joined(separator: ",")); \(sensors) in netns \(names.sensor)"
              + (ovs ? "; switch \(names.switch1) is Open vSwitch, database \(LabPlan.ovsDatabase(names))" : ""))
    }
}

extension LabUpCommand {
    /// `lab up --vxlan`: VTEPs, underlay through switch 1's bridge, one tenant bridge per VNI;
    /// tenant traffic (priority-tagged broadcasts) from host A into the first VNI.
    func upVXLAN(_ names: LabNamespaces) throws {
        let list = try LabVNIs.parse(vnis)
        let plan = LabPlan(vlans: [], names: names)
        do {
            try LabRunner().run(plan.namespacesUp() + plan.vxlanSwitchesUp(vnis: list))
            var state = LabState(vlans: [], vnis: list.map { Int($0.value) })
            try state.save(names)
            if trafficRate > 0 {
                state.trafficPID = try LabTraffic.start(names, vlans: [0], ratePerVLAN: trafficRate)
                try state.save(names)
            }
        } catch {
            LabTeardown.run(names)
            throw error
        }
        print("lab up: VXLAN VNIs \(list.map(String.init).joined(separator: ",")) (UDP \(VXLANWatch.defaultPort)); "
              + "sensor interface \(LabPlan.sensorInterface) (\(LabPlan.sensorUnderlayAddress)) in netns \(names.sensor) on the underlay, "
              + "VTEPs \(LabPlan.vtep1Address) and \(LabPlan.vtep2Address); "
              + "cut port \(LabPlan.underlayPort) in netns \(names.switch1)")
    }
}

/// Parses the VXLAN lab's VNIs ("5000,5001"), at most 8 (one host interface each).
enum LabVNIs {
    static func parse(_ text: String) throws -> [VNI] {
        let set: VNISet
        do { set = try VNISet(parsing: text) } catch { throw ValidationError("--vnis: \(error)") }
        guard (1...8).contains(set.members.count) else { throw ValidationError("--vnis: 1-8 VNIs in the lab, got \(set.members.count)") }
        return set.members
    }
}

struct LabLoopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loop",
        abstract: "Open a loop: a second switch link that passes only the given VLAN (or VLANs: `101-120` loops them together).")

    @Argument(help: "The VLAN to loop, or a list such as 101-120 (one link passing all of them).")
    var vlans: String?

    @Option(name: .long, help: "In a VXLAN lab: the VNI to loop (its two tenant bridges joined by a shaped link).")
    var vni: Int?

    @OptionGroup var lab: LabPrefixOption

    func validate() throws {
        guard (vlans == nil) != (vni == nil) else { throw ValidationError("give either VLANs or --vni") }
        if let vni, VNI(vni) == nil { throw ValidationError("--vni \(vni) is outside 0-16777215") }
    }

    func run() throws {
        let names = try lab.names()
        guard var state = LabState.load(names) else { throw LabError.notUp }
        if let vni { return try LabVNILoop.open(vni, names: names, state: &state) }
        let ids = try LabVLANs.parse(vlans ?? "")
        let vlan = Int(ids[0].value)
        for v in ids where !state.vlans.contains(Int(v.value)) { throw LabError.unknownVLAN(Int(v.value), state.vlans) }
        guard !state.openLoops.contains(vlan) else { throw LabError.loopAlreadyOpen(vlan) }
        let id = ids[0]
        let plan = LabPlan(vlans: state.vlans.compactMap(VLANID.init), names: names, ovs: state.ovs ?? false)
        let opened: UInt64
        do {
            // The loop opens with the last step (its second end coming up): stamp just before it.
            let steps = plan.loop(ids)
            try LabRunner().run(Array(steps.dropLast()))
            opened = MonotonicClock.nanos()
            try LabRunner().run([steps.last!])
        } catch {
            try? LabRunner().run(plan.unloop(id).map { var s = $0; s.ignoreFailure = true; return s })
            throw error
        }
        state.openLoops.append(vlan)
        try state.save(names)
        print("loop open on VLAN \(vlan) at monotonic_ns \(opened)")
    }
}

struct LabUnloopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unloop", abstract: "Close the loop on one VLAN.")

    @Argument(help: "The VLAN whose loop to close (for a loop of several VLANs, its list or its lowest VLAN).")
    var vlans: String?

    @Option(name: .long, help: "In a VXLAN lab: the VNI whose loop to close.")
    var vni: Int?

    @OptionGroup var lab: LabPrefixOption

    func validate() throws {
        guard (vlans == nil) != (vni == nil) else { throw ValidationError("give either a VLAN or --vni") }
    }

    func run() throws {
        let names = try lab.names()
        guard var state = LabState.load(names) else { throw LabError.notUp }
        if let vni { return try LabVNILoop.close(vni, names: names, state: &state) }
        let vlan = Int(try LabVLANs.parse(vlans ?? "")[0].value)
        guard state.openLoops.contains(vlan), let id = VLANID(vlan) else { throw LabError.loopNotOpen(vlan) }
        try LabRunner().run(LabPlan(vlans: state.vlans.compactMap(VLANID.init), names: names, ovs: state.ovs ?? false).unloop(id))
        let closed = MonotonicClock.nanos()
        state.openLoops.removeAll { $0 == vlan }
        try state.save(names)
        print("loop closed on VLAN \(vlan) at monotonic_ns \(closed)")
    }
}

struct LabDownCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "down", abstract: "Remove the whole lab.")

    @OptionGroup var lab: LabPrefixOption

    func run() throws {
        LabTeardown.run(try lab.names())
        print("lab down")
    }
}

/// Parses the lab's VLAN list ("10,20,30" or "10-12,20"), 1-4094, at most 128 VLANs.
enum LabVLANs {
    static func parse(_ text: String) throws -> [VLANID] {
        let set: VLANSet
        do { set = try VLANSet(parsing: text) } catch { throw ValidationError("--vlans: \(error)") }
        guard set.count <= 128 else { throw ValidationError("--vlans: at most 128 VLANs in the lab, got \(set.count)") }
        return Array(set)
    }
}

/// Removes everything the lab named `names` made: the traffic process, the namespaces, the state file.
enum LabTeardown {
    static func run(_ names: LabNamespaces) {
        if let pid = LabState.load(names)?.trafficPID { LabTraffic.stop(pid: pid) }
        PrivateOVS.stop(directory: LabPlan.ovsDirectory(names))   // before its namespace goes
        try? LabRunner().run(LabPlan.down(names))
        LabState.remove(names)
    }
}

/// Tenant traffic: a detached `loopsentry lab send` in host P-ha, broadcasting on every lab VLAN.
enum LabTraffic {
    static func start(_ names: LabNamespaces, vlans: [Int], ratePerVLAN: Int) throws -> Int32 {
        let me = CommandLine.arguments[0].hasPrefix("/")
            ? CommandLine.arguments[0] : FileManager.default.currentDirectoryPath + "/" + CommandLine.arguments[0]
        return try ChildProcess.spawn(.init([me, "lab", "send", "--netns", names.hostA, "--interface", LabPlan.hostInterface, "--vlan"]
            + vlans.map(String.init) + ["--count", "0", "--rate", String(ratePerVLAN * vlans.count)])).pid
    }

    static func stop(pid: Int32) {
        guard kill(pid, 0) == 0 else { return }
        kill(pid, SIGTERM)
        for _ in 0..<100 where kill(pid, 0) == 0 { usleep(10_000) }
        if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
    }
}
