import Foundation
import LoopSentryConfig
import LoopSentryCore
import Testing

/// Fuzzes `ConfigLoader.parse` with random bytes, random documents built from the real key
/// names, and mutations of the shipped example. Whatever the input, the loader returns within
/// a second; a refusal is a non-empty list of errors, each one line naming a key path or a
/// line of the file; an accepted file re-validates (same result again, thresholds consistent).
/// Replay a failure with the printed `FUZZ_SEED=… FUZZ_ITERATIONS=…`.
@Suite struct ConfigLoaderFuzzTests {
    static let example: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return (try? String(contentsOf: root.appendingPathComponent("config/loopsentry.example.yaml"), encoding: .utf8)) ?? ""
    }()

    /// Checks every property on one input; returns what is wrong, or nil.
    static func violation(_ text: String) -> String? {
        let start = ContinuousClock.now
        let result: Result<Configuration, ConfigErrors>
        do throws(ConfigErrors) { result = .success(try ConfigLoader.parse(text)) } catch { result = .failure(error) }
        let elapsed = ContinuousClock.now - start
        if elapsed > .seconds(1) { return "took \(elapsed)" }
        let lineCount = text.split(separator: "\n", omittingEmptySubsequences: false).count
        switch result {
        case let .failure(e):
            if e.errors.isEmpty { return "refused with no error" }
            for error in e.errors {
                let d = error.description
                if d.contains(where: { $0.isNewline }) { return "error is not one line: \(d.debugDescription.prefix(300))" }
                if error.path.isEmpty && error.line == nil { return "error names neither key nor line: \(d.prefix(200))" }
                if let l = error.line, !(1...(lineCount + 1)).contains(l) { return "line \(l) outside the file (\(lineCount) lines): \(d.prefix(200))" }
            }
        case let .success(c):
            if c.interfaces.isEmpty { return "accepted without interfaces" }
            let again = try? ConfigLoader.parse(text)
            if again != c { return "a second parse differs" }
            let problems = c.detectionPolicy.validationErrors()
            if !problems.isEmpty { return "accepted thresholds that do not validate: \(problems)" }
            if c.tenants.contains(where: { $0.policy != .alarm && $0.remediation == nil }) { return "cut policy without a target" }
            if Set(c.tenants.map(\.name)).count != c.tenants.count { return "duplicate tenant accepted" }
        }
        return nil
    }

    /// Runs `make` `budget.iterations` times and records the first few violations.
    func run(_ name: String, defaultIterations: Int, seed: UInt64, _ make: (inout SeededGenerator, Int) -> String) {
        let budget = FuzzBudget(environment: ProcessInfo.processInfo.environment, defaultIterations: defaultIterations,
                                defaultSeed: seed, scale: Double(defaultIterations) / 2000)
        print("config fuzz \(name): \(budget)")
        var rng = budget.generator
        var failures = 0
        var accepted = 0
        for i in 0..<budget.iterations {
            let text = make(&rng, i)
            if let why = Self.violation(text) {
                failures += 1
                if failures <= 5 { Issue.record("\(name) #\(i) (\(budget)): \(why)\ninput: \(text.debugDescription.prefix(600))") }
            } else if (try? ConfigLoader.parse(text)) != nil {
                accepted += 1
            }
        }
        print("config fuzz \(name): \(budget.iterations) inputs, \(accepted) accepted, \(failures) violations")
    }

    @Test("random bytes: refused with one-line errors that name a line")
    func randomBytes() {
        run("bytes", defaultIterations: 2000, seed: 0xC0F1_6001) { rng, _ in
            let yamlish = Array(": -[]{}#&*!|>'\"\n\t ab01".utf8)
            let n = Int.random(in: 0...300, using: &rng)
            let bytes = rng.chance(0.5) ? rng.bytes(n) : (0..<n).map { _ in rng.pick(yamlish) }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    @Test("random documents from the real key names with hostile values")
    func structuredDocuments() {
        var generator: ConfigFuzzGenerator?
        run("documents", defaultIterations: 2000, seed: 0xC0F1_6002) { rng, _ in
            if generator == nil { generator = ConfigFuzzGenerator(rng: SeededGenerator(seed: rng.next())) }
            return generator!.document()
        }
    }

    @Test("mutations of the shipped example: deleted, duplicated, swapped lines, flipped characters")
    func mutatedExample() {
        #expect(!Self.example.isEmpty)
        var generator: ConfigFuzzGenerator?
        run("mutations", defaultIterations: 2000, seed: 0xC0F1_6003) { rng, _ in
            if generator == nil { generator = ConfigFuzzGenerator(rng: SeededGenerator(seed: rng.next())) }
            return generator!.mutate(Self.example)
        }
    }

    @Test("regressions the fuzzer found: each refusal is one line at the right line", arguments: [
        ("interfaces:\n  - name: eth1\nsensor:\n  drop_tagged: true\n  drop_tagged: false\n", 4,
         "not valid YAML: key 'drop_tagged' appears twice in one mapping"),
        ("interfaces:\n  - name: eth1\n  - name: e\u{1}\n", 3, "not valid YAML: control characters are not allowed"),
        ("interfaces:\n  - name: eth1\ncontrol: { socket: *nowhere }\n", 3, "not valid YAML: found undefined alias"),
        ("interfaces:\n  - name: eth1\ntenants:\n  - { name: a, policy: \"x\\u2028y\", vlans: [] }\n", 4,
         "must be one of auto, ack, alarm; got 'x\\u{2028}y'"),
    ])
    func regressions(text: String, line: Int, message: String) {
        #expect(Self.violation(text) == nil)
        #expect(throws: ConfigErrors.self) { try ConfigLoader.parse(text) }
        do throws(ConfigErrors) { _ = try ConfigLoader.parse(text) } catch {
            #expect(error.errors.contains { $0.line == line && $0.description.hasSuffix(message) }, "\(error)")
        }
    }
}
