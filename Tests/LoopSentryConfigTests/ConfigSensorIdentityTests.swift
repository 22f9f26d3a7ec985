import LoopSentryConfig
import LoopSentryCore
import Testing

/// `sensor.name` (the sensor's name in a fleet) and each interface's probe id: its own
/// `sensor_id`, else `sensor.sensor_id` + its position; two interfaces of one daemon never share one.
@Suite struct ConfigSensorIdentityTests {
    func errors(_ yaml: String) -> [String] { ConfigLoaderTests().errors(yaml) }

    @Test func aNamedSensorKeepsItsNameAndEachInterfaceItsOwnProbeID() throws {
        let c = try ConfigLoader.parse("""
            sensor: { name: edge-7.osaka, sensor_id: 10 }
            interfaces:
              - name: eth1
              - name: eth2
                sensor_id: 11
            """)
        #expect(c.sensor.effectiveName == "edge-7.osaka")
        #expect(c.interfaces.indices.map(c.probeID(ofInterfaceAt:)) == [10, 11])
        #expect(c.explanation().first?.hasPrefix("sensor edge-7.osaka: ") == true)
    }

    @Test func withoutANameTheSensorIsCalledAfterTheHost() throws {
        let c = try ConfigLoader.parse("interfaces:\n  - name: eth1\n")
        #expect(c.sensor.name == nil)
        #expect(c.sensor.effectiveName == SensorConfig.hostName() && !c.sensor.effectiveName.isEmpty)
        #expect(c.explanation().first?.hasPrefix("sensor \(SensorConfig.hostName()) (the host name): ") == true)
    }

    @Test(arguments: [
        ("sensor: { name: \"edge 7\" }\ninterfaces:\n  - name: eth1\n",
         "sensor.name (line 1): 'edge 7' is not a sensor name: 1-64 characters of letters, digits, '.', '-' and '_', starting with a letter or digit"),
        ("sensor: { name: -edge }\ninterfaces:\n  - name: eth1\n", "sensor.name (line 1): '-edge' is not a sensor name"),
        ("sensor: { name: \"\(String(repeating: "a", count: 65))\" }\ninterfaces:\n  - name: eth1\n", "sensor.name (line 1): 'aaaa"),
        ("interfaces:\n  - name: eth1\n  - name: eth2\n    sensor_id: 1\n",
         "interfaces[1].sensor_id (line 3): probe id 1 is also interface 'eth1''s (interfaces[0]): give each interface of one daemon its own sensor_id"),
        ("sensor: { sensor_id: 7 }\ninterfaces:\n  - name: eth1\n    sensor_id: 8\n  - name: eth2\n",
         "interfaces[1].sensor_id (line 5): probe id 8 is also interface 'eth1''s (interfaces[0])"),
        ("sensor: { sensor_id: 255 }\ninterfaces:\n  - name: eth1\n  - name: eth2\n",
         "interfaces[1].sensor_id (line 4): not set, and sensor.sensor_id + 1 = 256 is above 255: set it (0-255)"),
        ("interfaces:\n  - name: eth1\n    sensor_id: 256\n", "interfaces[0].sensor_id (line 3): "),
    ])
    func badIdentityIsOneLineNamingKeyAndLine(yaml: String, expected: String) {
        let found = errors(yaml)
        #expect(found.count == 1 && found[0].hasPrefix(expected), "expected '\(expected)' in \(found)")
    }

    @Test func interfacesWithoutTheirOwnIDCountOnFromTheSensorsID() throws {
        let c = try ConfigLoader.parse("sensor: { sensor_id: 20 }\ninterfaces:\n  - name: eth1\n  - name: eth2\n  - { name: eth3, sensor_id: 3 }\n")
        #expect(c.interfaces.indices.map(c.probeID(ofInterfaceAt:)) == [20, 21, 3])
        #expect(c.explanation()[1].hasSuffix("(probe id 20)") && c.explanation()[2].hasSuffix("(probe id 21)"))
    }
}
