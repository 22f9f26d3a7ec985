/// Switch connections (network_cli, netconf) are persistent: when the switch cannot be reached,
/// Ansible reports the *task* as failed, with the transport's message, instead of the host as
/// unreachable (as the ssh connection does). These are the messages that mean "could not reach
/// or log in to the host", so the runner can classify them as unreachable. Pure, no I/O.
extension PlaybookOutputParser {
    /// Fragments of paramiko (network_cli) and ncclient (netconf) connection errors: closed port,
    /// refused or timed-out TCP, failed password, unknown or changed host key.
    static let connectionFailureMarkers = [
        "Unable to connect to port",              // paramiko: nothing listening
        "Could not open socket to",               // ncclient: nothing listening
        "Connection refused",
        "Connection timed out", "timed out while connecting",
        "No route to host",
        "Failed to authenticate",                 // network_cli: wrong user or password
        "AuthenticationException",                // ncclient: wrong user or password
        "Authentication failed",
        "The authenticity of host",               // paramiko: host key not in known_hosts
        "Unknown host key",                       // ncclient: host key not in known_hosts
        "REMOTE HOST IDENTIFICATION HAS CHANGED", "BadHostKeyException",
        "ssh connection failed", "unable to open shell",
    ]

    /// Whether a failed task's message is a connection failure, not something the task did.
    public static func isConnectionFailure(_ message: String) -> Bool {
        connectionFailureMarkers.contains { message.contains($0) }
    }

    /// Marks failed tasks whose message is a connection failure as unreachable, and moves them
    /// from `failed` to `unreachable` in their host's counts.
    static func classifyConnectionFailures(_ records: [PlaybookTaskRecord], _ hosts: [String: PlaybookHostStats])
        -> ([PlaybookTaskRecord], [String: PlaybookHostStats]) {
        var records = records, hosts = hosts
        for i in records.indices where records[i].failed && !records[i].unreachable
            && isConnectionFailure(records[i].messages.joined(separator: " ")) {
            records[i].failed = false
            records[i].unreachable = true
            if var stats = hosts[records[i].host], stats.failed > 0 {
                stats.failed -= 1
                stats.unreachable += 1
                hosts[records[i].host] = stats
            }
        }
        return (records, hosts)
    }
}
