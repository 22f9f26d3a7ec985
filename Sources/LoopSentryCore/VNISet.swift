/// A set of VXLAN VNIs (1...16777215) kept as sorted, merged ranges, parsed from lists such as
/// `5000-5099,6000`: the same list syntax as `VLANSet`, with VNI bounds. VNI 0 is excluded as
/// a configuration value (implementations reserve it).
public struct VNISet: Hashable, Sendable, CustomStringConvertible {
    /// The VNIs a configuration may name.
    public static let validRange: ClosedRange<Int> = 1...0xFF_FFFF

    /// Sorted, non-overlapping, non-adjacent ranges.
    public private(set) var ranges: [ClosedRange<VNI>]

    /// The empty set.
    public init() { ranges = [] }

    /// Builds a set from ranges in any order, merging overlaps and adjacent ranges.
    public init(_ ranges: [ClosedRange<VNI>]) {
        var out: [ClosedRange<VNI>] = []
        for r in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = out.last, r.lowerBound.value <= last.upperBound.value &+ 1 {
                out[out.count - 1] = last.lowerBound...max(last.upperBound, r.upperBound)
            } else {
                out.append(r)
            }
        }
        self.ranges = out
    }

    /// Parses a comma-separated list of VNIs and `N-M` ranges; the error is one line naming the item.
    public init(parsing text: String) throws(VNIListError) {
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map { item in
            String(item.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        }
        guard !(items.count == 1 && items[0].isEmpty) else { throw VNIListError("VNI list is empty") }
        var parsed: [ClosedRange<VNI>] = []
        for (index, item) in items.enumerated() {
            guard !item.isEmpty else { throw VNIListError("item \(index + 1) of the VNI list is empty") }
            let bounds = item.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            guard bounds.count <= 2, let lower = Int(bounds[0]), let upper = Int(bounds.last!) else {
                throw VNIListError("'\(item)' is not a VNI or range (expected N or N-M)")
            }
            for n in [lower, upper] where !Self.validRange.contains(n) {
                throw VNIListError("VNI \(n) is out of range 1-16777215")
            }
            guard lower <= upper else { throw VNIListError("VNI range \(item) is reversed (start is after end)") }
            parsed.append(VNI(lower)!...VNI(upper)!)
        }
        self.init(parsed)
    }

    public var isEmpty: Bool { ranges.isEmpty }

    /// True when `vni` is in one of the ranges (binary search).
    public func contains(_ vni: VNI) -> Bool {
        var lo = 0, hi = ranges.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ranges[mid].upperBound < vni { lo = mid + 1 } else { hi = mid }
        }
        return lo < ranges.count && ranges[lo].contains(vni)
    }

    /// The lowest VNI in both sets, nil when they are disjoint.
    public func firstCommonVNI(with other: VNISet) -> VNI? {
        var best: VNI?
        for a in ranges {
            for b in other.ranges where a.overlaps(b) {
                let common = max(a.lowerBound, b.lowerBound)
                if best.map({ common < $0 }) ?? true { best = common }
            }
        }
        return best
    }

    /// The number of VNIs in the set.
    public var count: Int { ranges.reduce(0) { $0 + Int($1.upperBound.value - $1.lowerBound.value) + 1 } }

    /// Every VNI in ascending order (for seeding the sensor's map: check `count` first).
    public var members: [VNI] {
        ranges.flatMap { r in (r.lowerBound.value...r.upperBound.value).map { VNI(masking: $0) } }
    }

    /// `5000-5099,6000`.
    public var description: String {
        ranges.map { $0.lowerBound == $0.upperBound ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }
            .joined(separator: ",")
    }
}

/// Why a VNI list did not parse: a one-line message for the operator.
public struct VNIListError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension VNISet {
    /// This set without `vni` (a range around it splits in two).
    public func removing(_ vni: VNI) -> VNISet {
        var out: [ClosedRange<VNI>] = []
        for r in ranges {
            guard r.contains(vni) else { out.append(r); continue }
            if r.lowerBound < vni { out.append(r.lowerBound...VNI(masking: vni.value - 1)) }
            if vni < r.upperBound { out.append(VNI(masking: vni.value + 1)...r.upperBound) }
        }
        return VNISet(out)
    }
}
