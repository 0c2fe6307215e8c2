import Testing

@testable import CarrierSim

/// The simulator's request log keeps the newest entries in order in a fixed-capacity ring, so
/// recording stays O(1) however many requests a long run sends.
@Suite struct RequestLogRingTests {
    @Test func belowCapacityTheRingHoldsEverythingInOrder() {
        var ring = RingBuffer<Int>(capacity: 5)
        for value in 1...3 { ring.append(value) }
        #expect(ring.elements == [1, 2, 3])
        #expect(ring.count == 3)
        #expect(ring.dropped == 0)
    }

    @Test func pastCapacityTheOldestAreDroppedAndOrderSurvivesWraparound() {
        var ring = RingBuffer<Int>(capacity: 4)
        for value in 1...11 { ring.append(value) }
        #expect(ring.elements == [8, 9, 10, 11])
        #expect(ring.count == 4)
        #expect(ring.dropped == 7)
        // Exactly one lap: the head is back at the start.
        var lap = RingBuffer<Int>(capacity: 3)
        for value in 1...6 { lap.append(value) }
        #expect(lap.elements == [4, 5, 6])
    }

    @Test func everyFillLevelKeepsTheNewestInOrder() {
        for capacity in 1...6 {
            var ring = RingBuffer<Int>(capacity: capacity)
            for value in 0..<20 {
                ring.append(value)
                let expected = Array(max(0, value - capacity + 1)...value)
                #expect(ring.elements == expected, "capacity \(capacity) after \(value)")
                #expect(ring.dropped == max(0, value + 1 - capacity))
            }
        }
    }

    @Test func removeAllEmptiesAndRestartsTheCount() {
        var ring = RingBuffer<String>(capacity: 2)
        for value in ["a", "b", "c"] { ring.append(value) }
        ring.removeAll()
        #expect(ring.elements.isEmpty)
        #expect(ring.dropped == 0)
        ring.append("d")
        ring.append("e")
        ring.append("f")
        #expect(ring.elements == ["e", "f"])
    }

    @Test func theRequestLogReturnsTheNewestEntriesOldestFirst() async {
        let log = RequestLog(capacity: 3)
        for index in 0..<10 {
            await log.record(.init(receivedAt: Double(index), method: "GET", path: "/p\(index)", carrier: nil, source: nil, number: nil, status: 200))
        }
        #expect(await log.entries.map(\.path) == ["/p7", "/p8", "/p9"])
        #expect(await log.dropped == 7)
        await log.clear()
        #expect(await log.entries.isEmpty)
        #expect(RequestLog.defaultCapacity == 200_000)
    }
}
