import Foundation
import Testing

let runningAsRoot = geteuid() == 0
let rootReason: Comment = "needs root for network namespaces and BPF (run as root; CI does)"

/// The `loopsentry` binary under test: $LOOPSENTRY_BIN (scripts/test.sh sets it), else the
/// package's debug build.
let loopsentryBinary: String = {
    if let env = ProcessInfo.processInfo.environment["LOOPSENTRY_BIN"], !env.isEmpty { return env }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    return root.appendingPathComponent(".build/debug/loopsentry").path
}()

struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

enum Shell {
    /// Runs a program to completion and captures its output.
    @discardableResult
    static func run(_ args: [String], environment: [String: String]? = nil) throws -> CommandResult {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: args[0].hasPrefix("/") ? args[0] : "/usr/bin/env")
        p.arguments = args[0].hasPrefix("/") ? Array(args.dropFirst()) : args
        if let environment { p.environment = environment }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return CommandResult(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                             stderr: String(decoding: e, as: UTF8.self))
    }

    /// Runs and requires exit status 0.
    @discardableResult
    static func must(_ args: [String]) throws -> String {
        let r = try run(args)
        guard r.status == 0 else {
            throw ShellError("\(args.joined(separator: " ")) exited \(r.status): \(r.stderr)")
        }
        return r.stdout
    }
}

struct ShellError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// A process started in the background with stdout and stderr going to files.
final class BackgroundProcess {
    let process = Process()
    let stdoutPath: String
    let stderrPath: String

    init(_ args: [String], name: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loopsentry-it-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let unique = "\(name)-\(UInt32.random(in: 0..<1_000_000))"
        stdoutPath = dir.appendingPathComponent("\(unique).out").path
        stderrPath = dir.appendingPathComponent("\(unique).err").path
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: args[0])
        process.arguments = Array(args.dropFirst())
        process.standardOutput = FileHandle(forWritingAtPath: stdoutPath)
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
    }

    var stdoutLines: [String] {
        (try? String(contentsOfFile: stdoutPath, encoding: .utf8))?.split(separator: "\n").map(String.init) ?? []
    }
    var stderrText: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

    /// Waits for exit up to `timeout` seconds; returns the status, or nil on timeout.
    func wait(timeout: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { return nil }
        return process.terminationStatus
    }
}

/// Polls `condition` every 20 ms until it holds or `timeout` seconds pass.
func eventually(timeout: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    repeat {
        if try condition() { return true }
        usleep(20_000)
    } while Date() < deadline
    return try condition()
}
