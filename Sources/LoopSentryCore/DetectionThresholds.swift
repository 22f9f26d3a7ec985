/// A rising/falling pair in frames per second, RMON style (RFC 2819 alarmRisingThreshold and
/// alarmFallingThreshold): a storm starts at/above `rising` and can end only at/below `falling`.
public struct RateThreshold: Equatable, Sendable {
    /// Frames/s at or above which the rate counts as a storm.
    public var rising: Double
    /// Frames/s at or below which the rate counts as calm; must be below `rising` (hysteresis).
    public var falling: Double

    /// Creates a threshold pair.
    public init(rising: Double, falling: Double) {
        self.rising = rising
        self.falling = falling
    }

    /// Problems with this pair, naming fields as `<field>.rising` / `<field>.falling`.
    public func validationErrors(field: String) -> [DetectionConfigError] {
        var errors: [DetectionConfigError] = []
        let risingOK = rising.isFinite && rising > 0
        let fallingOK = falling.isFinite && falling >= 0
        if !risingOK {
            errors.append(.init(field: "\(field).rising",
                                message: "must be a finite rate above 0 frames/s (got \(formatRate(rising)))"))
        }
        if !fallingOK {
            errors.append(.init(field: "\(field).falling",
                                message: "must be a finite rate of 0 frames/s or more (got \(formatRate(falling)))"))
        }
        if risingOK, fallingOK, falling >= rising {
            errors.append(.init(field: "\(field).falling",
                                message: "must be below \(field).rising (got \(formatRate(falling)), "
                                    + "rising is \(formatRate(rising)))"))
        }
        return errors
    }
}

/// The thresholds and timings that decide when one key's traffic is a storm and when it is over.
public struct DetectionThresholds: Equatable, Sendable {
    /// The default broadcast pair: storm at 1000 frames/s, calm at 500 frames/s.
    public static let defaultBroadcast = RateThreshold(rising: 1000, falling: 500)

    /// Broadcast frames/s thresholds, always evaluated.
    public var broadcast: RateThreshold
    /// Multicast frames/s thresholds; nil (the default) disables multicast detection.
    public var multicast: RateThreshold?
    /// How long the rate must stay at/above a rising threshold before a storm is declared.
    public var sustain: Duration
    /// How long every rate must stay at/below its falling threshold, with no probe returning,
    /// before a storm is declared over.
    public var clear: Duration

    /// Creates thresholds; the defaults are 1000/500 broadcast frames/s, no multicast, 300 ms, 2 s.
    public init(broadcast: RateThreshold = DetectionThresholds.defaultBroadcast, multicast: RateThreshold? = nil,
                sustain: Duration = .milliseconds(300), clear: Duration = .seconds(2)) {
        self.broadcast = broadcast
        self.multicast = multicast
        self.sustain = sustain
        self.clear = clear
    }

    /// The thresholds for `kind`, nil when that kind is not detected.
    public func threshold(for kind: StormKind) -> RateThreshold? {
        switch kind {
        case .broadcast: return broadcast
        case .multicast: return multicast
        }
    }

    /// Problems with these thresholds; each field is named after `prefix` (e.g. `defaults.sustain`).
    public func validationErrors(prefix: String = "") -> [DetectionConfigError] {
        var errors = broadcast.validationErrors(field: prefix + "broadcast")
        errors += multicast?.validationErrors(field: prefix + "multicast") ?? []
        if sustain < .zero {
            errors.append(.init(field: prefix + "sustain", message: "must not be negative (got \(sustain))"))
        }
        if clear < .zero {
            errors.append(.init(field: prefix + "clear", message: "must not be negative (got \(clear))"))
        }
        return errors
    }

    /// `sustain` in nanoseconds, negative clamped to 0.
    var sustainNanos: UInt64 { nanoseconds(of: sustain) }
    /// `clear` in nanoseconds, negative clamped to 0.
    var clearNanos: UInt64 { nanoseconds(of: clear) }
}

/// One configuration problem: the field it is about and what is wrong, printed as one line.
public struct DetectionConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The field's path, e.g. `interfaces.eth1.overrides[100-199].broadcast.falling`.
    public var field: String
    /// What is wrong and what was found.
    public var message: String

    /// Creates an error for `field`.
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    /// `field: message`.
    public var description: String { "\(field): \(message)" }
}

/// A rate for messages: whole numbers without a fraction (`500`), others as Swift prints them.
func formatRate(_ value: Double) -> String {
    if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return String(value)
}

/// Whole nanoseconds in `duration`; negative durations give 0, huge ones saturate.
func nanoseconds(of duration: Duration) -> UInt64 {
    guard duration > .zero else { return 0 }
    let (seconds, attoseconds) = duration.components  // both non-negative here
    let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
    let (total, carry) = whole.addingReportingOverflow(UInt64(attoseconds / 1_000_000_000))
    return overflow || carry ? .max : total
}
