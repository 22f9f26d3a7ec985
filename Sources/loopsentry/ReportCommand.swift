import ArgumentParser
import Foundation
import LoopSentryConfig
import Remediate

/// `loopsentry report`: what an SLA needs about one tenant's incidents in a window, from the
/// journal (opened read-only), as text, JSON or a self-contained HTML page. See docs/report.md.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report",
        abstract: "Report a tenant's incidents in a time window from the journal (text, JSON or HTML).")

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, html
    }

    @Option(name: .long, help: "The tenant (as named in the configuration and the journal).")
    var tenant: String

    @Option(name: .long, help: "Incidents opened from: ISO 8601 (2026-11-30, 2026-11-30T10:00:00Z) or a time ago (24h, 7d).")
    var since: String

    @Option(name: .long, help: "Incidents opened before: same forms (default: now).")
    var until: String?

    @Option(name: .long, help: "The journal (default: the configuration's journal.path).")
    var journal: String?

    @Option(name: .long, help: "The daemon's configuration file, to find its journal (default: $LOOPSENTRY_CONFIG).")
    var config: String?

    @Option(name: .long, help: "The report's format.")
    var format: Format = .text

    @Option(name: .long, help: "Write the report to this file instead of standard output.")
    var output: String?

    func validate() throws {
        if journal != nil && config != nil { throw ValidationError("give --journal or --config, not both") }
        guard !tenant.isEmpty else { throw ValidationError("--tenant must not be empty") }
        _ = try window(now: Date())
    }

    /// The window `since ..< until`; a date that does not parse, or an empty window, is bad input.
    func window(now: Date) throws -> (since: Date, until: Date) {
        let start = try Self.date(since, option: "--since", now: now)
        let end = try until.map { try Self.date($0, option: "--until", now: now) } ?? now
        guard start < end else {
            throw ValidationError("--since \(ReportDate.format(start)) is not before --until \(ReportDate.format(end))")
        }
        return (start, end)
    }

    /// `text`, given for `option`, as a date; bad input naming the option when it is none.
    static func date(_ text: String, option: String, now: Date) throws -> Date {
        guard let d = ReportDate.parse(text, now: now) else {
            throw ValidationError("\(option): not a date: '\(text)' (ISO 8601 such as 2026-11-30 or 2026-11-30T10:00:00Z, or 24h, 7d)")
        }
        return d
    }

    /// The journal to read: `--journal`, else the `journal.path` of `--config` or
    /// `LOOPSENTRY_CONFIG`, else the default path.
    func journalPath(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        if let journal { return journal }
        return try daemonConfiguration(config, environment: environment)?.journal.path ?? JournalConfig().path
    }

    func run() throws {
        let (start, end) = try window(now: Date())
        let rows: JournalRows
        do {
            rows = try JournalReader.rows(path: try journalPath(), tenant: tenant, since: start, until: end)
        } catch let failure as JournalReader.Failure {
            throw RuntimeFailure(failure.description)
        }
        let report = IncidentReport(tenant: tenant, since: start, until: end, rows: rows)
        let page = switch format {
        case .text: report.text()
        case .json: report.json()
        case .html: report.html()
        }
        guard let output else {
            FileHandle.standardOutput.write(Data(page.utf8))
            return
        }
        let folder = URL(fileURLWithPath: output).deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: folder) else {
            throw RuntimeFailure("\(output): cannot write the report: folder \(folder) does not exist")
        }
        do {
            try Data(page.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
            throw RuntimeFailure("\(output): cannot write the report: \((error as NSError).localizedDescription)")
        }
    }
}
