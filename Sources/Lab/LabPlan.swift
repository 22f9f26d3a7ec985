import LoopSentryCore

/// The lab topology as data, and the exact commands that build, loop, unloop and remove it.
/// Pure: nothing here runs a command; `LabRunner` does.
///
/// ```
///  P-ha ── sw2 ══ trunk ══ sw1 ── P-hb          (tenant hosts, tagged traffic)
///            ╲__ lpN (VLAN N only, TBF) __╱ ╲── P-sensor (trunk0)
/// ```
/// With `secondSensor`, switch 2 gets a sensor port too: `trunk1` in `P-sensor`, so two
/// sensors (a fleet) see the same VLANs from two switches.
/// `P` is the namespaces' prefix (`lsl` unless the plan says otherwise, see `LabNamespaces`).
/// Two Linux bridges (`P-sw1`, `P-sw2`, no STP, no vlan_filtering) joined by a trunk whose
/// allowed VLANs are nftables bridge rules on the trunk ports. `loop N` adds a second link `lpN`
/// between the switches that lets only VLAN N through: a broadcast on N then circulates for ever.
/// The loop link is shaped with TBF at both ends so a storm stays bounded; IPv6 is off in every
/// namespace so the kernel sends nothing of its own.
///
/// With `ovs`, switch 1 is an Open vSwitch instead (`LabPlan+OVS.swift`): a private ovs-vswitchd
/// in `P-sw1` with bridge `br0` of the userspace datapath, whose trunk port's allowed VLANs are
/// its `trunks`; the sensor, host B and the loop links end on it the same way.

/// One command of a plan: its arguments, optional standard input, and whether a failure is
/// expected and harmless (removing what may already be gone).
public struct LabStep: Equatable, Sendable, CustomStringConvertible {
    public var args: [String]
    public var input: String?
    public var ignoreFailure: Bool

    public init(_ args: [String], input: String? = nil, ignoreFailure: Bool = false) {
        self.args = args
        self.input = input
        self.ignoreFailure = ignoreFailure
    }

    public var description: String { args.joined(separator: " ") + (input == nil ? "" : " <<EOF ... EOF") }
}

extension LabStep: ExpressibleByArrayLiteral {
    public init(arrayLiteral args: String...) { self.init(args) }
}

public struct LabPlan: Sendable {
    public static let sensorInterface = "trunk0"
    /// The source MAC of every frame `loopsentry lab send` makes (tenant traffic, floods, loop seeds).
    public static let senderSource = MACAddress([0x02, 0x00, 0x00, 0x00, 0x00, 0x01])
    /// The second sensor's interface (in the sensor namespace, on switch 2), with `secondSensor`.
    public static let secondSensorInterface = "trunk1"
    public static let hostInterface = "eth0"
    /// The nftables table of the trunk and loop rules, in each switch's own namespace.
    static let table = "lsl"

    /// VLANs the trunk carries.
    public var vlans: [VLANID]
    /// Rate of each loop link, per direction (tc TBF syntax).
    public var loopRate: String
    /// The namespaces' names.
    public var names: LabNamespaces
    /// A second sensor port on switch 2 (`trunk1` in the sensor namespace).
    public var secondSensor: Bool
    /// Switch 1 is an Open vSwitch (userspace datapath) instead of a Linux bridge.
    public var ovs: Bool

    public init(vlans: [VLANID], loopRate: String = "8mbit", names: LabNamespaces = .standard, secondSensor: Bool = false,
                ovs: Bool = false) {
        self.vlans = vlans.sorted()
        self.loopRate = loopRate
        self.names = names
        self.secondSensor = secondSensor
        self.ovs = ovs
    }

    public static func loopInterface(_ vlan: VLANID) -> String { "lp\(vlan.value)" }

    /// Commands that build the lab from nothing (with `ovs`, its daemons start between the two halves).
    public func up() -> [LabStep] { namespacesUp() + switchesUp() }

    /// The namespaces, with IPv6 off and loopback up.
    public func namespacesUp() -> [LabStep] {
        var c: [LabStep] = []
        for ns in names.all {
            c.append(LabStep(["ip", "netns", "add", ns]))
            c.append(["ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
                      "net.ipv6.conf.default.disable_ipv6=1"])
            c.append(LabStep(["ip", "-n", ns, "link", "set", "lo", "up"]))
        }
        return c
    }

    /// The switches, the trunk between them, and the sensor's and hosts' links.
    public func switchesUp() -> [LabStep] {
        var c: [LabStep] = []
        for sw in [names.switch1, names.switch2] {
            if isOVS(sw) {
                c.append(ovsctl(["add-br", "br0", "--", "set", "Bridge", "br0", "datapath_type=netdev", "fail_mode=standalone"]))
                continue
            }
            c.append(LabStep(["ip", "-n", sw, "link", "add", "br0", "type", "bridge", "stp_state", "0"]))
            c.append(LabStep(["ip", "-n", sw, "link", "set", "br0", "up"]))
        }
        c += link(names.switch1, "trunk", names.switch2, "trunk", trunks: vlans)
        c += link(names.switch1, "sensor", names.sensor, Self.sensorInterface, bridgeB: false)
        if secondSensor { c += link(names.switch2, "sensor", names.sensor, Self.secondSensorInterface, bridgeB: false) }
        c += link(names.switch2, "ha", names.hostA, Self.hostInterface, bridgeB: false)
        c += link(names.switch1, "hb", names.hostB, Self.hostInterface, bridgeB: false)
        for sw in [names.switch1, names.switch2] where !isOVS(sw) {
            c.append(LabStep(["ip", "netns", "exec", sw, "nft", "-f", "-"], input: nftTrunk()))
        }
        return c
    }

