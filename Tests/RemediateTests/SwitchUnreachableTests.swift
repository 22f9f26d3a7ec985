#if canImport(Glibc)
import Glibc
#endif
import Foundation
import LoopSentryCore
import Remediate
import Testing

/// A TCP port on 127.0.0.1 that is bound but not listening: a connection to it is refused at once.
final class ClosedPort {
    let fd: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0
            }
        }
        guard fd >= 0, bound else {
            if fd >= 0 { close(fd) }
            throw AnsibleTestFailure("cannot bind a closed port: \(String(cString: strerror(errno)))")
        }
        self.fd = fd
        port = Int(UInt16(bigEndian: addr.sin_port))
    }

    deinit { close(fd) }
}

/// A switch that cannot be reached or logged in to is UNREACHABLE (not failed) in the
/// `PlaybookResult`, with one line saying why: wrong password, closed port, unknown host key —
/// for network_cli (IOS) and netconf (Junos). Nothing is changed on the switch.
@Suite(.serialized, .enabled(if: SwitchEmulator.available, SwitchEmulator.unavailable))
struct SwitchUnreachableTests {
    /// Checks the result is one unreachable host and nothing failed; returns the error line.
    func unreachable(_ r: PlaybookResult, host: String) -> String {
        #expect(!r.succeeded && r.unreachable == 1 && r.failed == 0 && r.changed == 0, "\(r.output)")
        guard case .unreachable(let h, let message)? = r.error else {
            Issue.record("not unreachable: \(r.error?.description ?? "no error")")
            return ""
        }
        #expect(h == host && !message.contains("\n"))
        return r.error?.description ?? ""
    }

    @Test("IOS: wrong password, closed port and unknown host key are unreachable, with the reason")
    func iosUnreachable() async throws {
        let sw = try IOSSwitch()
        let password = try await sw.run(.cut, [20], inventory: sw.inventory(password: "wrong"))
        #expect(unreachable(password, host: "sw1") == "target sw1 unreachable: Failed to authenticate: Authentication failed.")
        #expect(sw.emulator.log("events.log").contains("auth-failed loopsentry"))

        let closed = try ClosedPort()
        let refused = try await sw.run(.cut, [20], inventory: sw.inventory(port: closed.port))
        #expect(unreachable(refused, host: "sw1") ==
                "target sw1 unreachable: [Errno None] Unable to connect to port \(closed.port) on 127.0.0.1")

        try "".write(toFile: "\(sw.emulator.home)/.ssh/known_hosts", atomically: true, encoding: .utf8)
        let hostKey = try await sw.run(.cut, [20])
        #expect(unreachable(hostKey, host: "sw1").hasPrefix(
            "target sw1 unreachable: paramiko: The authenticity of host '[127.0.0.1]:\(sw.emulator.port)' can't be established."))
        #expect(sw.emulator.log("commands.log").isEmpty, "commands reached the switch without a known host key")
        #expect(try sw.flows("GigabitEthernet1/0/1") == "10,15-25,100-110")
    }

    @Test("Junos: wrong password, closed port and unknown host key are unreachable, with the reason")
    func junosUnreachable() async throws {
        let sw = try JunosSwitch()
        let password = try await sw.run(.cut, [20], inventory: sw.inventory(password: "wrong"))
        #expect(unreachable(password, host: "qfx1") == "target qfx1 unreachable: AuthenticationException('Authentication failed.')")
        #expect(sw.emulator.log("events.log").contains("auth-failed loopsentry"))

        let closed = try ClosedPort()
        let refused = try await sw.run(.cut, [20], inventory: sw.inventory(port: closed.port))
        #expect(unreachable(refused, host: "qfx1") == "target qfx1 unreachable: Could not open socket to 127.0.0.1:\(closed.port)")

        try "".write(toFile: "\(sw.emulator.home)/.ssh/known_hosts", atomically: true, encoding: .utf8)
        let hostKey = try await sw.run(.cut, [20])
        #expect(unreachable(hostKey, host: "qfx1").hasPrefix("target qfx1 unreachable: Unknown host key ["))
        #expect(sw.emulator.log("rpc.log").isEmpty, "RPCs reached the switch without a known host key")
        #expect(try sw.committed("xe-0/0/1").vlans == "10,20,40-49")
    }
}
