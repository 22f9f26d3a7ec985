import Foundation

/// What an SLA needs about one tenant's incidents in a time window, computed from journal rows
/// by `init(tenant:since:until:rows:)` (pure: no clock, no I/O). Rendered by `text()`,
/// `json()` and `html()`; see docs/report.md.
public struct IncidentReport: Equatable, Sendable {
    /// The intervals measured per incident, each defined by journal transitions (see `Entry`).
    public enum Interval: String, CaseIterable, Sendable {
        case detect, acknowledge, cut, restore
    }

    /// One incident of the tenant opened in the window.
    public struct Entry: Equatable, Sendable {
        public var id: UInt64
        public var interface: String
        public var vlan: Int
        /// The inner VLAN of a QinQ pair, nil for a plain VLAN.
        public var inner: Int?
        /// The tenant's policy when the incident opened: `auto`, `ack` or `alarm`.
        public var policy: String
        public var openedAt: Date
        /// The time of the transition to `normal` that closed the incident; nil while open.
        public var closedAt: Date?
        /// The incident's state in the journal now (`normal` once closed).
        public var finalState: String
        /// The cause of the transition that started the cut (`policy auto`, `deadline`,
        /// `hard limit`, `operator NAME via VIA`), nil when nothing was cut.
        public var cutCause: String?
        /// Seconds per interval; an interval the incident never went through is absent.
        public var intervals: [Interval: Double]
        /// The operator actions recorded for the incident (accepted or refused), in order.
        public var actions: [JournalAction]
        /// The playbook and native driver runs of the incident, in order.
        public var runs: [JournalRun]
    }

    /// Median, 95th percentile and maximum of one interval over the incidents that have it.
    public struct Statistics: Equatable, Sendable {
        public var samples: Int
        public var median: Double
        /// Nearest rank: the value at rank ⌈0.95·n⌉ of the sorted samples; with fewer than 20
        /// samples that rank is n, so it is the maximum (`p95IsMax`).
        public var p95: Double
        public var max: Double
        /// True when there are fewer than 20 samples, so the p95 is the maximum.
        public var p95IsMax: Bool { samples < 20 }

        /// The statistics of `values`, nil when there are none.
        public init?(_ values: [Double]) {
            guard !values.isEmpty else { return nil }
            let sorted = values.sorted()
            let n = sorted.count
            samples = n
            median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
            let rank = Int((0.95 * Double(n)).rounded(.up))
            p95 = sorted[Swift.max(rank, 1) - 1]
            max = sorted[n - 1]
        }
    }

    public var tenant: String
    /// The window: incidents opened at or after `since` and before `until`.
    public var since: Date
    public var until: Date
    /// The incidents, oldest first.
    public var incidents: [Entry]

    /// How many incidents ended (so far) in each final state.
    public var byFinalState: [String: Int] {
        incidents.reduce(into: [:]) { $0[$1.finalState, default: 0] += 1 }
    }

    /// The final states present, in the order of an incident's life (unknown states last, by name).
    public var finalStates: [String] {
        let order = ["normal", "detected", "pendingAck", "cutting", "cut", "cutFailed", "restoring"]
        return byFinalState.keys.sorted { a, b in
            let (ia, ib) = (order.firstIndex(of: a) ?? order.count, order.firstIndex(of: b) ?? order.count)
            return ia != ib ? ia < ib : a < b
        }
    }

    /// The statistics of `interval` over the incidents, nil when no incident has it.
    public func statistics(_ interval: Interval) -> Statistics? {
        Statistics(incidents.compactMap { $0.intervals[interval] })
    }
}
