import CLoopSentryBPF
import Foundation

/// Named network namespaces as `ip netns` makes them (/var/run/netns/NAME).
///
/// Entering one (`setns`) needs CAP_SYS_ADMIN, which the shipped unit does not grant. A process
/// already inside the namespace (started there by systemd's `NetworkNamespacePath=` or by
/// `ip netns exec`) needs nothing: entering the namespace the thread is in is a no-op.
public enum NetworkNamespace {
    public static let directory = "/var/run/netns"

    /// Moves the calling thread into namespace `name` (`setns(fd, CLONE_NEWNET)`), or does nothing
    /// when the thread is already in it (same nsfs inode). Only this thread changes: call it
    /// before creating sockets or attaching, on the thread that will do so.
    public static func enter(_ name: String) throws {
        let fd = try open(name)
        defer { close(fd) }
        if isCurrent(fd) { return }
        let rc = ls_setns_net(fd)
        guard rc == 0 else {
            if -rc == EPERM { throw SensorError.namespaceNeedsCapability(name) }
            throw SensorError.namespaceEnter(name, errno: -rc)
        }
    }

    /// Runs `body` with the calling thread in namespace `name` (nil: stay where it is), then
    /// moves the thread back to the namespace it was in, even when `body` throws.
    public static func run<T>(in name: String?, _ body: () throws -> T) throws -> T {
        guard let name else { return try body() }
        let target = try open(name)
        let already = isCurrent(target)
        close(target)
        if already { return try body() }
        let original = Glibc.open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
        guard original >= 0 else { throw SensorError.namespaceEnter(name, errno: errno) }
        defer {
            _ = ls_setns_net(original)
            close(original)
        }
        try enter(name)
        return try body()
    }

    /// Opens /var/run/netns/NAME (read access is open to every user).
    private static func open(_ name: String) throws -> Int32 {
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
            throw SensorError.namespaceNotFound(name)
        }
        let fd = Glibc.open("\(directory)/\(name)", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let e = errno
            if e == ENOENT { throw SensorError.namespaceNotFound(name) }
            if e == EACCES || e == EPERM { throw SensorError.permissionDenied("opening network namespace '\(name)'") }
            throw SensorError.namespaceEnter(name, errno: e)
        }
        return fd
    }

    /// True when `fd` names the network namespace the calling thread is in (same device and inode
    /// as /proc/thread-self/ns/net).
    private static func isCurrent(_ fd: Int32) -> Bool {
        var target = stat(), current = stat()
        guard fstat(fd, &target) == 0, stat("/proc/thread-self/ns/net", &current) == 0 else { return false }
        return target.st_dev == current.st_dev && target.st_ino == current.st_ino
    }
}
