import CLoopSentryBPF
import Foundation

/// Named network namespaces as `ip netns` makes them (/var/run/netns/NAME).
public enum NetworkNamespace {
    public static let directory = "/var/run/netns"

    /// Moves the calling thread into namespace `name` (`setns(fd, CLONE_NEWNET)`).
    /// Only this thread changes: call it before creating sockets or attaching, on the
    /// thread that will do so.
    public static func enter(_ name: String) throws {
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
            throw SensorError.namespaceNotFound(name)
        }
        let path = "\(directory)/\(name)"
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let e = errno
            if e == ENOENT { throw SensorError.namespaceNotFound(name) }
            if e == EACCES || e == EPERM { throw SensorError.permissionDenied("entering network namespace '\(name)'") }
            throw SensorError.namespaceEnter(name, errno: e)
        }
        defer { close(fd) }
        let rc = ls_setns_net(fd)
        guard rc == 0 else {
            if -rc == EPERM { throw SensorError.permissionDenied("entering network namespace '\(name)'") }
            throw SensorError.namespaceEnter(name, errno: -rc)
        }
    }

    /// Runs `body` with the calling thread in namespace `name` (nil: stay where it is), then
    /// moves the thread back to the namespace it was in, even when `body` throws.
    public static func run<T>(in name: String?, _ body: () throws -> T) throws -> T {
        guard let name else { return try body() }
        let original = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
        guard original >= 0 else { throw SensorError.namespaceEnter(name, errno: errno) }
        defer {
            _ = ls_setns_net(original)
            close(original)
        }
        try enter(name)
        return try body()
    }
}
