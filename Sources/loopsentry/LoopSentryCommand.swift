import ArgumentParser

/// `loopsentry`: per-VLAN loop and broadcast-storm sensor for shared trunks.
struct LoopSentryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loopsentry",
        abstract: "Per-VLAN loop and broadcast-storm sensor for shared trunks (eBPF).",
        version: "0.1.0",
        subcommands: [RunCommand.self, MonitorCommand.self, StatusCommand.self, AckCommand.self, DismissCommand.self, RestoreCommand.self,
                      ThresholdsCommand.self,
                      CheckConfigCommand.self, ReportCommand.self, LabCommand.self, BenchBPFCommand.self, SnmpVacmCommand.self, SNMPCutCommand.self,
                      TokenCommand.self]
    )
}
