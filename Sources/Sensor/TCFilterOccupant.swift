/// What occupies LoopSentry's tc ingress slot, as netlink reports it (`tc filter show` shows the
/// same fields). Identifying our own filter from these needs no capability: the kernel refuses
/// `bpf_prog_get_fd_by_id` without CAP_SYS_ADMIN, which the service does not have.
public struct TCFilterOccupant: Equatable, Sendable {
    /// The classifier kind (`bpf`, `u32`, `matchall`, ...).
    public var kind: String
    /// TCA_BPF_ID: the kernel id of the attached eBPF program (0 for classic BPF or other kinds).
    public var programID: UInt32
    /// TCA_BPF_NAME as the loader set it: libbpf writes `<program name>:[<program id>]`,
    /// iproute2 writes `<object file>:[<section>]`; empty when none was given.
    public var loaderName: String

    public init(kind: String, programID: UInt32, loaderName: String) {
        self.kind = kind
        self.programID = programID
        self.loaderName = loaderName
    }

    /// The program name within `loaderName`: the part before a trailing `:[...]`, or nil when the
    /// filter is not an eBPF program named by its loader.
    public var programName: String? {
        guard kind == "bpf", programID != 0, !loaderName.isEmpty else { return nil }
        if loaderName.hasSuffix("]"), let open = loaderName.range(of: ":[", options: .backwards) {
            return String(loaderName[..<open.lowerBound])
        }
        return loaderName
    }

    /// How an error names the occupant: its loader name, else its kind.
    public var displayName: String {
        loaderName.isEmpty ? kind : loaderName
    }
}