    /// Commands that open a loop on `vlan`: a second switch-to-switch link passing only that VLAN.
    public func loop(_ vlan: VLANID) -> [LabStep] { loop([vlan]) }

    /// Commands that open one loop passing every VLAN of `vlans` (a downstream switch patched back
    /// into itself loops all its VLANs together); the link is named after the lowest VLAN.
    public func loop(_ vlans: [VLANID]) -> [LabStep] {
        let vlans = vlans.sorted()
        let vlan = vlans[0]
        let lp = Self.loopInterface(vlan)
        var c = link(names.switch1, lp, names.switch2, lp, up: false, trunks: vlans)
        for sw in [names.switch1, names.switch2] {
            c.append(["ip", "netns", "exec", sw, "tc", "qdisc", "add", "dev", lp, "root", "tbf",
                      "rate", loopRate, "burst", "16kb", "latency", "20ms"])
            if !isOVS(sw) { c.append(LabStep(["ip", "netns", "exec", sw, "nft", "-f", "-"], input: nftLoop(vlans))) }
        }
        for sw in [names.switch1, names.switch2] { c.append(["ip", "-n", sw, "link", "set", lp, "up"]) }
        return c
    }

    /// Commands that close the loop on `vlan` (deleting one end removes the veth pair).
    public func unloop(_ vlan: VLANID) -> [LabStep] {
        let lp = Self.loopInterface(vlan)
        return (ovs ? [ovsctl(["--if-exists", "del-port", "br0", lp])] : [])
            + [LabStep(["ip", "-n", names.switch1, "link", "del", lp])]
            + [names.switch1, names.switch2].filter { !isOVS($0) }.map {
                LabStep(["ip", "netns", "exec", $0, "nft", "delete", "chain", "bridge", Self.table, "loop\(vlan.value)"])
            }
    }

    /// Commands that remove the whole lab named `names`; each may fail harmlessly when already gone.
    public static func down(_ names: LabNamespaces) -> [LabStep] {
        names.all.map { LabStep(["ip", "netns", "del", $0], ignoreFailure: true) }
    }

    /// The nftables ruleset of a switch: the trunk carries only the lab's VLANs, tagged.
    func nftTrunk() -> String {
        let set = vlans.map { String($0.value) }.joined(separator: ", ")
        return """
        table bridge \(Self.table) {
          set trunk_allowed { typeof vlan id; flags interval; }
          chain forward {
            type filter hook forward priority 0; policy accept;
            iifname "trunk" ether type != 8021q drop
            oifname "trunk" ether type != 8021q drop
            iifname "trunk" vlan id != @trunk_allowed drop
            oifname "trunk" vlan id != @trunk_allowed drop
          }
        }
        add element bridge \(Self.table) trunk_allowed { \(set) }
        """
    }

    /// A chain that lets only `vlan` cross its loop link.
    func nftLoop(_ vlans: [VLANID]) -> String {
        let vlan = vlans[0]
        let lp = Self.loopInterface(vlan)
        let passed = vlans.count == 1 ? "\(vlan.value)" : "{ \(vlans.map { String($0.value) }.joined(separator: ", ")) }"
        return """
        table bridge \(Self.table) {
          chain loop\(vlan.value) {
            type filter hook forward priority -1; policy accept;
            iifname "\(lp)" ether type != 8021q drop
            oifname "\(lp)" ether type != 8021q drop
            iifname "\(lp)" vlan id != \(passed) drop
            oifname "\(lp)" vlan id != \(passed) drop
          }
        }
        """
    }

    /// A veth pair between two namespaces; ends on a switch are enslaved to its bridge (an Open
    /// vSwitch end becomes a port of it, with `trunks` when given, else carrying every VLAN).
    func link(_ nsA: String, _ ifA: String, _ nsB: String, _ ifB: String,
              bridgeB: Bool = true, up: Bool = true, trunks: [VLANID]? = nil) -> [LabStep] {
        var c = [LabStep(["ip", "link", "add", ifA, "netns", nsA, "type", "veth", "peer", "name", ifB, "netns", nsB])]
        c.append(isOVS(nsA) ? ovsPort(ifA, trunks: trunks) : LabStep(["ip", "-n", nsA, "link", "set", ifA, "master", "br0"]))
        if bridgeB { c.append(isOVS(nsB) ? ovsPort(ifB, trunks: trunks) : LabStep(["ip", "-n", nsB, "link", "set", ifB, "master", "br0"])) }
        if up {
            c.append(LabStep(["ip", "-n", nsA, "link", "set", ifA, "up"]))
            c.append(LabStep(["ip", "-n", nsB, "link", "set", ifB, "up"]))
        }
        return c
    }
}
