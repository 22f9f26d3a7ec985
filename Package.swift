// swift-tools-version: 6.0
import PackageDescription

// Layout and what each target may import: docs/architecture.md. C shim folders (C…) are each the
// one place their library is imported; only the shells (Sensor, NOCBridge, Remediate) use them.
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
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // Shared model types and pure logic: no C imports, no I/O.
        .target(name: "LoopSentryCore"),
        // The configuration file: YAML read with Yams, validated with key paths and lines.
        .target(name: "LoopSentryConfig", dependencies: ["LoopSentryCore", .product(name: "Yams", package: "Yams")]),
        // The thin OS layer every shell uses (Glibc only): the monotonic and wall clocks, the one
        // funnel and error type for plain libc calls, and the one way to start a child process.
        .target(name: "LoopSentrySystem", dependencies: ["LoopSentryCore"]),

        // libbpf: C helpers for macros and opts structs that do not import into Swift.
        .target(name: "CLoopSentryBPF",
                linkerSettings: [.linkedLibrary("bpf"), .linkedLibrary("elf"), .linkedLibrary("z")]),
        // Compiles bpf/*.bpf.c with the toolchain's clang (-target bpf) and embeds the object.
        .executableTarget(name: "BPFEmbed"),
        .plugin(name: "BPFCompilerPlugin", capability: .buildTool(), dependencies: ["BPFEmbed"]),
        // The eBPF sensor's shell: object ownership, tc attach, counters, probes.
        .target(name: "Sensor", dependencies: ["LoopSentryCore", "LoopSentrySystem", "CLoopSentryBPF"], plugins: ["BPFCompilerPlugin"]),

        // Net-SNMP's agent library (the AgentX subagent) and OpenSSL (RFC 5425 syslog over TLS).
        .target(name: "CNetSNMP", linkerSettings: [.linkedLibrary("netsnmpagent"), .linkedLibrary("netsnmp")]),
        .target(name: "CLoopSentryTLS", linkerSettings: [.linkedLibrary("ssl"), .linkedLibrary("crypto")]),
        // What the NOC sees: the AgentX subagent, notifications, syslog, metrics.
        .target(name: "NOCBridge", dependencies: ["LoopSentryCore", "LoopSentrySystem", "CNetSNMP", "CLoopSentryTLS",
                                                  .product(name: "Logging", package: "swift-log")]),

        // libnftables (the nftables cut driver) and Net-SNMP's client sessions (the SNMP cut driver).
        .target(name: "CNftables", linkerSettings: [.linkedLibrary("nftables")]),
        .target(name: "CNetSNMPClient", linkerSettings: [.linkedLibrary("netsnmp")]),
        // Incidents, the journal, the cut scheduler and drivers, the Ansible runner.
        .target(name: "Remediate", dependencies: ["LoopSentryCore", "LoopSentrySystem", "CNftables", "CNetSNMPClient",
                                                  .product(name: "GRDB", package: "GRDB.swift")]),

        // The lab of network namespaces (loopsentry lab): a pure plan and a runner.
        .target(name: "Lab", dependencies: ["LoopSentryCore", "LoopSentrySystem"]),

        // The tenant portal and /metrics: one Hummingbird server (HTTPS with HummingbirdTLS), the
        // JSON API, Server-Sent Events and the embedded web page; token checks and rate limits.
        .target(name: "Portal", dependencies: [
            "LoopSentryCore", "LoopSentryConfig", "NOCBridge",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTLS", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // The daemon as a library: the pure coordinator (detection → incidents → effects) and the
        // thin shell of services around it (sensors, sinks, control socket, drivers, journal).
        .target(name: "LoopSentryDaemon", dependencies: [
            "LoopSentryCore", "LoopSentrySystem", "LoopSentryConfig", "Sensor", "NOCBridge", "Remediate", "Portal",
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // The CLI: only its commands.
        .executableTarget(name: "loopsentry", dependencies: [
            "LoopSentryCore", "LoopSentrySystem", "LoopSentryConfig", "LoopSentryDaemon", "Sensor", "NOCBridge", "Remediate", "Lab", "Portal",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // What test suites that build a lab share: a lab of their own under a per-run namespace prefix.
        .target(name: "LabTestSupport", dependencies: ["Lab"], path: "Tests/LabTestSupport"),

        .testTarget(name: "LoopSentryCoreTests", dependencies: ["LoopSentryCore"]),
        .testTarget(name: "LoopSentrySystemTests", dependencies: ["LoopSentrySystem"]),
        .testTarget(name: "LabTests", dependencies: ["Lab", "LoopSentryCore"]),
        .testTarget(name: "LoopSentryConfigTests", dependencies: ["LoopSentryConfig", "LoopSentryCore"]),
        .testTarget(name: "SensorTests", dependencies: ["Sensor", "LoopSentryCore", "CLoopSentryBPF"]),
        .testTarget(name: "RemediateTests", dependencies: ["Remediate", "LoopSentryCore", "LabTestSupport", "Lab"]),
        .testTarget(name: "NOCBridgeTests", dependencies: ["NOCBridge", "LoopSentryCore", "LoopSentrySystem"]),
        .testTarget(name: "SyslogTests", dependencies: ["NOCBridge", "LoopSentryCore", "LoopSentrySystem",
                                                        .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "LoopSentryDaemonTests", dependencies: ["LoopSentryDaemon", "LoopSentryConfig", "LoopSentryCore",
                                                                 "Remediate", "NOCBridge"]),
        .testTarget(name: "PortalTests", dependencies: ["Portal", "LoopSentryCore", "LoopSentryConfig", "NOCBridge"]),
        .testTarget(name: "IntegrationTests", dependencies: ["LoopSentryCore", "Remediate", "Lab", "LabTestSupport"]),
    ]
)
