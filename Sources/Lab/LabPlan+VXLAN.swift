import LoopSentryCore

/// The VXLAN lab (`lab up --vxlan`): the two switches are VTEPs joined by an IPv4 underlay, each
/// VNI a tenant bridge with a host port on both sides, and the sensor on the underlay.
///
/// ```
///  P-ha eth0/eth1 ── sw2: br<VNI> ── vx<VNI> ─ trunk (10.99.0.2) ══ trunk ─ ul0 ─ vtepport ┄ vtep (10.99.0.1) ─ vx<VNI> ─ br<VNI> ── P-hb eth0/eth1
///                                                                          ╲── sensor ── P-sensor (trunk0, 10.99.0.3)
///            br<VNI> ╲__________________ lpv<VNI> (TBF, with `loop --vni`) _______________________________________╱ br<VNI>
/// ```
/// Switch 1's underlay is a bridge `ul0` whose ports learn nothing, so every underlay frame is
/// flooded to the sensor port too, and VTEP 1's packets cross the bridge (its `vtep` end sits
/// behind port `vtepport`): a cut on bridge port `trunk` in switch 1 sees both directions.
/// Each VNI's `vxlan` device (UDP 4789, static remote, no learning) sits in a tenant bridge with
/// the hosts: the VNIs in order get the hosts' `eth0`, `eth1`, … . `loop --vni N` joins the two
/// `brN` with a shaped veth `lpvN`: a broadcast in VNI N then circulates through the underlay
/// for ever, and no other VNI sees it. IPv6 stays off in every namespace (`namespacesUp`).
/// The sensor's `trunk0` has an underlay address of its own, so its VNI self-probes reach both
/// VTEPs by UDP; a probe comes back to the sensor port only through a loop in its VNI (a
/// bridge never floods a frame back out of the port it came in by: split horizon).
extension LabPlan {
    /// The underlay addresses of VTEP 1 (switch 1, behind bridge port `vtepport`) and VTEP 2.
    public static let vtep1Address = "10.99.0.1"
    public static let vtep2Address = "10.99.0.2"
    /// The sensor's underlay address on its `trunk0`: the source of its VNI self-probes.
    public static let sensorUnderlayAddress = "10.99.0.3"
    /// The underlay bridge port of switch 1 facing switch 2: where a VNI is cut.
    public static let underlayPort = "trunk"

    /// The tenant host interface of `index`-th VNI of the lab (`eth0`, `eth1`, …).
    public static func vniHostInterface(_ index: Int) -> String { "eth\(index)" }

    /// The loop link of `vni`.
    public static func vniLoopInterface(_ vni: VNI) -> String { "lpv\(vni.value)" }

    /// Commands that build the VXLAN lab's switches for `vnis` (after `namespacesUp`).
    public func vxlanSwitchesUp(vnis: [VNI]) -> [LabStep] {
        let (sw1, sw2) = (names.switch1, names.switch2)
        var c: [LabStep] = [
            ["ip", "-n", sw1, "link", "add", "ul0", "type", "bridge", "stp_state", "0"],
            ["ip", "-n", sw1, "link", "set", "ul0", "up"],
            ["ip", "link", "add", "trunk", "netns", sw1, "type", "veth", "peer", "name", "trunk", "netns", sw2],
            ["ip", "link", "add", "vtepport", "netns", sw1, "type", "veth", "peer", "name", "vtep", "netns", sw1],
            ["ip", "link", "add", "sensor", "netns", sw1, "type", "veth", "peer", "name", Self.sensorInterface, "netns", names.sensor],
        ]
        for port in ["trunk", "vtepport", "sensor"] {
            c.append(["ip", "-n", sw1, "link", "set", port, "master", "ul0"])
            c.append(["ip", "-n", sw1, "link", "set", "dev", port, "type", "bridge_slave", "learning", "off"])
            c.append(["ip", "-n", sw1, "link", "set", port, "up"])
        }
        c.append(["ip", "-n", names.sensor, "addr", "add", "\(Self.sensorUnderlayAddress)/24", "dev", Self.sensorInterface])
        c.append(["ip", "-n", names.sensor, "link", "set", Self.sensorInterface, "up"])
        c += [["ip", "-n", sw1, "addr", "add", "\(Self.vtep1Address)/24", "dev", "vtep"],
              ["ip", "-n", sw1, "link", "set", "vtep", "up"],
              ["ip", "-n", sw2, "addr", "add", "\(Self.vtep2Address)/24", "dev", "trunk"],
              ["ip", "-n", sw2, "link", "set", "trunk", "up"]]
        for (i, vni) in vnis.enumerated() {
            let br = "br\(vni.value)", vx = "vx\(vni.value)", host = Self.vniHostInterface(i)
            for (sw, local, remote, underlay, hostNS) in [(sw1, Self.vtep1Address, Self.vtep2Address, "vtep", names.hostB),
                                                          (sw2, Self.vtep2Address, Self.vtep1Address, "trunk", names.hostA)] {
                let port = "h\(i)"
                c += [LabStep(["ip", "-n", sw, "link", "add", br, "type", "bridge", "stp_state", "0"]),
                      ["ip", "-n", sw, "link", "add", vx, "type", "vxlan", "id", String(vni.value), "local", local, "remote", remote,
                       "dstport", String(VXLANWatch.defaultPort), "dev", underlay, "nolearning"],
                      ["ip", "-n", sw, "link", "set", vx, "master", br],
                      ["ip", "link", "add", port, "netns", sw, "type", "veth", "peer", "name", host, "netns", hostNS],
                      ["ip", "-n", sw, "link", "set", port, "master", br],
                      ["ip", "-n", sw, "link", "set", br, "up"],
                      ["ip", "-n", sw, "link", "set", vx, "up"],
                      ["ip", "-n", sw, "link", "set", port, "up"],
                      ["ip", "-n", hostNS, "link", "set", host, "up"]]
            }
        }
        return c
    }

    /// Commands that open a loop in `vni`: a shaped veth between the two switches' `br<vni>`.
    public func loop(vni: VNI) -> [LabStep] {
        let lp = Self.vniLoopInterface(vni), br = "br\(vni.value)"
        var c: [LabStep] = [["ip", "link", "add", lp, "netns", names.switch1, "type", "veth", "peer", "name", lp, "netns", names.switch2]]
        for sw in [names.switch1, names.switch2] {
            c.append(["ip", "-n", sw, "link", "set", lp, "master", br])
            c.append(["ip", "netns", "exec", sw, "tc", "qdisc", "add", "dev", lp, "root", "tbf",
                      "rate", loopRate, "burst", "16kb", "latency", "20ms"])
        }
        for sw in [names.switch1, names.switch2] { c.append(["ip", "-n", sw, "link", "set", lp, "up"]) }
        return c
    }

    /// Commands that close the loop in `vni` (deleting one end removes the veth pair).
    public func unloop(vni: VNI) -> [LabStep] {
        [LabStep(["ip", "-n", names.switch1, "link", "del", Self.vniLoopInterface(vni)])]
    }
}
