import ArgumentParser
import Foundation
import LoopSentryConfig
import LoopSentryCore
import NOCBridge
import Sensor

/// `loopsentry snmp-vacm --config FILE`: prints the snmpd.conf lines (SNMPv3 USM users with SHA
/// and AES, VACM groups, views and access) that let each tenant read and act only on its own rows
/// of loopSentryVlanTable and loopSentryVniTable. A thin shell over `VACMPlan`: it reads the configuration, finds each
/// interface's ifIndex (`if_nametoindex` inside the interface's netns, or `--ifindex`), reads or
/// generates passphrases, and prints. It changes no file.
struct SnmpVacmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snmp-vacm",
        abstract: "Print snmpd.conf lines: one SNMPv3 user per tenant limited to its own VLAN and VNI rows, and a NOC user.",
        discussion: """
            Part 1 (createUser) goes into snmpd's persistent file /var/lib/snmp/snmpd.conf while snmpd \
            is stopped; part 2 (group/view/access) goes into /etc/snmp/snmpd.conf. Passphrases not \
            given in a file are generated (24 characters) and shown once, in comments. See docs/security.md.
            """)

    @Option(name: .long, help: "The YAML configuration file.")
    var config: String

    @Option(name: .long, help: "Only this tenant (repeatable; default: every tenant).")
    var tenant: [String] = []

    @Option(name: .long, help: ArgumentHelp("The ifIndex of an interface, instead of looking it up.", valueName: "NAME=N"))
    var ifindex: [String] = []

    @Option(name: .long, help: "The NOC operator's user name (full read, writes LOOPSENTRY-MIB).")
    var nocUser = "loopsentry-noc"

    @Flag(name: .long, help: "Leave out the NOC user's lines (it exists already, e.g. when adding a tenant).")
    var noNoc = false

    @Option(name: .long, help: ArgumentHelp("Authentication passphrases, one 'USER PASSPHRASE' per line.", valueName: "F"))
    var authPassFile: String?

    @Option(name: .long, help: ArgumentHelp("Privacy passphrases, one 'USER PASSPHRASE' per line.", valueName: "F"))
    var privPassFile: String?

    func validate() throws {
        for t in tenant where !VACMPlan.isValidName(t, maxLength: VACMPlan.maxTenantName) {
            throw ValidationError(VACMPlan.PlanError.invalidTenantName(t).description)
        }
        _ = try parsedIfIndexes()
    }

    func run() throws {
        let configuration: Configuration
        do {
            configuration = try ConfigLoader.load(path: config)
        } catch {
            throw RuntimeFailure("\(config): \(error.errors.first.map { "\($0)" } ?? "invalid")")
        }
        let known = Set(configuration.tenants.map(\.name))
        if let unknown = tenant.first(where: { !known.contains($0) }) {
            throw RuntimeFailure("tenant '\(unknown)' is not in \(config) (\(known.sorted().joined(separator: ", ")))")
        }
        let chosen = configuration.tenants.filter { tenant.isEmpty || tenant.contains($0.name) }
        let tenants = chosen.map { t in
            VACMPlan.Tenant(name: t.name, vlans: t.vlans.map { ($0.interface, $0.vlans) }, vnis: t.vnis.map { ($0.interface, $0.vnis) })
        }
        var indexes = try parsedIfIndexes()
        for name in Set(chosen.flatMap { $0.vlans.map(\.interface) + $0.vnis.map(\.interface) }) where indexes[name] == nil {
            indexes[name] = try Self.lookUpIfIndex(name, in: configuration.interfaces.first { $0.name == name }?.netns)
        }
        do {
            let plan = try VACMPlan(tenants: tenants, ifIndex: indexes, mibRoot: LoopSentryMIB.root,
                                    nocUser: noNoc ? nil : nocUser)
            let auth = try Self.passphrases(authPassFile)
            let priv = try Self.passphrases(privPassFile)
            var credentials: [String: VACMPlan.Credentials] = [:]
            for user in plan.users {
                credentials[user] = VACMPlan.Credentials(auth: auth[user] ?? Self.generatedPassphrase(),
                                                         priv: priv[user] ?? Self.generatedPassphrase())
            }
            print(try plan.render(credentials), terminator: "")
        } catch let e as VACMPlan.PlanError {
            throw RuntimeFailure(e.description)
        }
    }

    /// `--ifindex NAME=N` values as a dictionary; one-line errors for a bad value.
    func parsedIfIndexes() throws -> [String: Int32] {
        var out: [String: Int32] = [:]
        for item in ifindex {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, let n = Int32(parts[1]), n >= 1 else {
                throw ValidationError("--ifindex '\(item)' must be NAME=N with N in 1-2147483647")
            }
            out[parts[0]] = n
        }
        return out
    }

    /// `if_nametoindex(name)` in namespace `netns` (nil: this one), with the way out in the error.
    static func lookUpIfIndex(_ name: String, in netns: String?) throws -> Int32 {
        do {
            return try NetworkNamespace.run(in: netns) { try TCIngressAttachment.ifindex(of: name) }
        } catch {
            let place = netns.map { " in netns '\($0)'" } ?? ""
            throw RuntimeFailure("cannot find the ifIndex of '\(name)'\(place) (\(error)): pass --ifindex \(name)=N")
        }
    }

    /// Reads a passphrase file: `USER PASSPHRASE` per line; blank lines and `#` comments skipped.
    static func passphrases(_ path: String?) throws -> [String: String] {
        guard let path else { return [:] }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw RuntimeFailure("cannot read passphrase file \(path)")
        }
        var out: [String: String] = [:]
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard parts.count == 2 else { throw RuntimeFailure("\(path):\(n + 1): expected 'USER PASSPHRASE'") }
            out[parts[0]] = parts[1]
        }
        return out
    }

    /// 24 characters from [A-Za-z0-9] drawn with `SystemRandomNumberGenerator` (getrandom(2)):
    /// about 143 bits, no characters snmpd.conf would need quoted.
    static func generatedPassphrase() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var rng = SystemRandomNumberGenerator()
        return String((0..<24).map { _ in alphabet.randomElement(using: &rng)! })
    }
}
