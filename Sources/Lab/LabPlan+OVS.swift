import LoopSentryCore

/// The lab with an Open vSwitch as switch 1: where its private OVS lives and the `ovs-vsctl`
/// steps that build its bridge and ports. Pure, like the rest of the plan; `PrivateOVS` starts
/// and stops the daemons.
extension LabPlan {
    /// The folder of the lab's private OVS (database, sockets, logs): beside the lab's state file.
    public static func ovsDirectory(_ names: LabNamespaces) -> String { "\(LabState.directory)/\(names.prefix)-ovs" }

    /// The lab OVS's database as the OVS tools and `remediation.ovs.database` name it.
    public static func ovsDatabase(_ names: LabNamespaces) -> String { "unix:\(ovsDirectory(names))/db.sock" }

    /// True when the switch in namespace `ns` is the Open vSwitch.
    func isOVS(_ ns: String) -> Bool { ovs && ns == names.switch1 }

    /// `ovs-vsctl` on the lab's database; it returns once ovs-vswitchd has applied the change.
    func ovsctl(_ arguments: [String]) -> LabStep {
        LabStep(["ovs-vsctl", "--db=" + Self.ovsDatabase(names), "--timeout=10"] + arguments)
    }

    /// Adds interface `name` to the OVS bridge: a trunk of `trunks`, or of every VLAN (empty trunks).
    func ovsPort(_ name: String, trunks: [VLANID]?) -> LabStep {
        ovsctl(["add-port", "br0", name] + (trunks.map { ["trunks=" + $0.map { String($0.value) }.joined(separator: ",")] } ?? []))
    }
}
