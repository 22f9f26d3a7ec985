/// A FIFO of at most `capacity` elements that never blocks: appending to a full queue drops
/// the oldest, so what an operator sees after an outage is the latest events. A ring buffer
/// with no locking: the notification queue and each syslog sender guard it with their own lock.
struct BoundedQueue<Element> {
    let capacity: Int
    private var storage: [Element?]
    private var head = 0
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        storage = Array(repeating: nil, count: self.capacity)
    }

    var isEmpty: Bool { count == 0 }

    /// Adds `element` at the back. Returns the oldest element when it had to be dropped to make room.
    @discardableResult
    mutating func append(_ element: Element) -> Element? {
        let dropped = count == capacity ? popFirst() : nil
        storage[(head + count) % capacity] = element
        count += 1
        return dropped
    }

    /// Puts back an element taken by `popFirst` (a send that failed). When the queue filled up
    /// meanwhile, `element` is the oldest of all and is dropped instead: returns false then.
    mutating func pushFront(_ element: Element) -> Bool {
        guard count < capacity else { return false }
        head = (head + capacity - 1) % capacity
        storage[head] = element
        count += 1
        return true
    }

    /// Takes the oldest element.
    mutating func popFirst() -> Element? {
        guard count > 0 else { return nil }
        let element = storage[head]
        storage[head] = nil
        head = (head + 1) % capacity
        count -= 1
        return element
    }
}

extension BoundedQueue: Sendable where Element: Sendable {}
