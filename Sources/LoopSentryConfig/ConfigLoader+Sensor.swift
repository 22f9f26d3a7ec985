import Foundation
import LoopSentryCore
import Yams

/// The sensor's identity in a fleet: its name (`sensor.name`, else the host name) and the probe
/// id of each interface (`interfaces[].sensor_id`, else `sensor.sensor_id` plus the interface's
/// position in the list, so the interfaces of one daemon differ unless told otherwise).
extension ConfigLoader {
    /// `sensor.name`: validated here; absent, the host name is checked instead (`crossCheckSensorIdentity`).
    static func readSensorName(_ m: [String: Node], _ r: ConfigReader, _ s: inout SensorConfig) {
        guard let name = r.string(m["name"], "sensor.name") else { return }
        if SensorName.isValid(name) { s.name = name } else { r.fail("sensor.name", m["name"], SensorName.message(for: name)) }
    }

    /// Two interfaces of one daemon must not share a probe id: each would count the other's
    /// probes as its own returning ones (a loop that is not there) when both reach one L2 domain.
    /// Without `sensor.name` the host name must be a valid name.
    static func crossCheckSensorIdentity(_ c: Configuration, _ sensorNode: Node?, _ r: ConfigReader) {
        var owner: [UInt8: (index: Int, name: String)] = [:]
        var names: Set<String> = []
        for (i, iface) in c.interfaces.enumerated() where names.insert(iface.name).inserted {   // a repeated name is its own error
            let derived = Int(c.sensor.sensorID) + i
            guard iface.sensorID != nil || derived <= 255 else {
                r.add(ConfigError(path: "interfaces[\(i)].sensor_id", line: iface.line,
                                  message: "not set, and sensor.sensor_id + \(i) = \(derived) is above 255: set it (0-255)"))
                continue
            }
            let id = c.probeID(ofInterfaceAt: i)
            if let first = owner[id] {
                r.add(ConfigError(path: "interfaces[\(i)].sensor_id", line: iface.line,
                                  message: "probe id \(id) is also interface '\(first.name)''s (interfaces[\(first.index)]): "
                                      + "give each interface of one daemon its own sensor_id"))
            } else {
                owner[id] = (i, iface.name)
            }
        }
        if c.sensor.name == nil, !SensorName.isValid(SensorConfig.hostName()) {
            r.add(ConfigError(path: "sensor.name", line: sensorNode?.mark?.line,
                              message: "not set, and the host name \(SensorName.message(for: SensorConfig.hostName())); set sensor.name"))
        }
    }
}

extension Configuration {
    /// The probe id the interface at `index` puts in its probe MACs: its own `sensor_id`, else
    /// `sensor.sensor_id + index` (validated to stay within 0-255).
    public func probeID(ofInterfaceAt index: Int) -> UInt8 {
        interfaces[index].sensorID ?? UInt8(truncatingIfNeeded: Int(sensor.sensorID) + index)
    }
}

extension SensorConfig {
    /// The name this sensor reports: `sensor.name`, else the host name.
    public var effectiveName: String { name ?? Self.hostName() }


    /// The host name (`gethostname`), up to the first dot.
    public static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "" }
        let full = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return String(full.prefix { $0 != "." })
    }
}
