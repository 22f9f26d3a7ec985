import LoopSentryCore

/// The whole daemon configuration (`loopsentry run --config FILE`), validated.
/// See config/loopsentry.example.yaml for every key with its meaning and default.
public struct Configuration: Equatable, Sendable {
    public var sensor = SensorConfig()
    public var interfaces: [InterfaceConfig] = []
    public var tenants: [TenantConfig] = []
    public var remediation = RemediationConfig()
    public var snmp = SNMPConfig()
    public var syslog: [SyslogTargetConfig] = []
    public var journal = JournalConfig()
    /// Settings of every tenant's webhooks (`webhooks:`).
    public var webhooks = WebhooksConfig()
    public var control = ControlConfig()
    public var metrics: MetricsConfig?
    public var portal: PortalConfig?

    public init() {}

    /// The detection policy for the Detector: each interface's defaults and VLAN overrides.
    public var detectionPolicy: DetectionPolicy {
        var p = DetectionPolicy(defaults: DetectionThresholds())
        for i in interfaces {
            p.interfaces[i.name] = InterfaceDetectionPolicy(defaults: i.detection, overrides: i.overrides,
                                                            vniOverrides: i.vniOverrides)
        }
        return p
    }

    /// The tenant that owns `vlan` on `interface`, if any.
    public func tenant(interface: String, vlan: VLANID) -> TenantConfig? {
        tenants.first { t in t.vlans.contains { $0.interface == interface && $0.vlans.contains(vlan) } }
    }
}

public struct SensorConfig: Equatable, Sendable {
    /// How often the counters are read (ms).
    public var pollIntervalMilliseconds = 100
    /// Drop tagged frames after counting them (protects the sensor host in a storm).
    public var dropTagged = true
    public var probeIntervalMilliseconds = 1000
    /// The probe id of the first interface; the n-th (from 0) without its own
    /// `interfaces[].sensor_id` uses this + n.
    public var sensorID: UInt8 = 1
    /// This sensor's name in the fleet (`sensor.name`); nil: the host name (`effectiveName`).
    public var name: String?
    public var probeSenderIP: [UInt8] = [0, 0, 0, 0]
    public var probeTargetIP: [UInt8] = [192, 0, 2, 1]
    public init() {}
}

public struct InterfaceConfig: Equatable, Sendable {
    public var name: String
    public var netns: String?
    public var countInner = false
    public var detection: DetectionThresholds?
    public var overrides: [VLANThresholdOverride] = []
    /// Per-VNI threshold overrides (an `overrides` entry with `vnis:`).
    public var vniOverrides: [VNIThresholdOverride] = []
    public var probeVLANs = VLANSet()
    /// This interface's probe id (in its probe MACs); nil: `sensor.sensor_id` + its position.
    public var sensorID: UInt8?
    /// VXLAN VNIs counted on this (underlay) interface; empty: VXLAN is not counted.
    public var vnis = VNISet()
    /// VXLAN's UDP destination port on this interface.
    public var vxlanPort: UInt16 = VXLANWatch.defaultPort
    /// `vxlan_flood`: the VTEPs each probed VNI's self-probe is sent to (its flood list).
    public var vxlanFlood: [VNIFloodList] = []
    public var line: Int?
    public init(name: String) { self.name = name }
}

/// One `vxlan_flood` entry: VNIs and the VTEPs their self-probes go to.
public struct VNIFloodList: Equatable, Sendable {
    public var vnis: VNISet
    public var vteps: [VTEPAddress]
    public var line: Int?
    public init(vnis: VNISet, vteps: [VTEPAddress], line: Int? = nil) {
        self.vnis = vnis
        self.vteps = vteps
        self.line = line
    }
}

extension InterfaceConfig {
    /// The VNI probes of this interface: every VNI of `vxlan_flood` with its VTEPs, at its
    /// `vxlan_port`; nil without a flood list (validated to fit the probe slots).
    public var vniProbePlan: VNIProbePlan? {
        guard !vxlanFlood.isEmpty else { return nil }
        var flood: [VNI: [VTEPAddress]] = [:]
        for entry in vxlanFlood { for vni in entry.vnis.members { flood[vni] = entry.vteps } }
        return try? VNIProbePlan(flood: flood, port: vxlanPort)
    }
}

