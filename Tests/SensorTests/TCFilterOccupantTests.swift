import Sensor
import Testing

/// How a tc filter in LoopSentry's slot is identified from what netlink reports about it.
@Suite struct TCFilterOccupantTests {
    @Test("libbpf's name '<program>:[<id>]' gives the program name", arguments: [
        ("ls_tc_ingress:[42]", "ls_tc_ingress"),
        ("ls_tc_ingress", "ls_tc_ingress"),
        ("prog.o:[classifier]", "prog.o"),
        ("a:[b]:[7]", "a:[b]"),
    ])
    func programName(loaderName: String, expected: String) {
        #expect(TCFilterOccupant(kind: "bpf", programID: 42, loaderName: loaderName).programName == expected)
    }

    @Test("classic BPF, other classifiers and unnamed programs have no program name")
    func noProgramName() {
        #expect(TCFilterOccupant(kind: "bpf", programID: 0, loaderName: "").programName == nil)
        #expect(TCFilterOccupant(kind: "u32", programID: 0, loaderName: "").programName == nil)
        #expect(TCFilterOccupant(kind: "bpf", programID: 9, loaderName: "").programName == nil)
        #expect(TCFilterOccupant(kind: "matchall", programID: 0, loaderName: "").displayName == "matchall")
        #expect(TCFilterOccupant(kind: "bpf", programID: 9, loaderName: "x.o:[s]").displayName == "x.o:[s]")
    }
}
