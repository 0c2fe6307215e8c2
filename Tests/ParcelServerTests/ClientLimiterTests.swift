import TestSupport
import Testing

@testable import ParcelServer

/// The customer limiter on a manual clock: the token bucket, the miss delays that grow, and the
/// 429 a scan reaches, each checked without sleeping.
@Suite struct ClientLimiterTests {
    static func limiter(burst: Double = 3, perSecond: Double = 0.5, clock: ManualRateClock) -> ClientLimiter {
        var policy = ClientLimiter.Policy()
        policy.burst = burst
        policy.perSecond = perSecond
        return ClientLimiter(policy: policy, clock: clock)
    }

    @Test func aBurstIsAdmittedThenTheBucketRefillsAtItsRate() async {
        let clock = ManualRateClock()
        let limiter = Self.limiter(clock: clock)
        for _ in 0..<3 { #expect(await limiter.admit("10.0.0.1") == .allow) }
        #expect(await limiter.admit("10.0.0.1") == .refuse(retryAfter: 2))  // one token at 0.5 a second
        #expect(await limiter.admit("10.0.0.2") == .allow)  // every client has its own bucket
        clock.advance(by: .seconds(1))
        #expect(await limiter.admit("10.0.0.1") == .refuse(retryAfter: 1))
        clock.advance(by: .seconds(1))
        #expect(await limiter.admit("10.0.0.1") == .allow)
        // A long quiet refills to the burst, not beyond.
        clock.advance(by: .seconds(3600))
        for _ in 0..<3 { #expect(await limiter.admit("10.0.0.1") == .allow) }
        #expect(await limiter.admit("10.0.0.1") == .refuse(retryAfter: 2))
    }

    @Test func missesAreFreeThenDelayedMoreEachTimeThenRefused() async {
        let clock = ManualRateClock()
        let limiter = Self.limiter(burst: 10, clock: clock)
        // Three free misses (a customer mistyping), then 0.5 s doubling up to 8 s.
        var delays: [Duration] = []
        for _ in 0..<3 { delays.append(await limiter.miss("10.0.0.1")) }
        #expect(delays == [.zero, .zero, .zero])
        #expect(await limiter.admit("10.0.0.1") == .allow)  // free misses cost no tokens
        delays = []
        for _ in 0..<4 { delays.append(await limiter.miss("10.0.0.1")) }
        #expect(delays == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4)])
        // Those four drained 1 + 2 + 3 + 4 tokens of the 9 left: a scan is answered 429 until
        // two tokens have come back.
        #expect(await limiter.admit("10.0.0.1") == .refuse(retryAfter: 4))
        #expect(await limiter.miss("10.0.0.1") == .seconds(8))
        #expect(await limiter.miss("10.0.0.1") == .seconds(8))  // the cap
        #expect(await limiter.miss("10.0.0.2") == .zero)  // another client's first miss
    }

    @Test func missesAreForgottenByHalfEveryHalfLife() async {
        let clock = ManualRateClock()
        let limiter = Self.limiter(burst: 100, clock: clock)
        for _ in 0..<6 { _ = await limiter.miss("10.0.0.1") }
        clock.advance(by: .seconds(600))
        // Six misses are three after ten minutes: the next is the fourth, the first delayed one.
        #expect(await limiter.miss("10.0.0.1") == .milliseconds(500))
    }

    @Test func aMissIsHeldBackOnTheLimitersClock() async throws {
        let clock = ManualRateClock()
        let limiter = Self.limiter(clock: clock)
        for _ in 0..<3 { try await limiter.holdBack("10.0.0.1") }  // free: no wait at all
        #expect(clock.sleepers.isEmpty)
        let held = Task { try await limiter.holdBack("10.0.0.1") }
        #expect(await clock.waitForSleepers(1))
        #expect(clock.sleepers == [.milliseconds(500)])
        clock.advance(by: .milliseconds(500))
        try await held.value
    }
}
