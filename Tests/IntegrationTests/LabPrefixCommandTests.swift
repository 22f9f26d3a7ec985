import Foundation
import Lab
import LabTestSupport
import Testing

/// `loopsentry lab --prefix` and LOOPSENTRY_LAB_PREFIX: a bad prefix is one line naming it (exit
/// 64) before anything is built; a lab under a prefix has only its own names and state file.
@Suite struct LabPrefixCommandTests {
    struct BadCase: Sendable {
        var args: [String]
        var prefixVariable: String?
        var named: String
    }

    @Test("a bad prefix, from --prefix or the environment, is one line naming it, exit 64",
          arguments: [BadCase(args: ["--prefix", "Bad-1"], prefixVariable: nil, named: "--prefix 'Bad-1'"),
                      BadCase(args: [], prefixVariable: "x_y", named: "LOOPSENTRY_LAB_PREFIX 'x_y'"),
                      BadCase(args: ["--prefix", "abcdefghijk"], prefixVariable: "ok", named: "--prefix 'abcdefghijk'")])
    func badPrefix(_ c: BadCase) throws {
        var env = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"]
        env["LOOPSENTRY_LAB_PREFIX"] = c.prefixVariable
        for verb in [["up"], ["down"], ["loop", "20"], ["unloop", "20"], ["demo"]] {
            let r = try Shell.run([loopsentryBinary, "lab"] + verb + c.args, environment: env)
            #expect(r.status == 64, "\(verb): \(r.stderr)")
            #expect(r.stderr == "loopsentry: \(c.named): a lab prefix is 1-10 characters of a-z and 0-9\n", "\(verb)")
        }
    }

    @Test("a lab under the environment's prefix: its namespaces and state file only; down removes them",
          .enabled(if: runningAsRoot, rootReason))
    func labUnderPrefix() throws {
        let lab = SuiteLab(tag: "lp", binary: loopsentryBinary)
        defer { lab.down() }
        lab.down()
        let env = ["LOOPSENTRY_LAB_PREFIX": lab.prefix, "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"]
        let up = try Shell.run([loopsentryBinary, "lab", "up", "--traffic-rate", "0"], environment: env)
        #expect(up.status == 0, "\(up.stderr)")
        #expect(up.stdout.contains("in netns \(lab.names.sensor)"), "\(up.stdout)")
        let listed = Set(try Shell.must(["ip", "netns", "list"]).split(separator: "\n").map { String($0.split(separator: " ")[0]) })
        #expect(listed.isSuperset(of: lab.names.all))
        #expect(FileManager.default.fileExists(atPath: LabState.path(lab.names)))
        let again = try Shell.run([loopsentryBinary, "lab", "up", "--prefix", lab.prefix])
        #expect(again.status == 1 && again.stderr.contains("already up"), "\(again.stderr)")

        #expect(try Shell.run([loopsentryBinary, "lab", "down"], environment: env).status == 0)
        let after = try Shell.must(["ip", "netns", "list"])
        #expect(!after.contains("\(lab.prefix)-"), "\(after)")
        #expect(!FileManager.default.fileExists(atPath: LabState.path(lab.names)))
    }
}
