import Foundation

/// What `lab up` built, kept in /run/loopsentry-lab/PREFIX.json (one file per namespace
/// prefix, so labs under different prefixes never read each other's) so that later lab
/// commands (and `down` after a crash) know the VLANs, the open loops and the traffic process.
public struct LabState: Codable, Equatable, Sendable {
    public static let directory = "/run/loopsentry-lab"
    public static func path(_ names: LabNamespaces) -> String { "\(directory)/\(names.prefix).json" }

    public var vlans: [Int]
    public var openLoops: [Int]
    public var trafficPID: Int32?
    /// Switch 1 is an Open vSwitch (`lab up --ovs`); absent in files of labs without it.
    public var ovs: Bool?
    /// The VNIs of a VXLAN lab (`lab up --vxlan`); absent in files of VLAN labs.
    public var vnis: [Int]?
    /// The VNIs whose loop is open (VXLAN lab).
    public var openVNILoops: [Int]?

    public init(vlans: [Int], openLoops: [Int] = [], trafficPID: Int32? = nil, ovs: Bool? = nil, vnis: [Int]? = nil) {
        self.vlans = vlans
        self.openLoops = openLoops
        self.trafficPID = trafficPID
        self.ovs = ovs
        self.vnis = vnis
    }

    public static func load(_ names: LabNamespaces) -> LabState? {
        guard let data = FileManager.default.contents(atPath: path(names)) else { return nil }
        return try? JSONDecoder().decode(LabState.self, from: data)
    }

    public func save(_ names: LabNamespaces) throws {
        try FileManager.default.createDirectory(atPath: Self.directory, withIntermediateDirectories: true)
        try JSONEncoder().encode(self).write(to: URL(fileURLWithPath: Self.path(names)), options: .atomic)
    }

    public static func remove(_ names: LabNamespaces) { try? FileManager.default.removeItem(atPath: path(names)) }
}
