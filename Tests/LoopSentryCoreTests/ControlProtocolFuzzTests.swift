import Foundation
import LoopSentryCore
import Testing

/// Fuzzes `ControlRequest.parse` with random bytes, random JSON built from the real field names
/// (hostile numbers, strings with control and non-ASCII characters, deep nesting, over-long
/// lines) and byte mutations of valid requests. A refusal is one line without control
/// characters; an accepted request satisfies every documented constraint and round-trips.
/// Replay a failure with the printed `FUZZ_SEED=… FUZZ_ITERATIONS=…`.
@Suite struct ControlProtocolFuzzTests {
    static let valid = [
        #"{"op":"status"}"#, #"{"op":"ack","interface":"eth1","vlan":20,"by":"alice"}"#,
        #"{"op":"dismiss","interface":"lsit1","vlan":4094}"#, #"{"op":"restore","interface":"e","vlan":1,"by":"a b@c.d"}"#,
    ]

    /// A random JSON value; `depth` bounds nesting.
    static func json(_ rng: inout SeededGenerator, depth: Int) -> String {
        let numbers = ["0", "-1", "1", "20", "4094", "4095", "20.0", "20.5", "-0", "1e400", "-1e400", "1e2",
                       "9223372036854775807", "9223372036854775808", "-9223372036854775809", "0.1e1", "2e-5"]
        let strings = ["status", "ack", "dismiss", "restore", "", "eth1", "a/b", "..", "a:b", "a b", "a\\nb", "a\\u0000b",
                       "\\u001b[31m", "日本語", "🙂", "\\ud800", "\\udfff\\ud800", String(repeating: "x", count: 70),
                       "alice", "STATUS", "ack ", "a\\tb", "\\u202e", "é"]
        switch Int.random(in: 0..<(depth > 0 ? 9 : 6), using: &rng) {
        case 0, 1: return rng.pick(numbers)
        case 2, 3: return "\"\(rng.pick(strings))\""
        case 4: return rng.pick(["true", "false", "null"])
        case 5: return "\"" + String(repeating: rng.pick(["a", "é", "\\\"", "\\n"]), count: Int.random(in: 0...3000, using: &rng)) + "\""
        case 6: return "[" + (0..<Int.random(in: 0...3, using: &rng)).map { _ in json(&rng, depth: depth - 1) }.joined(separator: ",") + "]"
        case 7: return object(&rng, depth: depth - 1)
        default:
            let d = Int.random(in: 1...3000, using: &rng)
            return String(repeating: "[", count: d) + String(repeating: "]", count: rng.chance(0.5) ? d : d / 2)
        }
    }

    static func object(_ rng: inout SeededGenerator, depth: Int) -> String {
        let keys = ["op", "interface", "vlan", "by", "extra", "OP", "", "op\\u0000", "\\u006fp"]
        let fields = (0..<Int.random(in: 0...5, using: &rng)).map { _ in
            "\"\(rng.pick(keys))\":\(json(&rng, depth: depth))"
        }
        return "{" + fields.joined(separator: rng.pick([",", ", ", ",,"])) + "}"
    }

    /// One random request line (without the newline the socket strips).
    static func line(_ rng: inout SeededGenerator) -> Data {
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: return Data(rng.bytes(Int.random(in: 0...(rng.chance(0.1) ? 6000 : 200), using: &rng)))
        case 1: return Data(object(&rng, depth: 2).utf8)
        case 2:
            let base = rng.pick(valid)
            let key = rng.pick(["op", "interface", "vlan", "by"])
            guard let r = base.range(of: "\"\(key)\":") else { return Data(base.utf8) }
            let rest = base[r.upperBound...]
            let end = rest.firstIndex { $0 == "," || $0 == "}" } ?? rest.endIndex
            return Data((base[..<r.upperBound] + json(&rng, depth: 1) + base[end...]).utf8)
        default:
            var bytes = Array(rng.pick(valid).utf8)
            for _ in 0..<Int.random(in: 1...3, using: &rng) where !bytes.isEmpty {
                let i = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes[i] = UInt8.random(in: 0...255, using: &rng)
                case 1: bytes.remove(at: i)
                default: bytes = Array(bytes.prefix(i))
                }
            }
            return Data(bytes)
        }
    }

    /// What is wrong with parsing `line`, or nil.
    static func violation(_ line: Data) -> String? {
        let request: ControlRequest
        do throws(ControlProtocolError) {
            request = try ControlRequest.parse(line)
        } catch {
            let d = error.description
            if d.isEmpty || d.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                return "refusal is not one clean line: \(d.debugDescription.prefix(200))"
            }
            return nil
        }
        if let i = request.interface {
            let bad = i.isEmpty || i.utf8.count > 15 || i == "." || i == ".."
                || i.unicodeScalars.contains { $0 == "/" || $0 == ":" || $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7f }
            if bad { return "accepted interface \(i.debugDescription), not a Linux interface name" }
        }
        if let v = request.vlan, !(1...4094).contains(v) { return "accepted vlan \(v)" }
        if let b = request.by, !(1...64).contains(b.count) || b.unicodeScalars.contains(where: { $0.value < 0x20 }) {
            return "accepted by \(b.debugDescription)"
        }
        if request.op != .status && (request.interface == nil || request.vlan == nil) { return "accepted \(request.op) without a target" }
        guard let encoded = try? JSONEncoder().encode(request), let again = try? ControlRequest.parse(encoded), again == request else {
            return "accepted request does not round-trip"
        }
        return nil
    }

    @Test("random and malformed request lines: never a crash, refusals are one line, acceptances are valid")
    func randomLines() {
        let budget = FuzzBudget(environment: ProcessInfo.processInfo.environment, defaultIterations: 5000,
                                defaultSeed: 0xC7_1001, scale: 2.5)
        print("control protocol fuzz: \(budget)")
        var rng = budget.generator
        var failures = 0, accepted = 0
        let start = ContinuousClock.now
        for i in 0..<budget.iterations {
            let line = Self.line(&rng)
            if let why = Self.violation(line) {
                failures += 1
                if failures <= 5 { Issue.record("#\(i) (\(budget)): \(why)\ninput: \(String(decoding: line.prefix(300), as: UTF8.self).debugDescription)") }
            } else if (try? ControlRequest.parse(line)) != nil {
                accepted += 1
            }
        }
        print("control protocol fuzz: \(budget.iterations) lines, \(accepted) accepted, \(failures) violations in \(ContinuousClock.now - start)")
    }

    @Test("regressions the fuzzer found: control characters and non-names are refused cleanly", arguments: [
        #"{"op":"ack","interface":"a\nb","vlan":20}"#, #"{"op":"ack","interface":"a b","vlan":20}"#,
        #"{"op":"ack","interface":"..","vlan":20}"#, #"{"op":"ack","interface":"a:b","vlan":20}"#,
        #"{"op":"x\u001b[2Jy"}"#, #"{"op":"status","a\nb":1}"#,
    ])
    func regressions(line: String) {
        #expect(Self.violation(Data(line.utf8)) == nil)
        #expect(throws: ControlProtocolError.self) { try ControlRequest.parse(Data(line.utf8)) }
    }
}
