/// A set of configurable VLAN IDs (1...4094) kept as sorted, merged ranges, parsed from
/// lists such as `10,20-30,4094`.
///
/// Overlapping or adjacent items in one list are merged (`10-20,15,21` is `10-21`), as switch
/// configurations do; ranges are what a tenant's allowed-VLAN list is written in. As a
/// `Sequence` it yields its VLANs in ascending order, range by range.
public struct VLANSet: Hashable, Sendable, CustomStringConvertible {
    /// Why a VLAN list did not parse; `description` is a one-line message for the operator.
    public enum ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        /// The whole list is empty or blank.
        case empty
        /// Item number `position` (1-based) is empty, as in `10,,20` or a trailing comma.
        case emptyItem(position: Int)
        /// The item is neither a number nor `N-M`.
        case notAVLAN(String)
        /// The number is outside 1...4094.
        case outOfRange(String)
        /// The range `N-M` has N greater than M.
        case reversedRange(String)

        /// The message shown to the operator, one line.
        public var description: String {
            switch self {
            case .empty: return "VLAN list is empty"
            case .emptyItem(let position): return "item \(position) of the VLAN list is empty"
            case .notAVLAN(let item): return "'\(item)' is not a VLAN ID or range (expected N or N-M)"
            case .outOfRange(let number): return "VLAN \(number) is out of range 1-4094"
            case .reversedRange(let item): return "VLAN range \(item) is reversed (start is after end)"
            }
        }
    }

    /// Sorted, non-overlapping, non-adjacent ranges.
    public private(set) var ranges: [ClosedRange<VLANID>]

    /// The empty set.
    public init() { ranges = [] }

    /// Builds a set from ranges in any order, merging overlaps; VLANs outside 1...4094 are kept as given.
    public init(_ ranges: [ClosedRange<VLANID>]) {
        self.ranges = Self.merged(ranges)
    }

    /// Parses a comma-separated list of VLAN IDs and `N-M` ranges; blanks around items are allowed.
    public init(parsing text: String) throws(ParseError) {
        guard text.contains(where: { !$0.isWhitespace }) else { throw .empty }
        var parsed: [ClosedRange<VLANID>] = []
        let items = text.split(separator: ",", omittingEmptySubsequences: false)
        for (index, rawItem) in items.enumerated() {
            let item = Self.trimmed(rawItem)
            guard !item.isEmpty else { throw .emptyItem(position: index + 1) }
            let bounds = item.split(separator: "-", omittingEmptySubsequences: false).map(Self.trimmed)
            guard bounds.count <= 2 else { throw .notAVLAN(String(item)) }
            let lower = try Self.vlan(bounds[0], item: item)
            let upper = bounds.count == 2 ? try Self.vlan(bounds[1], item: item) : lower
            guard lower <= upper else { throw .reversedRange(String(item)) }
            parsed.append(lower...upper)
        }
        ranges = Self.merged(parsed)
    }

    /// True when the set holds no VLAN.
    public var isEmpty: Bool { ranges.isEmpty }

    /// The number of VLAN IDs in the set.
    public var count: Int { ranges.reduce(0) { $0 + Int($1.upperBound.value) - Int($1.lowerBound.value) + 1 } }

    /// True when `vlan` is in the set (binary search over the ranges).
    public func contains(_ vlan: VLANID) -> Bool {
        var low = 0
        var high = ranges.count - 1
        while low <= high {
            let mid = (low + high) / 2
            if vlan < ranges[mid].lowerBound {
                high = mid - 1
            } else if vlan > ranges[mid].upperBound {
                low = mid + 1
            } else {
                return true
            }
        }
        return false
    }

    /// The lowest VLAN that is in both sets, or nil when they are disjoint.
    public func firstCommonVLAN(with other: VLANSet) -> VLANID? {
        var i = 0
        var j = 0
        while i < ranges.count, j < other.ranges.count {
            let a = ranges[i]
            let b = other.ranges[j]
            if a.overlaps(b) { return Swift.max(a.lowerBound, b.lowerBound) }
            if a.upperBound < b.upperBound { i += 1 } else { j += 1 }
        }
        return nil
    }

    /// The canonical list form, e.g. `10,20-30,4094`.
    public var description: String {
        ranges.map { $0.lowerBound == $0.upperBound ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }
            .joined(separator: ",")
    }

    /// Parses one bound: decimal digits only, within 1...4094.
    private static func vlan(_ text: Substring, item: Substring) throws(ParseError) -> VLANID {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw .notAVLAN(String(item))
        }
        guard let number = Int(text), VLANID.validRange.contains(number), let id = VLANID(number) else {
            throw .outOfRange(String(text))
        }
        return id
    }

    private static func trimmed(_ text: Substring) -> Substring {
        var trimmed = text
        while trimmed.first?.isWhitespace == true { trimmed.removeFirst() }
        while trimmed.last?.isWhitespace == true { trimmed.removeLast() }
        return trimmed
    }

    private static func merged(_ ranges: [ClosedRange<VLANID>]) -> [ClosedRange<VLANID>] {
        var out: [ClosedRange<VLANID>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = out.last, Int(range.lowerBound.value) <= Int(last.upperBound.value) + 1 {
                out[out.count - 1] = last.lowerBound...Swift.max(last.upperBound, range.upperBound)
            } else {
                out.append(range)
            }
        }
        return out
    }
}

extension VLANSet {
    /// This set without `vlan`.
    public func removing(_ vlan: VLANID) -> VLANSet {
        var out: [ClosedRange<VLANID>] = []
        for r in ranges {
            guard r.contains(vlan) else { out.append(r); continue }
            if r.lowerBound < vlan { out.append(r.lowerBound...VLANID(Int(vlan.value) - 1)!) }
            if vlan < r.upperBound { out.append(VLANID(Int(vlan.value) + 1)!...r.upperBound) }
        }
        return VLANSet(out)
    }
}

extension VLANSet: Sequence {
    /// Walks the ranges in order: as many steps as VLANs in the set, never all 4094.
    public struct Iterator: IteratorProtocol {
        private var ranges: ArraySlice<ClosedRange<VLANID>>
        private var upcoming: Int?

        init(_ ranges: [ClosedRange<VLANID>]) {
            self.ranges = ranges[...]
            upcoming = ranges.first.map { Int($0.lowerBound.value) }
        }

        public mutating func next() -> VLANID? {
            guard let current = upcoming, let range = ranges.first else { return nil }
            if current < Int(range.upperBound.value) {
                upcoming = current + 1
            } else {
                ranges = ranges.dropFirst()
                upcoming = ranges.first.map { Int($0.lowerBound.value) }
            }
            return VLANID(current)
        }
    }

    public func makeIterator() -> Iterator { Iterator(ranges) }

    public var underestimatedCount: Int { count }
}
