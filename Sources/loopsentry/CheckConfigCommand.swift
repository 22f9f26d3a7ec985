import ArgumentParser
import Foundation
import LoopSentryConfig

/// `loopsentry check-config FILE`: validate a configuration and explain what it will do.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate a configuration file and explain what it will do.")

    @Argument(help: "The YAML configuration file.")
    var file: String

    @Flag(name: .long, help: "Print the problems as JSON.")
    var json = false

    func run() throws {
        do {
            let config = try ConfigLoader.load(path: file)
            if json {
                print("{\"file\":\(Self.quote(file)),\"valid\":true,\"errors\":[]}")
            } else {
                print("\(file): valid")
                for line in config.explanation() { print("  " + line) }
            }
        } catch {
            if json {
                let items = error.errors.map {
                    "{\"key\":\(Self.quote($0.path)),\"line\":\($0.line.map(String.init) ?? "null"),\"message\":\(Self.quote($0.message))}"
                }
                print("{\"file\":\(Self.quote(file)),\"valid\":false,\"errors\":[\(items.joined(separator: ","))]}")
            } else {
                for e in error.errors { FileHandle.standardError.write(Data("loopsentry: \(file): \(e)\n".utf8)) }
            }
            throw ExitCode(1)
        }
    }

    static func quote(_ s: String) -> String {
        let data = try? JSONSerialization.data(withJSONObject: [s], options: [])
        return data.flatMap { String(data: $0, encoding: .utf8) }.map { String($0.dropFirst().dropLast()) } ?? "\"\""
    }
}
