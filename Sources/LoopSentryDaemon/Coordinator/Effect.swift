import LoopSentryConfig
import LoopSentryCore
import Remediate

/// What the shell does for the coordinator, in the order the coordinator returns them. A
/// `journal` effect comes before the effects that depend on it (write-ahead): the shell writes
/// it, then reports the outcome with `Coordinator.journalWritten(_:succeeded:reason:now:)`.
public enum Effect: Equatable, Sendable {
    /// Write these rows to the journal in one transaction.
    case journal([Journal.Write])
    /// Write one line to the event log.
    case record(EventRecord)
    /// Tell the NOC (through the notification throttle to SNMP and syslog).
    case notify(NOCNotification, incident: UInt64, detail: String)
    /// An operator's action, accepted or refused, for the syslog collectors (MSGID ACTION).
    case operatorAction(OperatorActionNotice)
    /// Journal the runs and start the batch on its driver; report with `batchFinished`.
    case startBatch(BatchStart)
    /// Send a probe in the segment (VLAN or VNI) now (its rate is rising).
    case probeSoon(interface: String, segment: Segment, at: UInt64)
    /// Status rows changed: publish `board.sortedRows` to the sinks now.
    case publish
    /// A cut finished: read the counters at once, so the next poll's interval lies after the cut.
    case pollSoon
    /// Call `tick` no later than `at` (monotonic ns): an incident's deadline.
    case wake(at: UInt64)
    /// One line for stderr (an alarm the service log must keep).
    case alarm(String)
}

/// A batch for the shell to start: journal `runs`, log `started`, then run `batch` with the
/// driver `driver` of `target`.
public struct BatchStart: Equatable, Sendable {
    public var id: Int
    public var work: CutWork
    public var driver: CutDriverKind
    public var target: RemediationTarget
    public var batch: CutBatch
    /// The event log line of the start, written once the runs are journaled.
    public var started: EventRecord
    public var runs: [Journal.RunStart]
}

/// One interface's counters as the sensor read them, for `Coordinator.poll`.
public struct InterfacePoll: Sendable {
    public var interface: String
    /// When the counters were read (monotonic ns).
    public var at: UInt64
    public var rates: [VLANRate]
    public var pairRates: [VLANPairRate]
    /// Own probes returned since the previous poll, per segment (VLAN or VNI) they were sent in.
    public var probeReturns: [Segment: UInt64]
    /// Own probes returned (and leaked) since the sensor attached.
    public var probes: [VLANID: ProbeCounters]
    /// Per-VNI rates (VXLAN inner frames) on an underlay interface that watches VNIs.
    public var vniRates: [VNIRate]
    /// Own VNI probes returned (and leaked) since the sensor attached, per probed VNI.
    public var vniProbes: [VNI: ProbeCounters] = [:]

    public init(interface: String, at: UInt64, rates: [VLANRate], pairRates: [VLANPairRate] = [],
                probeReturns: [Segment: UInt64] = [:], probes: [VLANID: ProbeCounters] = [:], vniRates: [VNIRate] = []) {
        self.vniRates = vniRates
        self.interface = interface
        self.at = at
        self.rates = rates
        self.pairRates = pairRates
        self.probeReturns = probeReturns
        self.probes = probes
    }
}

/// What the once-a-second attachment check found on an interface.
public enum InterfaceCheck: Equatable, Sendable {
    case inPlace
    case gone
    case reattached(ifIndex: Int32)
}
