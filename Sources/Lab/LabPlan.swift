import LoopSentryCore

/// The lab topology as data, and the exact commands that build, loop, unloop and remove it.
/// Pure: nothing here runs a command; `LabRunner` does.
///
/// ```
///  lsl-ha ── sw2 ══ trunk ══ sw1 ── lsl-hb          (tenant hosts, tagged traffic)
///              ╲__ lpN (VLAN N only, TBF) __╱ ╲── lsl-sensor (trunk0)
/// ```
/// Two Linux bridges (`lsl-sw1`, `lsl-sw2`, no STP, no vlan_filtering) joined by a trunk whose
/// allowed VLANs are nftables bridge rules on the trunk ports. `loop N` adds a second link `lpN`
/// between the switches that lets only VLAN N through: a broadcast on N then circulates for ever.
/// The loop link is shaped with TBF at both ends so a storm stays bounded; IPv6 is off in every
/// namespace so the kernel sends nothing of its own.
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
    public static let prefix = "lsl-"
    public static let switch1 = "lsl-sw1"
    public static let switch2 = "lsl-sw2"
    public static let sensor = "lsl-sensor"
    public static let hostA = "lsl-ha"
    public static let hostB = "lsl-hb"
    public static let sensorInterface = "trunk0"
    public static let hostInterface = "eth0"
    public static let namespaces = [switch1, switch2, sensor, hostA, hostB]

    /// VLANs the trunk carries.
    public var vlans: [VLANID]
    /// Rate of each loop link, per direction (tc TBF syntax).
    public var loopRate: String

    public init(vlans: [VLANID], loopRate: String = "8mbit") {
        self.vlans = vlans.sorted()
        self.loopRate = loopRate
    }

    public static func loopInterface(_ vlan: VLANID) -> String { "lp\(vlan.value)" }

    /// Commands that build the lab from nothing.
    public func up() -> [LabStep] {
        var c: [LabStep] = []
        for ns in Self.namespaces {
            c.append(LabStep(["ip", "netns", "add", ns]))
            c.append(["ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
                      "net.ipv6.conf.default.disable_ipv6=1"])
            c.append(LabStep(["ip", "-n", ns, "link", "set", "lo", "up"]))
        }
        for sw in [Self.switch1, Self.switch2] {
            c.append(LabStep(["ip", "-n", sw, "link", "add", "br0", "type", "bridge", "stp_state", "0"]))
            c.append(LabStep(["ip", "-n", sw, "link", "set", "br0", "up"]))
        }
        c += link(Self.switch1, "trunk", Self.switch2, "trunk")
        c += link(Self.switch1, "sensor", Self.sensor, Self.sensorInterface, bridgeB: false)
        c += link(Self.switch2, "ha", Self.hostA, Self.hostInterface, bridgeB: false)
        c += link(Self.switch1, "hb", Self.hostB, Self.hostInterface, bridgeB: false)
        for sw in [Self.switch1, Self.switch2] {
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
        var c = link(Self.switch1, lp, Self.switch2, lp, up: false)
        for sw in [Self.switch1, Self.switch2] {
            c.append(["ip", "netns", "exec", sw, "tc", "qdisc", "add", "dev", lp, "root", "tbf",
                      "rate", loopRate, "burst", "16kb", "latency", "20ms"])
            c.append(LabStep(["ip", "netns", "exec", sw, "nft", "-f", "-"], input: nftLoop(vlans)))
        }
        for sw in [Self.switch1, Self.switch2] { c.append(["ip", "-n", sw, "link", "set", lp, "up"]) }
        return c
    }

    /// Commands that close the loop on `vlan` (deleting one end removes the veth pair).
    public func unloop(_ vlan: VLANID) -> [LabStep] {
        let lp = Self.loopInterface(vlan)
        return [LabStep(["ip", "-n", Self.switch1, "link", "del", lp])]
            + [Self.switch1, Self.switch2].map {
                LabStep(["ip", "netns", "exec", $0, "nft", "delete", "chain", "bridge", "lsl", "loop\(vlan.value)"])
            }
    }

    /// Commands that remove the whole lab; each may fail harmlessly when already gone.
    public static func down() -> [LabStep] {
        namespaces.map { LabStep(["ip", "netns", "del", $0], ignoreFailure: true) }
    }

    /// The nftables ruleset of a switch: the trunk carries only the lab's VLANs, tagged.
    func nftTrunk() -> String {
        let set = vlans.map { String($0.value) }.joined(separator: ", ")
        return """
        table bridge lsl {
          set trunk_allowed { typeof vlan id; flags interval; }
          chain forward {
            type filter hook forward priority 0; policy accept;
            iifname "trunk" ether type != 8021q drop
            oifname "trunk" ether type != 8021q drop
            iifname "trunk" vlan id != @trunk_allowed drop
            oifname "trunk" vlan id != @trunk_allowed drop
          }
        }
        add element bridge lsl trunk_allowed { \(set) }
        """
    }

    /// A chain that lets only `vlan` cross its loop link.
    func nftLoop(_ vlans: [VLANID]) -> String {
        let vlan = vlans[0]
        let lp = Self.loopInterface(vlan)
        let passed = vlans.count == 1 ? "\(vlan.value)" : "{ \(vlans.map { String($0.value) }.joined(separator: ", ")) }"
        return """
        table bridge lsl {
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

    /// A veth pair between two namespaces; ends on a switch are enslaved to its bridge.
    func link(_ nsA: String, _ ifA: String, _ nsB: String, _ ifB: String,
              bridgeB: Bool = true, up: Bool = true) -> [LabStep] {
        var c = [LabStep(["ip", "link", "add", ifA, "netns", nsA, "type", "veth", "peer", "name", ifB, "netns", nsB]),
                 LabStep(["ip", "-n", nsA, "link", "set", ifA, "master", "br0"])]
        if bridgeB { c.append(LabStep(["ip", "-n", nsB, "link", "set", ifB, "master", "br0"])) }
        if up {
            c.append(LabStep(["ip", "-n", nsA, "link", "set", ifA, "up"]))
            c.append(LabStep(["ip", "-n", nsB, "link", "set", ifB, "up"]))
        }
        return c
    }
}
