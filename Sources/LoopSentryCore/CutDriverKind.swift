/// Which mechanism removes a VLAN from a trunk (and puts it back), chosen per tenant with
/// `remediation.driver` in the configuration.
public enum CutDriverKind: String, Equatable, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// `ansible-playbook` with the tenant's playbook (the default): any device Ansible reaches,
    /// about a second or more per run.
    case ansible
    /// In-process libnftables on a Linux bridge this host reaches (optionally inside a network
    /// namespace), and for VXLAN VNIs on any of its interfaces (netdev family): one nftables
    /// transaction, well under a millisecond.
    case nftables
    /// One SNMP SET on the switch (CISCO-VTP-MIB trunk bitmap or Q-BRIDGE-MIB egress ports).
    case snmp
    /// One OVSDB transaction (JSON-RPC, RFC 7047) on an Open vSwitch database's Unix socket: the
    /// VLANs leave the Port's `trunks`; milliseconds, and waits until ovs-vswitchd applied it.
    case ovs

    public var description: String { rawValue }

    /// True for the drivers that cut without a playbook; the playbook, when configured, then
    /// persists (saves) and audits the cut afterwards.
    public var isNative: Bool { self != .ansible }
}

/// Which MIB object an SNMP cut writes.
public enum SNMPCutMIB: String, Equatable, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// CISCO-VTP-MIB `vlanTrunkPortVlansEnabled` (VLANs 0–1023) and its `2k`/`3k`/`4k` chunks,
    /// guarded by `vlanTrunkPortSetSerialNo`; indexed by the trunk port's ifIndex.
    case ciscoVTP = "cisco-vtp"
    /// Q-BRIDGE-MIB `dot1qVlanStaticEgressPorts.<vlan>`: the port's bit in each VLAN's egress set;
    /// the port is a dot1dBasePort number.
    case qBridge = "q-bridge"

    public var description: String { rawValue }
}

/// Where an SNMP cut goes: the agent, the credentials file, the MIB and the port.
public struct SNMPCutTarget: Equatable, Hashable, Sendable {
    /// The agent's address as Net-SNMP writes it: `udp:192.0.2.10:161`, `192.0.2.10`, `udp6:[2001:db8::1]:161`.
    public var address: String
    /// A file with the SNMP credentials (never inline in the main configuration).
    public var credentialsFile: String
    /// Which MIB object is written.
    public var mib: SNMPCutMIB
    /// The trunk port: its ifIndex (cisco-vtp) or dot1dBasePort number (q-bridge).
    public var portIndex: Int
    /// How long one request waits for an answer.
    public var timeoutMilliseconds: Int
    /// How many times one request is resent after a timeout.
    public var retries: Int

    /// Creates a target; defaults: 1000 ms timeout, 1 retry.
    public init(address: String, credentialsFile: String, mib: SNMPCutMIB, portIndex: Int,
                timeoutMilliseconds: Int = 1000, retries: Int = 1) {
        self.address = address
        self.credentialsFile = credentialsFile
        self.mib = mib
        self.portIndex = portIndex
        self.timeoutMilliseconds = timeoutMilliseconds
        self.retries = retries
    }
}

/// Where an Open vSwitch cut goes: the database socket and how long one cut may take.
public struct OVSCutTarget: Equatable, Hashable, Sendable {
    /// The system's OVSDB socket as the OVS tools name it.
    public static let defaultDatabase = "unix:/var/run/openvswitch/db.sock"
    /// The database as the OVS tools name it: `unix:/PATH` (the Unix socket of ovsdb-server).
    public var database: String
    /// How long one batch may take: connect, read, transaction, and ovs-vswitchd applying it.
    public var timeoutMilliseconds: Int

    /// Creates a target; defaults: the system's socket, 5000 ms.
    public init(database: String = OVSCutTarget.defaultDatabase, timeoutMilliseconds: Int = 5000) {
        self.database = database
        self.timeoutMilliseconds = timeoutMilliseconds
    }

    /// The socket's path (the database without `unix:`).
    public var socketPath: String { database.hasPrefix("unix:") ? String(database.dropFirst(5)) : database }
}
