import Testing

@testable import ParcelServer

/// The bookkeeping behind `serve`'s connection limits, without sockets: the per-client and total
/// caps, the header deadline on instants passed in, and the descriptor budget.
@Suite struct ConnectionLimitTests {
    /// Admits a connection and returns its ID (nil when refused).
    static func admitted(_ counter: inout ConnectionCounter, _ client: String) -> ConnectionCounter.ID? {
        guard case .admitted(let id, _) = counter.admit(client) else { return nil }
        return id
    }

    @Test func eachAddressIsCappedAndOthersStillGetIn() throws {
        var counter = ConnectionCounter(perClient: 2, total: 10)
        let first = try #require(Self.admitted(&counter, "127.0.0.2"))
        #expect(Self.admitted(&counter, "127.0.0.2") != nil)
        #expect(counter.admit("127.0.0.2") == .refusedClient)
        #expect(Self.admitted(&counter, "127.0.0.3") != nil)  // another address is not held back
        #expect(counter.open == 3 && counter.count("127.0.0.2") == 2)
        counter.release(first)
        #expect(Self.admitted(&counter, "127.0.0.2") != nil)  // a closed connection frees its place
    }

    @Test func atTheTotalCapTheOldestWithoutAHeadMakesRoom() throws {
        var counter = ConnectionCounter(perClient: 5, total: 3)
        let ids = try ["127.0.0.2", "127.0.0.3", "127.0.0.4"].map { try #require(Self.admitted(&counter, $0)) }
        counter.headArrived(ids[0])  // being served: never evicted
        let fourth = counter.admit("127.0.0.5")
        let fifth = counter.admit("127.0.0.6")
        guard case .admitted(let id4, evicting: ids[1]) = fourth, case .admitted(let id5, evicting: ids[2]) = fifth else {
            Issue.record("expected the two oldest without a head evicted in order, got \(fourth), \(fifth)")
            return
        }
        #expect(counter.open == 5 && counter.awaitingHead == 2)
        counter.release(ids[1])
        counter.release(ids[2])
        #expect(counter.open == 3 && counter.count("127.0.0.3") == 0)
        counter.headArrived(id4)
        counter.headArrived(id5)
        #expect(counter.admit("127.0.0.7") == .refusedTotal)  // all three served: nothing gives way
        counter.release(ids[0])
        #expect(Self.admitted(&counter, "127.0.0.7") != nil)
    }

    @Test func evictionsStillClosingAreBounded() throws {
        var counter = ConnectionCounter(perClient: 100, total: 4, evictionSlack: 2)
        for _ in 0..<4 { _ = try #require(Self.admitted(&counter, "127.0.0.2")) }
        for _ in 0..<2 {
            guard case .admitted(_, evicting: .some) = counter.admit("127.0.0.3") else {
                Issue.record("expected an eviction")
                return
            }
        }
        #expect(counter.admit("127.0.0.3") == .refusedTotal)  // two evictions not yet closed: wait for them
        #expect(counter.open == 6)
    }

    @Test func releasingForgetsAddressesAndCountsEachConnectionOnce() throws {
        var counter = ConnectionCounter(perClient: 5, total: 5)
        let id = try #require(Self.admitted(&counter, "127.0.0.2"))
        counter.release(id)
        counter.release(id)  // a second close of the same connection counts once
        counter.release(999)  // never admitted
        #expect(counter.open == 0 && counter.clients == 0 && counter.awaitingHead == 0)
    }

    @Test func manyServedConnectionsLeaveNothingBehindAndEvictionStillWorks() throws {
        var counter = ConnectionCounter(perClient: 10, total: 2)
        for _ in 0..<10_000 {
            let id = try #require(Self.admitted(&counter, "127.0.0.2"))
            counter.headArrived(id)
            counter.release(id)
        }
        #expect(counter.open == 0 && counter.clients == 0 && counter.awaitingHead == 0)
        let old = try #require(Self.admitted(&counter, "127.0.0.2"))
        _ = try #require(Self.admitted(&counter, "127.0.0.2"))
        #expect(counter.admit("127.0.0.3") == .admitted(10_003, evicting: old))
    }

    @Test func theHeaderDeadlineExpiresUnlessAHeadArrives() {
        let start = ContinuousClock.now
        var deadline = HeaderDeadline(timeout: .seconds(10))
        #expect(!deadline.expired(at: start + .seconds(60)))  // not opened: nothing to enforce
        #expect(deadline.opened(at: start) == start + .seconds(10))
        #expect(deadline.opened(at: start + .seconds(5)) == nil)  // armed once
        #expect(!deadline.expired(at: start + .seconds(9)))
        #expect(deadline.expired(at: start + .seconds(10)))

        var served = HeaderDeadline(timeout: .seconds(10))
        _ = served.opened(at: start)
        served.head()
        #expect(!served.expired(at: start + .seconds(3600)))
        #expect(served.opened(at: start + .seconds(20)) == nil)  // a head came: never armed again
    }

    @Test func theTotalCapMustFitTheDescriptorLimit() throws {
        let budget = DescriptorBudget(limit: 1024)
        #expect(try budget.connectionCap(requested: nil) == 1024 - DescriptorBudget.reserve)
        #expect(try budget.connectionCap(requested: 500) == 500)
        let tooMany = #expect(throws: ServerError.self) { try budget.connectionCap(requested: 1000) }
        #expect(tooMany?.description.contains("use at most 896") == true)
        #expect(throws: ServerError.self) { try DescriptorBudget(limit: 100).connectionCap(requested: nil) }
        #expect(DescriptorBudget.current().limit > 0)
    }
}
