import Foundation
import LoopSentryCore
@testable import Portal
import Testing

/// The portal's page in headless Chromium (Tests/Browser/portal_vni.py) against a real portal
/// server: a tenant sees its VXLAN VNIs in their own table and acknowledges a pending VNI's cut
/// with the button; another tenant's page never shows that VNI.
@Suite(.enabled(if: ["/usr/bin/chromium", "/usr/bin/chromedriver", "/usr/bin/python3"].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) },
                "needs chromium, chromium-driver and python3-selenium (scripts/setup.sh)"))
struct PortalVNIPageTests {
    @Test func theTenantsPageShowsItsVNIsAndItsAcknowledgeButtonActsOnThePendingOne() async throws {
        let p = try await RunningPortal().started()
        defer { p.stop() }
        p.sink.publish(RunningPortal.rows + RunningPortal.vniRows)
        let script = URL(fileURLWithPath: Schemathesis.root).appendingPathComponent("Tests/Browser/portal_vni.py").path
        var env = ProcessInfo.processInfo.environment
        env["HOME"] = NSTemporaryDirectory()
        let (status, output) = try await runTool("/usr/bin/python3", [script, "http://127.0.0.1:\(p.port)/",
                                                                      RunningPortal.tokens["org-b"]!, RunningPortal.tokens["org-a"]!],
                                                 environment: env)
        #expect(status == 0, "\(output.suffix(2000))")
        let line = output.split(separator: "\n").last { $0.hasPrefix("{") }.map(String.init) ?? ""
        let result = object(line)
        #expect(result["org_b_vnis"] as? [Int] == [6000], "\(line)")
        #expect(result["pending_seen"] as? Bool == true)
        #expect(result["message"] as? String == "cut of VNI 6000 on underlay0 acknowledged")
        #expect(result["org_a_vnis"] as? [Int] == [5000])
        #expect(result["org_a_saw_6000"] as? Bool == false)
        #expect(p.backend.asked == [
            .vniAction(.acknowledgeCut, interface: "underlay0", vni: 6000, author: "org-b-ops", via: "api 127.0.0.1; comment: from the portal page"),
        ])
    }
}
