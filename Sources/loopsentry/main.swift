import ArgumentParser
import Foundation

// Every error ends in one line on stderr naming the problem, and a non-zero exit:
// 64 for bad command-line input, 1 for a failure at run time.
do {
    var command = try LoopSentryCommand.parseAsRoot()
    try command.run()
} catch {
    if let exit = error as? ExitCode {
        Foundation.exit(exit.rawValue)
    }
    let code = LoopSentryCommand.exitCode(for: error)
    if code == .success || error is CleanExit {
        LoopSentryCommand.exit(withError: error)   // --help, --version
    }
    let message = LoopSentryCommand.message(for: error)
        .split(separator: "\n").first.map(String.init) ?? "\(error)"
    FileHandle.standardError.write(Data("loopsentry: \(message)\n".utf8))
    Foundation.exit(code == .validationFailure ? 64 : (code.rawValue == 0 ? 1 : code.rawValue))
}