/// What happens when an ack deadline passes.
public enum DeadlineAction: String, Equatable, Sendable {
    case cut
    case keepWaiting = "keep-waiting"
}

/// One tenant VLAN list on one interface.
public struct TenantVLANs: Equatable, Sendable {
    public var interface: String
    public var vlans: VLANSet
    public var line: Int?
    public init(interface: String, vlans: VLANSet, line: Int? = nil) {
        self.interface = interface
        self.vlans = vlans
        self.line = line
    }
}

/// One tenant VNI list on one (underlay) interface.
public struct TenantVNIs: Equatable, Sendable {
    public var interface: String
    public var vnis: VNISet
    public var line: Int?
    public init(interface: String, vnis: VNISet, line: Int? = nil) {
        self.interface = interface
        self.vnis = vnis
        self.line = line
    }
}

/// Where and how a tenant's VLAN is cut: the driver that cuts, the trunk port, and the playbook
/// that cuts (driver `ansible`), or persists and audits a native cut, or takes over when the native
/// driver gave up (`fallback: ansible`).
public struct RemediationTarget: Equatable, Sendable {
    /// Which mechanism cuts: `ansible` (default), `nftables`, `snmp`, `ovs`.
    public var driver: CutDriverKind = .ansible
    /// Tried after the native driver's last attempt failed (only `ansible`).
    public var fallback: CutDriverKind?
    /// The playbook in `remediation.playbook_dir`; required for driver `ansible`, `fallback` and `persist`.
    public var playbook: String?
    /// The inventory host the playbook runs against.
    public var host: String
    /// The trunk port (switches) or bridge port (Linux) the VLAN is cut from.
    public var port: String
    /// Linux targets inside a network namespace (the lab): the playbook's `netns`, and the namespace
    /// the `nftables` driver enters.
    public var netns: String?
    /// The Ansible inventory; required for playbooks that talk to a network device.
    public var inventory: String?
    /// Switches: save the configuration (IOS `copy running-config startup-config`).
    public var saveConfig = false
    /// The playbook is killed after this.
    public var timeoutSeconds = 60
    /// After a native driver's cut is verified, run the playbook in the background to save the
    /// configuration and audit the cut. Defaults to true when a playbook is configured.
    public var persist = false
    /// The SNMP agent, credentials and port for driver `snmp`.
    public var snmp: SNMPCutTarget?
    /// The Open vSwitch database for driver `ovs` (and the `ovsdb` variable of its playbook).
    public var ovs: OVSCutTarget?
    /// Driver nftables: the family it cuts with (`family`; auto: bridge on a bridge port, else netdev).
    public var nftablesFamily: NftablesFamily = .auto
    /// What the playbook cuts, from its text (`# loopsentry-cuts: vni`); set when the file is loaded.
    public var playbookSegments = PlaybookSegments(vlans: true, vnis: false)
    /// The line of the `playbook` key, for the unknown-playbook error.
    public var playbookLine: Int?
    /// The line of the `remediation` mapping.
    public var line: Int?
    /// The line of the `snmp.credentials` key, for the credentials-file error.
    public var credentialsLine: Int?

    public init(playbook: String?, host: String, port: String, driver: CutDriverKind = .ansible) {
        self.playbook = playbook
        self.host = host
        self.port = port
        self.driver = driver
    }

    /// True when a playbook's text talks to a network device (a network connection plugin or a
    /// vendor collection): such a playbook needs an inventory with the device's address and
    /// credentials; the implicit local inventory is only for Linux hosts.
    public static func targetsNetworkDevice(playbookText text: String) -> Bool {
        ["network_cli", "netconf", "ansible.netcommon.", "cisco.", "junipernetworks.", "arista.", "vyos."]
            .contains { text.contains($0) }
    }

    /// A key identifying the trunk port this target cuts on: batches coalesce per key.
    public var portKey: String {
        "\(driver)|\(host)|\(netns ?? "")|\(port)|\(snmp.map { "\($0.address)|\($0.portIndex)" } ?? "")\(ovs.map { "|\($0.database)" } ?? "")"
    }
}

