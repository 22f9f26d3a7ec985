import Foundation
import LoopSentryCore

/// What a remediation playbook is asked to do to one VLAN.
public enum PlaybookAction: String, Codable, Sendable, CaseIterable {
    /// Remove the VLAN from the trunk (or drop it on the bridge port).
    case cut
    /// Put the VLAN back.
    case restore
}

/// One value of the vars file: the playbooks take strings, integers and booleans.
public enum PlaybookVariableValue: Equatable, Sendable, Encodable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case ints([Int])

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let s): try c.encode(s)
        case .int(let i): try c.encode(i)
        case .bool(let b): try c.encode(b)
        case .ints(let l): try c.encode(l)
        }
    }
}

/// The variables of one playbook run. They reach `ansible-playbook` only as a JSON file passed
/// with `-e @FILE`, so no value is ever interpolated into a shell line (the playbooks validate
/// each value again before using it).
public struct PlaybookVariables: Equatable, Sendable {
    public var action: PlaybookAction
    /// The first (lowest) VLAN of `vlans`: `vlan`, for playbooks and operators that act on one
    /// (nil in a run of VNIs only).
    public var vlan: VLANID? { vlans.first }
    /// Every VLAN of the run, ascending: `vlans` (a list). Cuts for one port coalesce into one run.
    public var vlans: [VLANID]
    /// Every VXLAN VNI of the run, ascending: `vnis` (a list, and the first as `vni`); only VNI
    /// playbooks (`linux-vxlan-vni.yml`) take them.
    public var vnis: [VNI] = []
    /// The UDP destination port of the VNIs' VXLAN traffic: `vxlan_port` (with `vnis` only).
    public var vxlanPort: UInt16 = VXLANWatch.defaultPort
    /// The inventory host (or group) the play runs against: `target_host`.
    public var targetHost: String
    /// Bridge port for linux-bridge-vlan.yml: `port`.
    public var port: String?
    /// Trunk interface for the switch playbooks: `interface`.
    public var interface: String?
    public var tenant: String?
    /// `incident_id`: written into nftables rule comments and Junos commit comments.
    public var incidentID: String?
    /// Network namespace to run the Linux commands in (the lab): `netns`.
    public var netns: String?
    /// Cisco IOS: copy the running config to the startup config after a change: `save_config`.
    public var saveConfig: Bool?
    /// Further variables (`method`, `unit`, `render_only`, ...). The named fields
    /// above win over an extra of the same name.
    public var extra: [String: PlaybookVariableValue]

    public init(action: PlaybookAction, vlan: VLANID, targetHost: String, port: String? = nil,
                interface: String? = nil, tenant: String? = nil, incidentID: String? = nil,
                netns: String? = nil, saveConfig: Bool? = nil, extra: [String: PlaybookVariableValue] = [:]) {
        self.init(action: action, vlans: [vlan], targetHost: targetHost, port: port, interface: interface, tenant: tenant,
                  incidentID: incidentID, netns: netns, saveConfig: saveConfig, extra: extra)
    }

    /// Variables for several VLANs of one port (at least one; sorted and made unique here).
    public init(action: PlaybookAction, vlans: [VLANID], targetHost: String, port: String? = nil,
                interface: String? = nil, tenant: String? = nil, incidentID: String? = nil,
                netns: String? = nil, saveConfig: Bool? = nil, extra: [String: PlaybookVariableValue] = [:]) {
        precondition(!vlans.isEmpty, "a playbook run needs at least one VLAN (or VNIs: init(action:vnis:...))")
        self.action = action
        self.vlans = Array(Set(vlans)).sorted()
        self.targetHost = targetHost
        self.port = port
        self.interface = interface
        self.tenant = tenant
        self.incidentID = incidentID
        self.netns = netns
        self.saveConfig = saveConfig
        self.extra = extra
    }

    /// Variables for VNIs (at least one; sorted and made unique here) carried in UDP port
    /// `vxlanPort`, and VLANs of the same run if any.
    public init(action: PlaybookAction, vnis: [VNI], vxlanPort: UInt16, vlans: [VLANID] = [], targetHost: String,
                port: String? = nil, tenant: String? = nil, incidentID: String? = nil, netns: String? = nil,
                extra: [String: PlaybookVariableValue] = [:]) {
        precondition(!vnis.isEmpty, "a VNI playbook run needs at least one VNI")
        self.action = action
        self.vlans = Array(Set(vlans)).sorted()
        self.vnis = Array(Set(vnis)).sorted()
        self.vxlanPort = vxlanPort
        self.targetHost = targetHost
        self.port = port
        self.tenant = tenant
        self.incidentID = incidentID
        self.netns = netns
        self.extra = extra
    }

    /// The variables as the playbooks name them; unset optionals are left out, and a run
    /// without VLANs has neither `vlan` nor `vlans` (nor one without VNIs `vni`, `vnis`, `vxlan_port`).
    public var dictionary: [String: PlaybookVariableValue] {
        var d = extra
        d["action"] = .string(action.rawValue)
        if let vlan {
            d["vlan"] = .int(Int(vlan.value))
            d["vlans"] = .ints(vlans.map { Int($0.value) })
        }
        if let vni = vnis.first {
            d["vni"] = .int(Int(vni.value))
            d["vnis"] = .ints(vnis.map { Int($0.value) })
            d["vxlan_port"] = .int(Int(vxlanPort))
        }
        d["target_host"] = .string(targetHost)
        if let port { d["port"] = .string(port) }
        if let interface { d["interface"] = .string(interface) }
        if let tenant { d["tenant"] = .string(tenant) }
        if let incidentID { d["incident_id"] = .string(incidentID) }
        if let netns { d["netns"] = .string(netns) }
        if let saveConfig { d["save_config"] = .bool(saveConfig) }
        return d
    }

    /// The vars file's contents: one JSON object, keys sorted so equal variables give equal bytes.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(dictionary)
    }
}
