import Lab
import LoopSentryCore
import Testing

@Suite struct LabNamespacesTests {
    @Test("the default prefix gives the lab's usual names")
    func defaultNames() {
        let names = LabNamespaces.standard
        #expect(names.all == ["lsl-sw1", "lsl-sw2", "lsl-sensor", "lsl-ha", "lsl-hb"])
    }

    @Test("--prefix wins over the environment, which wins over the default; an empty variable is unset")
    func choice() throws {
        let env = [LabNamespaces.prefixVariable: "envlab"]
        #expect(try LabNamespaces.chosen(option: "opt1", environment: env).prefix == "opt1")
        #expect(try LabNamespaces.chosen(option: nil, environment: env).sensor == "envlab-sensor")
        #expect(try LabNamespaces.chosen(option: nil, environment: [:]) == .standard)
        #expect(try LabNamespaces.chosen(option: nil, environment: [LabNamespaces.prefixVariable: ""]) == .standard)
    }

    @Test("a prefix is 1-10 characters of a-z and 0-9; the error names the value and where it came from",
          arguments: ["", "Lab", "a-b", "a_b", "a b", "lab/x", "abcdefghijk", "é"])
    func badPrefix(_ bad: String) {
        #expect(throws: LabError.badPrefix(bad, source: "--prefix")) { try LabNamespaces.chosen(option: bad, environment: [:]) }
        if !bad.isEmpty {
            #expect(throws: LabError.badPrefix(bad, source: LabNamespaces.prefixVariable)) {
                try LabNamespaces.chosen(option: nil, environment: [LabNamespaces.prefixVariable: bad])
            }
        }
    }

    @Test("every step of a plan under another prefix names only that prefix's namespaces")
    func planUsesItsPrefix() throws {
        let names = try LabNamespaces(prefix: "t42")
        let plan = LabPlan(vlans: [VLANID(10)!, VLANID(20)!], names: names)
        let steps = plan.up() + plan.loop(VLANID(20)!) + plan.unloop(VLANID(20)!) + LabPlan.down(names)
        let namespaceArguments = steps.flatMap { step in
            zip(step.args, step.args.dropFirst()).filter { ["-n", "exec", "add", "del", "netns"].contains($0.0) }.map(\.1)
        }.filter { $0.contains("-") }
        #expect(!namespaceArguments.isEmpty)
        #expect(namespaceArguments.allSatisfy { names.all.contains($0) }, "\(Set(namespaceArguments))")
        #expect(!steps.contains { $0.description.contains("lsl-") })
        #expect(LabPlan.down(names) == names.all.map { LabStep(["ip", "netns", "del", $0], ignoreFailure: true) })
    }
}
