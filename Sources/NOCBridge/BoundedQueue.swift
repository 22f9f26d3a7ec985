/// A FIFO that holds at most `capacity` elements; appending to a full queue drops the
/// oldest, so what an operator sees after an outage is the latest events.
struct BoundedQueue<Element: Sendable>: Sendable {
    let capacity: Int
    private var storage: [Element] = []
    private var head = 0

    init(capacity: Int) { self.capacity = max(capacity, 1) }

    var count: Int { storage.count - head }
    var isEmpty: Bool { count == 0 }

    /// Appends `element`; returns the element dropped to make room, if any.
    @discardableResult
    mutating func append(_ element: Element) -> Element? {
        var dropped: Element?
        if count == capacity { dropped = removeFirst() }
        storage.append(element)
        return dropped
    }

    mutating func removeFirst() -> Element? {
        guard head < storage.count else { return nil }
        let e = storage[head]
        head += 1
        if head > 64, head * 2 > storage.count {
            storage.removeFirst(head)
            head = 0
        }
        return e
    }

    /// Puts `element` back at the front (a send that failed).
    mutating func prepend(_ element: Element) {
        if head > 0 {
            head -= 1
            storage[head] = element
        } else {
            storage.insert(element, at: 0)
        }
        if count > capacity { _ = storage.popLast() }
    }
}
