@testable import NOCBridge

extension MIBView {
    /// Walks from `start` with GETNEXT until the end, collecting suffixes.
    func walk(from start: [UInt]) -> [[UInt]] {
        var out: [[UInt]] = []
        var at = start
        while let (next, _) = next(after: at[...], inclusive: false) {
            out.append(next)
            at = next
        }
        return out
    }
}

extension SNMPLab {
    /// The varbinds snmptrapd logged for the first `notification`, from snmpTrapOID.0 on.
    func logged(_ notification: String) -> String? {
        trapLog.split(separator: "\n").first { $0.contains("OID: LOOPSENTRY-MIB::\(notification)\t") }
            .flatMap { line in line.range(of: "SNMPv2-MIB::snmpTrapOID.0").map { String(line[$0.lowerBound...]) } }
    }
}
