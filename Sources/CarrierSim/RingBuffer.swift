/// A fixed-capacity buffer that keeps the newest `capacity` elements in arrival order.
///
/// Appending to a full buffer overwrites the oldest element in O(1), so a long-running
/// simulator answers at the same speed after its millionth request as after its first (an array
/// trimmed from the front moves every element on each append once full).
struct RingBuffer<Element> {
    /// How many elements the buffer keeps; the oldest are dropped beyond it.
    let capacity: Int
    /// Storage, filled up to `capacity` and then overwritten in place.
    private var storage: [Element] = []
    /// Index in `storage` of the oldest element once the storage is full.
    private var head = 0
    /// How many elements were overwritten because the buffer was full (since the last `removeAll`).
    private(set) var dropped = 0

    /// A buffer keeping the newest `capacity` elements; a capacity below 1 is raised to 1.
    init(capacity: Int) {
        self.capacity = max(1, capacity)
        storage.reserveCapacity(min(self.capacity, 4096))
    }

    /// How many elements the buffer holds now (at most `capacity`).
    var count: Int { storage.count }

    /// Appends `element`, overwriting the oldest one when the buffer is full.
    mutating func append(_ element: Element) {
        if storage.count < capacity {
            storage.append(element)
        } else {
            storage[head] = element
            head = (head + 1) % capacity
            dropped += 1
        }
    }

    /// Empties the buffer and resets the dropped count.
    mutating func removeAll() {
        storage.removeAll(keepingCapacity: true)
        head = 0
        dropped = 0
    }

    /// The elements held, oldest first.
    var elements: [Element] {
        guard head > 0 else { return storage }
        var ordered: [Element] = []
        ordered.reserveCapacity(storage.count)
        ordered.append(contentsOf: storage[head...])
        ordered.append(contentsOf: storage[..<head])
        return ordered
    }
}
