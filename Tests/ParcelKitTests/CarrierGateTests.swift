import ParcelCore
import ParcelStore
import TestSupport
import Testing

@testable import ParcelOps

/// The carrier gate on a manual clock: the token bucket, the Retry-After pause and the
/// concurrency slots, each checked without sleeping.
@Suite struct CarrierGateTests {
    static func gate(
        concurrency: Int = 10, perSecond: Double, burst: Int, rateOverride: Double? = nil,
        clock: ManualRateClock
    ) -> CarrierGate {
        CarrierGate(
            limits: CarrierDefinition.Limits(concurrency: concurrency, perSecond: perSecond, burst: burst), rateOverride: rateOverride,
            consecutiveFailures: 0, clock: clock)
    }

    @Test func aBurstGoesAtOnceThenRequestsFollowAtTheRate() async throws {
        let clock = ManualRateClock()
        let gate = Self.gate(perSecond: 2, burst: 3, clock: clock)
        for _ in 0..<3 { await gate.acquire() }
        #expect(clock.sleepers.isEmpty)

        // The fourth waits for one token: half a second at two a second.
        let fourth = Task { await gate.acquire() }
        #expect(await clock.waitForSleepers(1))
        #expect(clock.sleepers == [.milliseconds(500)])
        clock.advance(by: .milliseconds(499))
        #expect(clock.sleepers.count == 1)
        clock.advance(by: .milliseconds(1))
        await fourth.value
        #expect(clock.sleepers.isEmpty)

        // A long quiet refills the bucket to its burst, never beyond.
        for _ in 0..<4 { await gate.release() }
        clock.advance(by: .seconds(60))
        for _ in 0..<3 { await gate.acquire() }
        let beyond = Task { await gate.acquire() }
        #expect(await clock.waitForSleepers(1))
        #expect(clock.sleepers == [.seconds(61)])  // now is 60.5 s
        clock.advance(by: .milliseconds(500))
        await beyond.value
    }

    @Test func aRateOverrideSetsRateAndBurst() async throws {
        let clock = ManualRateClock()
        // --rate seur=0.5: one request, then one every two seconds.
        let gate = Self.gate(perSecond: 50, burst: 50, rateOverride: 0.5, clock: clock)
        await gate.acquire()
        let second = Task { await gate.acquire() }
        #expect(await clock.waitForSleepers(1))
        #expect(clock.sleepers == [.seconds(2)])
        clock.advance(by: .seconds(2))
        await second.value
    }

    @Test func retryAfterPausesEveryWaiterUntilItEnds() async throws {
        let clock = ManualRateClock()
        let gate = Self.gate(perSecond: 100, burst: 100, clock: clock)
        await gate.pause(seconds: 5)
        await gate.pause(seconds: 2)  // a shorter Retry-After never shortens the pause
        let waiters = (0..<3).map { _ in Task { await gate.acquire() } }
        #expect(await clock.waitForSleepers(3))
        #expect(clock.sleepers == [.seconds(5), .seconds(5), .seconds(5)])
        clock.advance(by: .milliseconds(4_900))
        #expect(clock.sleepers.count == 3)
        clock.advance(by: .milliseconds(100))
        for waiter in waiters { await waiter.value }

        // A longer one extends it.
        await gate.pause(seconds: 1)
        await gate.pause(seconds: 3)
        let late = Task { await gate.acquire() }
        #expect(await clock.waitForSleepers(1))
        #expect(clock.sleepers == [.seconds(8)])
        clock.advance(by: .seconds(3))
        await late.value
    }

    @Test func atMostConcurrencyRequestsAreInFlight() async throws {
        let clock = ManualRateClock()
        let gate = Self.gate(concurrency: 2, perSecond: 100, burst: 100, clock: clock)
        await gate.acquire()
        await gate.acquire()
        let third = Task { await gate.acquire() }
        var queued = 0
        for _ in 0..<100_000 where queued == 0 {
            queued = await gate.queued
            await Task.yield()
        }
        #expect(queued == 1)
        #expect(clock.sleepers.isEmpty)  // waiting for a slot, not for time
        await gate.release()
        await third.value
        #expect(await gate.queued == 0)
    }
}
