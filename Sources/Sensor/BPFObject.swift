import CLoopSentryBPF
import Foundation

/// Owns one loaded `bpf_object *` (opened from embedded bytes with `bpf_object__open_mem`,
/// loaded with `bpf_object__load`) and closes it in `deinit` with `bpf_object__close`,
/// which also releases its programs and maps.
public final class BPFObject {
    let handle: OpaquePointer

    /// Opens and loads an object, first sizing the maps named in `maxEntries`
    /// (`bpf_map__set_max_entries`). On any failure the half-built object is closed.
    public init(bytes: [UInt8], name: String, maxEntries: [String: UInt32] = [:]) throws {
        LibBPFLog.enableCapture()
        // libbpf reads the buffer until load finishes: open and load inside one borrow.
        handle = try bytes.withUnsafeBytes { raw in
            try name.withCString { cname in
                var opts = bpf_object_open_opts()
                opts.sz = MemoryLayout<bpf_object_open_opts>.size
                opts.object_name = cname
                let opened = try libbpfPointer("bpf_object__open_mem") {
                    bpf_object__open_mem(raw.baseAddress, raw.count, &opts)
                }
                do {
                    for (map, entries) in maxEntries.sorted(by: { $0.key < $1.key }) {
                        let handle = try libbpfPointer("bpf_object__find_map_by_name(\(map))") {
                            bpf_object__find_map_by_name(opened, map)
                        }
                        try libbpfCall("bpf_map__set_max_entries(\(map))") { bpf_map__set_max_entries(handle, entries) }
                    }
                    try libbpfCall("bpf_object__load") { bpf_object__load(opened) }
                } catch {
                    bpf_object__close(opened)
                    throw error
                }
                return opened
            }
        }
    }

    deinit { bpf_object__close(handle) }

    /// The file descriptor of the program `name` (`bpf_object__find_program_by_name`).
    public func programFD(_ name: String) throws -> Int32 {
        let prog = try libbpfPointer("bpf_object__find_program_by_name(\(name))") {
            bpf_object__find_program_by_name(handle, name)
        }
        return try libbpfCall("bpf_program__fd(\(name))") { bpf_program__fd(prog) }
    }

    /// The file descriptor of the map `name` (`bpf_object__find_map_fd_by_name`).
    public func mapFD(_ name: String) throws -> Int32 {
        try libbpfCall("bpf_object__find_map_fd_by_name(\(name))") {
            bpf_object__find_map_fd_by_name(handle, name)
        }
    }
}

/// Number of possible CPUs (`libbpf_num_possible_cpus`): per-CPU map values hold one slot each.
func possibleCPUs() throws -> Int {
    Int(try libbpfCall("libbpf_num_possible_cpus") { libbpf_num_possible_cpus() })
}
