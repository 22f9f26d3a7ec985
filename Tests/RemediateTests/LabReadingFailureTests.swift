import Foundation
import LabTestSupport
import Testing

/// The Ansible lab's negative checks cannot pass by accident: each reading throws when its tool
/// fails (a namespace that does not exist, a pgrep that cannot run) instead of answering zero.
@Suite(.enabled(if: geteuid() == 0 && FileManager.default.isExecutableFile(atPath: AnsibleTestEnv.loopsentry),
                "needs root and a built loopsentry"))
struct LabReadingFailureTests {
    static let missingNetns = "lsneg-missing-\(getpid())"

    @Test("nftRuleCount throws when nft cannot run in the namespace")
    func nftRuleCountThrows() {
        #expect(throws: AnsibleTestFailure.self) { try LabReadings.nftRuleCount(netns: Self.missingNetns) }
    }

    @Test("delivered throws when the receiving monitor cannot start, before anything is sent")
    func deliveredThrows() {
        // A lab that is never built: the monitor fails in the missing namespace before any send.
        let lab = SuiteLab(tag: "rf", binary: AnsibleTestEnv.loopsentry)
        #expect(throws: AnsibleTestFailure.self) { try LabReadings.delivered(lab, vlan: 20, count: 1, receiver: Self.missingNetns) }
    }

    @Test("pgrep throws when pgrep itself fails, and is empty when nothing matches")
    func pgrepThrows() throws {
        #expect(throws: AnsibleTestFailure.self) { try LabReadings.pgrep(["--no-such-option"]) }
        #expect(try LabReadings.pgrep(["-f", "lsneg-no-process-has-this-\(UUID().uuidString)"]).isEmpty)
    }
}
