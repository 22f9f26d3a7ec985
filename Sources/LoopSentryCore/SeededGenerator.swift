/// A small seeded random number generator (SplitMix64), so that a random run — a fuzz test,
/// a lab traffic pattern — can be replayed exactly from its seed. Pure; not for secrets.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits (SplitMix64, Steele, Lea and Flood 2014).
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `count` random bytes.
    public mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &self) }
    }

    /// True with probability `p` (0...1).
    public mutating func chance(_ p: Double) -> Bool {
        Double.random(in: 0..<1, using: &self) < p
    }

    /// A random element of a non-empty collection.
    public mutating func pick<C: Collection>(_ c: C) -> C.Element {
        c.randomElement(using: &self)!
    }
}

/// How long a fuzz run is and where it starts: `FUZZ_ITERATIONS` and `FUZZ_SEED` from the
/// environment override the defaults, so `scripts/fuzz.sh --long` can run longer and a failure
/// can be replayed with the seed the run printed. Pure: the environment is passed in.
public struct FuzzBudget: Sendable, CustomStringConvertible {
    public var iterations: Int
    public var seed: UInt64

    /// `defaultIterations` unless `FUZZ_ITERATIONS` is set (scaled by `scale`, at least 1);
    /// the seed is `FUZZ_SEED` (decimal or 0x-hex) or `defaultSeed`.
    public init(environment: [String: String], defaultIterations: Int, defaultSeed: UInt64, scale: Double = 1) {
        if let text = environment["FUZZ_ITERATIONS"], let n = Int(text), n > 0 {
            iterations = max(1, Int(Double(n) * scale))
        } else {
            iterations = defaultIterations
        }
        if let text = environment["FUZZ_SEED"], let s = Self.number(text) {
            seed = s
        } else {
            seed = defaultSeed
        }
    }

    static func number(_ text: String) -> UInt64? {
        let t = text.lowercased()
        return t.hasPrefix("0x") ? UInt64(t.dropFirst(2), radix: 16) : UInt64(t)
    }

    /// The generator for this run.
    public var generator: SeededGenerator { SeededGenerator(seed: seed) }

    /// `FUZZ_SEED=… FUZZ_ITERATIONS=…`, printed by every fuzz test so a failure can be replayed.
    public var description: String { "FUZZ_SEED=0x\(String(seed, radix: 16)) FUZZ_ITERATIONS=\(iterations)" }
}
