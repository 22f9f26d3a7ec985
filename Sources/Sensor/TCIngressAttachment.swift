import CLoopSentryBPF
import Foundation
import LoopSentryCore

/// The sensor program attached as a direct-action filter at tc ingress of one interface,
/// at LoopSentry's own (handle, priority). Attach is by netlink (libbpf 1.1 has no tcx or
/// bpf_link), so the filter outlives a killed process: at start a LoopSentry filter left
/// in our slot is replaced atomically; other tools' filters and the clsact hook are never
/// touched. `detach()` (also run by `deinit`) removes only our own filter, and only while
/// it still holds our program.
public final class TCIngressAttachment {
    public let interface: String
    public let ifindex: Int32
    public let handle: UInt32 = UInt32(LS_TC_HANDLE)
    public let priority: UInt32 = UInt32(LS_TC_PRIORITY)
    /// True when a stale LoopSentry filter was found and replaced at attach.
    public private(set) var replacedStaleFilter = false
    private let programID: UInt32
    private var attached = false

    public init(program: TCSensorProgram, interface: String) throws {
        self.interface = interface
        ifindex = try Self.ifindex(of: interface)
        var id: UInt32 = 0
        try libbpfCall("bpf_obj_get_info_by_fd") { ls_prog_id_by_fd(program.programFD, &id) }
        programID = id

        try libbpfCall("bpf_tc_hook_create") { ls_tc_hook_ensure(ifindex) }
        let stale = try Self.occupant(ifindex: ifindex, handle: handle, priority: priority)
        if let stale {
            guard stale.programName == TCSensorProgram.programName else {
                throw SensorError.filterSlotTaken(interface: interface, program: stale.displayName)
            }
            replacedStaleFilter = true
        }
        try libbpfCall("bpf_tc_attach") {
            ls_tc_attach(ifindex, program.programFD, handle, priority, stale == nil ? 0 : 1)
        }
        attached = true
    }

    deinit { try? detach() }

    /// Removes our filter if it still runs our program; a no-op when already detached.
    public func detach() throws {
        guard attached else { return }
        attached = false
        guard let now = try Self.occupant(ifindex: ifindex, handle: handle, priority: priority),
              now.programID == programID else { return }
        try libbpfCall("bpf_tc_detach") { ls_tc_detach(ifindex, handle, priority) }
    }

    /// True while our filter is in place: the interface still has the ifindex we attached to and
    /// our slot still runs our program (an interface deleted and re-created gets a new ifindex
    /// and no filter).
    public var isInPlace: Bool {
        guard attached, if_nametoindex(interface) == UInt32(ifindex) else { return false }
        guard let now = try? Self.occupant(ifindex: ifindex, handle: handle, priority: priority) else { return false }
        return now.programID == programID
    }

    /// Forgets the attachment without touching the kernel (the interface is gone with its filter).
    public func abandon() { attached = false }

    /// The filter at (handle, priority) on ingress as netlink reports it, or nil when the slot
    /// is empty (ENOENT, or EINVAL when no clsact hook exists). Reads TCA_BPF_ID and
    /// TCA_BPF_NAME with `ls_tc_filter_query` (RTM_GETTFILTER): no capability needed, unlike
    /// fetching the program by id.
    static func occupant(ifindex: Int32, handle: UInt32, priority: UInt32) throws -> TCFilterOccupant? {
        var info = ls_tc_filter()
        let rc = ls_tc_filter_query(ifindex, handle, priority, &info)
        if rc == -ENOENT || rc == -EINVAL { return nil }
        try libbpfCall("RTM_GETTFILTER") { rc }
        let kind = withUnsafeBytes(of: info.kind) { cString(Array($0.bindMemory(to: CChar.self))) }
        let name = withUnsafeBytes(of: info.name) { cString(Array($0.bindMemory(to: CChar.self))) }
        return TCFilterOccupant(kind: kind, programID: info.prog_id, loaderName: name)
    }

    /// `if_nametoindex`, with a clear error for an unknown or invalid name.
    public static func ifindex(of name: String) throws -> Int32 {
        guard InterfaceName.isValid(name) else {
            throw SensorError.interfaceNotFound(name)
        }
        let index = if_nametoindex(name)
        guard index != 0 else { throw SensorError.interfaceNotFound(name) }
        return Int32(index)
    }
}
