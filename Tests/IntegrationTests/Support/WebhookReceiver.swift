import Foundation

/// Tests/Emulators/webhook_receiver.py on a private loopback port: it checks each POST's
/// signature with Python's hmac (independently of the daemon), answers `ok` (200), `fail` (500)
/// or `hang` as told, and logs every request.
final class WebhookReceiver {
    let dir: URL
    let secretFile: String
    let modeFile: String
    let logFile: String
    let port: Int
    private let process: BackgroundProcess
    private let scheme: String
    var url: String { "\(scheme)://127.0.0.1:\(port)/hooks/loopsentry" }

    /// Starts the receiver with `secret` (written mode 0600) in `mode`; a hung request is held
    /// for `hang` seconds. A nil `secret` accepts unsigned POSTs (Alertmanager's). With `tls`
    /// it serves https with that certificate and key.
    init(secret: String?, mode: String = "ok", hang: Double = 30, tls: (certificate: String, key: String)? = nil) throws {
        scheme = tls == nil ? "http" : "https"
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("loopsentry-hook-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        secretFile = dir.appendingPathComponent("tenant.secret").path
        modeFile = dir.appendingPathComponent("mode").path
        logFile = dir.appendingPathComponent("requests.jsonl").path
        try ((secret ?? "") + "\n").write(toFile: secretFile, atomically: true, encoding: .utf8)
        chmod(secretFile, 0o600)
        try mode.write(toFile: modeFile, atomically: true, encoding: .utf8)
        let portFile = dir.appendingPathComponent("port").path
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Emulators/webhook_receiver.py").path
        let signing = secret == nil ? ["--unsigned"] : ["--secret-file", secretFile]
        process = try BackgroundProcess(["/usr/bin/python3", script, "--port-file", portFile] + signing + [
                                         "--mode-file", modeFile, "--log", logFile, "--hang", String(hang)]
                                         + (tls.map { ["--tls-cert", $0.certificate, "--tls-key", $0.key] } ?? []), name: "webhook-receiver")
        var port: Int?
        _ = eventually(timeout: 10) {
            port = (try? String(contentsOfFile: portFile, encoding: .utf8)).flatMap { Int($0) }
            return port != nil
        }
        guard let port else { throw ShellError("webhook receiver did not start: \(process.stderrText)") }
        self.port = port
    }

    deinit {
        process.signal(SIGKILL)
        _ = process.wait(timeout: 5)
        try? FileManager.default.removeItem(at: dir)
    }

    func setMode(_ mode: String) throws { try mode.write(toFile: modeFile, atomically: true, encoding: .utf8) }

    /// Every request so far, in order; throws when the receiver died or its log cannot be read
    /// (so "nothing received" never comes from a broken receiver).
    func requests() throws -> [[String: Any]] {
        guard process.process.isRunning else { throw ShellError("webhook receiver exited: \(process.stderrText)") }
        guard FileManager.default.fileExists(atPath: logFile) else { return [] }
        let text = try String(contentsOfFile: logFile, encoding: .utf8)
        // Only whole lines: the receiver may be writing the last one right now.
        let complete = text.hasSuffix("\n") ? Substring(text) : text[..<(text.lastIndex(of: "\n") ?? text.startIndex)]
        return try complete.split(separator: "\n").map {
            guard let o = try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] else {
                throw ShellError("receiver log line is not an object: \($0)")
            }
            return o
        }
    }

    /// Delivery ids answered 200, with how many times each was.
    func accepted() throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for r in try requests() where r["status"] as? Int == 200 {
            counts[r["delivery"] as? String ?? "", default: 0] += 1
        }
        return counts
    }
}
