import LoopSentrySystem

/// Errors from the sensor shell. Each names what failed in one line an operator can act on.
public enum SensorError: Error, Equatable, CustomStringConvertible {
    /// A libbpf (or kernel) call failed: the C function, errno and libbpf's own last log line.
    case libbpf(function: String, errno: Int32, detail: String)
    case interfaceNotFound(String)
    case namespaceNotFound(String)
    case namespaceEnter(String, errno: Int32)
    /// `setns` refused (EPERM): entering a namespace needs CAP_SYS_ADMIN.
    case namespaceNeedsCapability(String)
    case permissionDenied(String)
    case filterSlotTaken(interface: String, program: String)
    case invalidFrame(String)
    /// A setting the loaded program cannot take (e.g. more VNIs than its per-VNI map holds).
    case invalidSetting(String)
    /// A plain libc call (socket, bind, send) failed.
    case system(SystemCallError)

    public var description: String {
        switch self {
        case let .libbpf(function, errno, detail):
            let base = "\(function) failed: \(SystemCallError.describe(errno: errno))"
            return detail.isEmpty ? base : "\(base) (\(detail))"
        case let .invalidSetting(message):
            return message
        case let .interfaceNotFound(name):
            return "interface '\(name)' not found"
        case let .namespaceNotFound(name):
            return "network namespace '\(name)' not found (no /var/run/netns/\(name))"
        case let .namespaceEnter(name, errno):
            return "cannot enter network namespace '\(name)': \(SystemCallError.describe(errno: errno))"
        case let .namespaceNeedsCapability(name):
            return "cannot enter network namespace '\(name)': setns needs CAP_SYS_ADMIN; start LoopSentry inside it instead (systemd NetworkNamespacePath=/run/netns/\(name), or ip netns exec \(name))"
        case let .permissionDenied(what):
            return "permission denied: \(what) needs CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN"
        case let .filterSlotTaken(interface, program):
            return "tc ingress filter slot of LoopSentry on \(interface) is held by another program ('\(program)'); remove it first"
        case let .invalidFrame(why):
            return "invalid frame: \(why)"
        case let .system(error):
            return error.description
        }
    }
}
