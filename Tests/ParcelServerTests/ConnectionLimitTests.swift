import Testing

@testable import ParcelServer

/// The bookkeeping behind `serve`'s connection limits, without sockets: the per-client and total
/// caps, the header deadline on instants passed in, and the descriptor budget.
@Suite struct ConnectionLimitTests {
    @Test func eachAddressIsCappedAndOthersStillGetIn() {
        var counter = ConnectionCounter(perClient: 2, total: 10)
        #expect(counter.admit("127.0.0.2") == .admitted)
        #expect(counter.admit("127.0.0.2") == .admitted)
        #expect(counter.admit("127.0.0.2") == .refusedClient)
        #expect(counter.admit("127.0.0.3") == .admitted)  // another address is not held back
        #expect(counter.open == 3 && counter.count("127.0.0.2") == 2)
        counter.release("127.0.0.2")
        #expect(counter.admit("127.0.0.2") == .admitted)  // a closed connection frees its place
    }

    @Test func theTotalCapRefusesEveryAddressOnceFull() {
        var counter = ConnectionCounter(perClient: 5, total: 3)
        for address in ["127.0.0.2", "127.0.0.3", "127.0.0.4"] { #expect(counter.admit(address) == .admitted) }
        #expect(counter.admit("127.0.0.5") == .refusedTotal)
        #expect(counter.admit("127.0.0.2") == .refusedTotal)
        counter.release("127.0.0.3")
        #expect(counter.admit("127.0.0.5") == .admitted)
        #expect(counter.open == 3)
    }

    @Test func releasingForgetsAddressesAndNeverGoesBelowZero() {
        var counter = ConnectionCounter(perClient: 5, total: 5)
        #expect(counter.admit("127.0.0.2") == .admitted)
        counter.release("127.0.0.2")
        counter.release("127.0.0.2")  // a second close of the same connection counts once
        counter.release("10.9.9.9")  // never admitted
        #expect(counter.open == 0 && counter.clients == 0)
    }

    @Test func theGateCountsAcrossThreads() async {
        let gate = ConnectionGate(perClient: 1000, total: 1500)
        let admitted = await withTaskGroup(of: Int.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var count = 0
                    for _ in 0..<250 where gate.admit("127.0.0.\(worker % 2 + 2)") == .admitted { count += 1 }
                    return count
                }
            }
            return await group.reduce(0, +)
        }
        #expect(admitted == 1500 && gate.open == 1500)  // 2000 tried, never more than the total
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
