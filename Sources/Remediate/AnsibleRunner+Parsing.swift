import Foundation

/// One task's result on one host, as the json stdout callback reports it.
public struct PlaybookTaskRecord: Equatable, Sendable {
    public var host: String
    public var task: String
    public var changed: Bool
    public var failed: Bool
    public var skipped: Bool
    public var unreachable: Bool
    /// `msg` as lines (a list `msg` gives one line per element); a failed task's stderr when it
    /// has no `msg` or only a command's "non-zero return code".
    public var messages: [String]
}

/// Pure parsing of ansible-playbook output into a `PlaybookResult`: the json stdout callback's
/// document (`ANSIBLE_STDOUT_CALLBACK=json`, what the runner sets), with the default callback's
/// PLAY RECAP as a fallback. No I/O.
public enum PlaybookOutputParser {
    /// Per-host counts from the json callback's `stats`; nil when `stdout` is not its document.
    public static func stats(json stdout: String) -> [String: PlaybookHostStats]? {
        guard let doc = document(stdout), let stats = doc["stats"] as? [String: Any] else { return nil }
        var hosts: [String: PlaybookHostStats] = [:]
        for (host, value) in stats {
            guard let s = value as? [String: Any] else { continue }
            func n(_ key: String) -> Int { (s[key] as? NSNumber)?.intValue ?? 0 }
            hosts[host] = PlaybookHostStats(ok: n("ok"), changed: n("changed"), unreachable: n("unreachable"),
                                            failed: n("failures"), skipped: n("skipped"), rescued: n("rescued"),
                                            ignored: n("ignored"))
        }
        return hosts
    }

    /// Every task result of every play, in order; empty when `stdout` is not the json document.
    public static func tasks(json stdout: String) -> [PlaybookTaskRecord] {
        guard let plays = document(stdout)?["plays"] as? [[String: Any]] else { return [] }
        var records: [PlaybookTaskRecord] = []
        for play in plays {
            for task in play["tasks"] as? [[String: Any]] ?? [] {
                let name = (task["task"] as? [String: Any])?["name"] as? String ?? ""
                for (host, value) in (task["hosts"] as? [String: Any] ?? [:]).sorted(by: { $0.key < $1.key }) {
                    guard let r = value as? [String: Any] else { continue }
                    let failed = r["failed"] as? Bool ?? false
                    var messages = lines(r["msg"])
                    // A failed command's msg is only "non-zero return code": its stderr says why.
                    if failed && (messages.isEmpty || messages == ["non-zero return code"]),
                       !lines(r["stderr"]).isEmpty {
                        messages = lines(r["stderr"])
                    }
                    records.append(PlaybookTaskRecord(
                        host: host, task: name, changed: r["changed"] as? Bool ?? false, failed: failed,
                        skipped: r["skipped"] as? Bool ?? false, unreachable: r["unreachable"] as? Bool ?? false,
                        messages: messages))
                }
            }
        }
        return records
    }

    /// Per-host counts from the default callback's PLAY RECAP; nil when there is none.
    /// `host : ok=2 changed=1 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0`
    public static func stats(recap text: String) -> [String: PlaybookHostStats]? {
        guard let start = text.range(of: "PLAY RECAP") else { return nil }
        var hosts: [String: PlaybookHostStats] = [:]
        for line in text[start.upperBound...].split(separator: "\n").dropFirst() {
            guard let colon = line.range(of: " : ") else {
                if line.trimmingCharacters(in: .whitespaces).isEmpty { continue } else { break }
            }
            let host = line[..<colon.lowerBound].trimmingCharacters(in: .whitespaces)
            var counts: [String: Int] = [:]
            for field in line[colon.upperBound...].split(separator: " ") {
                let kv = field.split(separator: "=", maxSplits: 1)
                if kv.count == 2, let v = Int(kv[1]) { counts[String(kv[0])] = v }
            }
            guard counts["ok"] != nil else { continue }
            hosts[host] = PlaybookHostStats(ok: counts["ok"] ?? 0, changed: counts["changed"] ?? 0,
                                            unreachable: counts["unreachable"] ?? 0, failed: counts["failed"] ?? 0,
                                            skipped: counts["skipped"] ?? 0, rescued: counts["rescued"] ?? 0,
                                            ignored: counts["ignored"] ?? 0)
        }
        return hosts
    }

    /// The result of a finished (or killed) run: counts, failures and the one-line error.
    /// `exitStatus` is nil when ansible-playbook died of a signal.
    public static func result(playbook: String, targetHost: String, exitStatus: Int32?, timedOut: Bool,
                              timeout: Duration, stdout: String, stderr: String, duration: Duration) -> PlaybookResult {
        let (records, hosts) = classifyConnectionFailures(tasks(json: stdout),
                                                          stats(json: stdout) ?? stats(recap: stdout) ?? [:])
        let failures = records.filter { $0.failed || $0.unreachable }.map {
            PlaybookTaskFailure(host: $0.host, task: $0.task, unreachable: $0.unreachable,
                                message: oneLine($0.messages.joined(separator: " ")))
        }
        let sum = { (k: KeyPath<PlaybookHostStats, Int>) in hosts.values.reduce(0) { $0 + $1[keyPath: k] } }
        let unreachable = sum(\.unreachable), failed = sum(\.failed)

        let error: PlaybookError?
        if timedOut {
            error = .timedOut(playbook: playbook, after: timeout)
        } else if let u = failures.first(where: \.unreachable) {
            error = .unreachable(host: u.host, message: u.message)
        } else if unreachable > 0, let host = hosts.first(where: { $0.value.unreachable > 0 })?.key {
            error = .unreachable(host: host, message: "see output")
        } else if let f = failures.first {
            error = .failed(playbook: playbook, host: f.host, task: f.task, message: f.message)
        } else if exitStatus != 0 {
            let why = stderr.split(separator: "\n").first { $0.hasPrefix("ERROR!") }.map(String.init)
                ?? stderr.split(separator: "\n").last.map(String.init) ?? "no output"
            error = .failed(playbook: playbook, host: nil, task: nil,
                            message: "ansible-playbook exited \(exitStatus.map(String.init) ?? "on a signal"): \(oneLine(why))")
        } else if hosts.isEmpty {
            error = .noHostMatched(playbook: playbook, pattern: targetHost)
        } else {
            error = nil
        }
        return PlaybookResult(
            playbook: playbook, succeeded: error == nil, ok: sum(\.ok), changed: sum(\.changed),
            unreachable: unreachable, failed: failed, timedOut: timedOut, exitStatus: exitStatus, hosts: hosts,
            failures: failures, tasks: records, error: error, output: stdout + (stderr.isEmpty ? "" : "\n" + stderr),
            duration: duration)
    }

    /// The json callback's document; warnings printed before it are skipped.
    static func document(_ stdout: String) -> [String: Any]? {
        guard let brace = stdout.firstIndex(of: "{") else { return nil }
        let data = Data(stdout[brace...].utf8)
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    /// A `msg` (string or list of strings) as lines.
    static func lines(_ value: Any?) -> [String] {
        switch value {
        case let s as String: return s.isEmpty ? [] : [s]
        case let list as [Any]: return list.map { ($0 as? String) ?? "\($0)" }
        case nil: return []
        case let other?: return ["\(other)"]
        }
    }

    /// Collapses whitespace and newlines so a message fits one log line.
    static func oneLine(_ s: String) -> String {
        s.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