public struct TenantConfig: Equatable, Sendable {
    public var name: String
    public var contact = ""
    public var policy: RemediationPolicy = .alarm
    public var ackDeadlineSeconds = 300
    public var onDeadline: DeadlineAction = .keepWaiting
    /// Broadcast frames/s above which an ack policy cuts at once.
    public var hardLimit: Double?
    public var vlans: [TenantVLANs] = []
    /// VXLAN segments the tenant owns, per underlay interface.
    public var vnis: [TenantVNIs] = []
    public var remediation: RemediationTarget?
    /// Where each notification about the tenant's VLANs is POSTed, signed (docs/webhooks.md).
    public var webhooks: [WebhookConfig] = []
    public var line: Int?
    public init(name: String) { self.name = name }

    /// True when `key`'s segment (a QinQ pair by its outer VLAN) is one of the tenant's.
    public func owns(_ key: DetectionKey) -> Bool {
        switch key.segment {
        case .vlan(let v): vlans.contains { $0.interface == key.interface && $0.vlans.contains(v) }
        case .pair(let p): vlans.contains { $0.interface == key.interface && $0.vlans.contains(p.outer) }
        case .vni(let n): vnis.contains { $0.interface == key.interface && $0.vnis.contains(n) }
        }
    }
}

/// One tenant webhook: an http(s) URL and the file holding the signing secret (mode 0600).
public struct WebhookConfig: Equatable, Sendable {
    public var url: String
    /// The secret's file; relative paths are relative to the configuration file's folder.
    public var secretFile: String
    /// Seconds one POST may take before it counts as failed and is retried.
    public var timeoutSeconds = 10
    /// The line of the `secret_file` key, for the secret-file error.
    public var secretLine: Int?
    /// PEM file of the CA(s) an https receiver's certificate must chain to (a private CA); nil
    /// uses the system trust store. Relative to the configuration file's folder.
    public var caFile: String?
    /// The line of the `ca_file` key, for its error.
    public var caLine: Int?

    public init(url: String, secretFile: String) {
        self.url = url
        self.secretFile = secretFile
    }
}

public struct RemediationConfig: Equatable, Sendable {
    public var playbookDirectory = "playbooks"
    public var verifyWindowMilliseconds = 2000
    public var maxAttempts = 3
    public var retryBackoffMilliseconds = 2000
    public var dismissHoldDownSeconds = 600
    /// At most this many `ansible-playbook` processes run at once (cuts, restores, persistence).
    public var maxConcurrentPlaybooks = 2
    /// A playbook batch starts once no VLAN joined it for this long (at most four times this
    /// after its first), so VLANs of one loop detected a poll or two apart are cut by one run
    /// (native drivers never wait). Keep it above `sensor.poll_interval_ms`.
    public var playbookBatchWindowMilliseconds = 150
    public init() {}
}

public struct SNMPConfig: Equatable, Sendable {
    public var enabled = false
    public var agentxSocket = "/var/agentx/master"
    public var pingIntervalSeconds = 2
    /// Notification rate limits (token buckets), globally and per VLAN.
    public var notificationsPerMinute = 120
    public var notificationBurst = 30
    public var notificationsPerVLANPerMinute = 12
    public var notificationVLANBurst = 6
    /// Notifications kept while snmpd is unreachable (oldest dropped beyond).
    public var queueLimit = 256
    public init() {}
}

public enum SyslogTransport: String, Equatable, Sendable {
    case local, udp, tcp, tls
}

public struct SyslogTargetConfig: Equatable, Sendable {
    public var transport: SyslogTransport
    /// host:port for udp/tcp/tls; a socket path for local.
    public var address: String
    public var caFile: String?
    public var certFile: String?
    public var keyFile: String?
    public var queueLimit = 1000
    public init(transport: SyslogTransport, address: String) {
        self.transport = transport
        self.address = address
    }
}

/// `webhooks:`: how long delivered webhook rows stay in the journal (undelivered ones always stay).
public struct WebhooksConfig: Equatable, Sendable {
    public var retentionDays = 30
    public init() {}
}

public struct JournalConfig: Equatable, Sendable {
    public var path = "/var/lib/loopsentry/journal.sqlite"
    public init() {}
}

public struct ControlConfig: Equatable, Sendable {
    public var socket = "/run/loopsentry/control.sock"
    public init() {}
}

public struct MetricsConfig: Equatable, Sendable {
    public var host: String
    public var port: Int
}
