// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "LoopSentry",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "loopsentry", targets: ["loopsentry"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // Shared model types and pure logic: no C imports, no I/O.
        .target(name: "LoopSentryCore"),

        // The one folder that imports libbpf: C helpers for macros and opts structs
        // that do not import into Swift.
        .target(
            name: "CLoopSentryBPF",
            linkerSettings: [.linkedLibrary("bpf"), .linkedLibrary("elf"), .linkedLibrary("z")]
        ),

        // Compiles bpf/*.bpf.c with the toolchain's clang (-target bpf) and embeds the object.
        .executableTarget(name: "BPFEmbed"),
        .plugin(name: "BPFCompilerPlugin", capability: .buildTool(), dependencies: ["BPFEmbed"]),

        .target(
            name: "Sensor",
            dependencies: ["LoopSentryCore", "CLoopSentryBPF"],
            plugins: ["BPFCompilerPlugin"]
        ),
        // The one folder that imports Net-SNMP's agent library (AgentX subagent).
        .target(
            name: "CNetSNMP",
            linkerSettings: [.linkedLibrary("netsnmpagent"), .linkedLibrary("netsnmp")]
        ),
        .target(name: "NOCBridge", dependencies: ["LoopSentryCore", "CNetSNMP"]),
        // The configuration file: YAML read with Yams, validated with key paths and lines.
        .target(name: "LoopSentryConfig", dependencies: ["LoopSentryCore", .product(name: "Yams", package: "Yams")]),
        // The lab of network namespaces (loopsentry lab): a pure plan and a runner.
        .target(name: "Lab", dependencies: ["LoopSentryCore"]),
        // The one folder that imports libnftables: the in-process nftables cut driver.
        .target(name: "CNftables", linkerSettings: [.linkedLibrary("nftables")]),
        // The one folder that imports Net-SNMP's client library (the SNMP cut driver's sessions).
        .target(name: "CNetSNMPClient", linkerSettings: [.linkedLibrary("netsnmp")]),
        .target(name: "Remediate", dependencies: ["LoopSentryCore", "CNftables", "CNetSNMPClient",
                                                  .product(name: "GRDB", package: "GRDB.swift")]),

        .executableTarget(
            name: "loopsentry",
            dependencies: [
                "LoopSentryCore", "LoopSentryConfig", "Sensor", "NOCBridge", "Remediate", "Lab",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .testTarget(name: "LoopSentryCoreTests", dependencies: ["LoopSentryCore"]),
        .testTarget(name: "LoopSentryConfigTests", dependencies: ["LoopSentryConfig", "LoopSentryCore"]),
        .testTarget(name: "SensorTests", dependencies: ["Sensor", "LoopSentryCore", "CLoopSentryBPF"]),
        .testTarget(name: "RemediateTests", dependencies: ["Remediate", "LoopSentryCore"]),
        .testTarget(name: "NOCBridgeTests", dependencies: ["NOCBridge", "LoopSentryCore"]),
        .testTarget(name: "IntegrationTests", dependencies: ["LoopSentryCore", "Remediate"]),
    ]
)

// MARK: Syslog (issue 5) — appended so it merges beside other branches' entries.
// swift-log for the LogHandler backend; OpenSSL (libssl-dev) through a small C shim for RFC 5425 TLS.
package.dependencies.append(.package(url: "https://github.com/apple/swift-log", from: "1.16.2"))
package.targets.append(
    // The one folder that imports OpenSSL: the TLS client of the syslog sender.
    .target(name: "CLoopSentryTLS", linkerSettings: [.linkedLibrary("ssl"), .linkedLibrary("crypto")])
)
package.targets.first { $0.name == "NOCBridge" }?.dependencies += [
    "CLoopSentryTLS",
    .product(name: "Logging", package: "swift-log"),
]
package.targets.append(
    .testTarget(
        name: "SyslogTests",
        dependencies: ["NOCBridge", "LoopSentryCore", .product(name: "Logging", package: "swift-log")]
    )
)
