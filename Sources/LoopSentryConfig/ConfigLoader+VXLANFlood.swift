import Foundation
import LoopSentryCore
import Yams

/// `interfaces[].vxlan_flood`: the VTEPs each probed VNI's self-probe is sent to (the VNI's flood
/// list, as the VTEPs replicate its broadcasts). A list of entries
/// `{ vnis: "5000-5001", vteps: [10.99.0.1, "2001:db8::2"] }`; every VNI must be watched
/// (`interfaces[].vnis`), appear in one entry only, and at most 4096 VNIs are probed.
extension ConfigLoader {
    static let floodKeys = ["vnis", "vteps"]

    static func readVXLANFlood(_ node: Node?, _ path: String, watched: VNISet, _ r: ConfigReader) -> [VNIFloodList] {
        var out: [VNIFloodList] = []
        var seen = VNISet()
        var probed = 0
        for (entry, epath) in r.sequence(node, path) {
            guard let m = r.mapping(entry, epath, allowed: floodKeys) else { continue }
            let vnis = vniSet(r.require(m, "vnis", epath, entry), "\(epath).vnis", r)
            let vteps = readVTEPs(r.require(m, "vteps", epath, entry), "\(epath).vteps", r)
            guard let vnis else { continue }
            if let shared = vnis.firstCommonVNI(with: seen) {
                r.fail("\(epath).vnis", m["vnis"], "VNI \(shared) is already in an earlier vxlan_flood entry")
                continue
            }
            if let unwatched = vnis.ranges.first(where: { want in
                !watched.ranges.contains { $0.contains(want.lowerBound) && $0.contains(want.upperBound) }
            }) {
                r.fail("\(epath).vnis", m["vnis"], "VNIs \(VNISet([unwatched])) are not all watched on this interface (add them to vnis)")
                continue
            }
            seen = VNISet(seen.ranges + vnis.ranges)
            probed += vnis.count
            if let vteps { out.append(VNIFloodList(vnis: vnis, vteps: vteps, line: entry.mark?.line)) }
        }
        if probed > VNIProbePlan.maxVNIs {
            r.fail(path, node, "\(probed) VNIs have a flood list; at most \(VNIProbePlan.maxVNIs) can be probed on one interface")
            return []
        }
        return out
    }

    /// A non-empty list of distinct unicast or multicast IPv4/IPv6 addresses; nil after an error.
    static func readVTEPs(_ node: Node?, _ path: String, _ r: ConfigReader) -> [VTEPAddress]? {
        guard let node else { return nil }
        guard case .sequence(let items) = node, !items.isEmpty else {
            r.fail(path, node, "must be a non-empty list of VTEP addresses like [10.99.0.1, \"2001:db8::2\"]")
            return nil
        }
        var out: [VTEPAddress] = []
        var ok = true
        for (a, apath) in r.sequence(node, path) {
            guard let text = r.string(a, apath) else { ok = false; continue }
            guard let address = vtepAddress(text) else {
                r.fail(apath, a, "'\(text)' is not a VTEP address (an IPv4 or IPv6 address, not 0.0.0.0 or ::)")
                ok = false
                continue
            }
            if out.contains(address) {
                r.fail(apath, a, "\(text) is listed twice")
                ok = false
                continue
            }
            out.append(address)
        }
        return ok ? out : nil
    }

    static func vtepAddress(_ text: String) -> VTEPAddress? { VTEPAddress(parsing: text) }
}

extension VTEPAddress {
    /// Parses an IPv4 or IPv6 address with `inet_pton`; nil for anything else or an unspecified address.
    public init?(parsing text: String) {
        var v4 = in_addr()
        var v6 = in6_addr()
        var bytes: [UInt8]
        if inet_pton(AF_INET, text, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
        } else if inet_pton(AF_INET6, text, &v6) == 1 {
            bytes = withUnsafeBytes(of: &v6) { Array($0) }
        } else {
            return nil
        }
        guard bytes.contains(where: { $0 != 0 }) else { return nil }
        self.init(bytes: bytes, printed: text)
    }
}
