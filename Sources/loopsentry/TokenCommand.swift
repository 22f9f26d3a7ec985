import ArgumentParser
import Foundation
import Portal

/// `loopsentry token --tenant NAME | --noc [--name NAME]`: makes a portal bearer token, prints it
/// once, and prints the `portal.tokens` line to paste into the configuration (only its SHA-256
/// is kept there). It reads and changes no file.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Make a portal token for a tenant or the NOC: print it once, and the configuration line with its SHA-256.")

    @Option(name: .long, help: "The tenant whose VLANs the token sees and acts on.")
    var tenant: String?

    @Flag(name: .long, help: "A NOC token: every VLAN.")
    var noc = false

    @Option(name: .long, help: "The token's name, the author of its actions in the journal (default: TENANT-portal or noc-portal).")
    var name: String?

    func validate() throws {
        guard (tenant != nil) != noc else { throw ValidationError("give exactly one of --tenant NAME and --noc") }
        if let tenant, tenant.isEmpty || tenant.count > 64 || !tenant.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) {
            throw ValidationError("--tenant must be 1-64 letters, digits, '-', '_' or '.'; got '\(tenant)'")
        }
        if let name, name.isEmpty || name.count > 64 || !name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.@".contains($0) }) {
            throw ValidationError("--name must be 1-64 letters, digits, '-', '_', '.' or '@'; got '\(name)'")
        }
    }

    func run() throws {
        let token = try PortalToken.generate()
        let name = self.name ?? "\(tenant ?? "noc")-portal"
        print("token (shown once; send it as 'Authorization: Bearer TOKEN'):")
        print("  \(token)")
        print("add under portal: tokens: in the configuration:")
        print("  \(PortalToken.configLine(name: name, tenant: tenant, token: token))")
    }
}
