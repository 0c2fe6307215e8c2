import Foundation
import ParcelCore
import ParcelStore

/// Keeps one sweep polite to one carrier: at most `concurrency` requests in flight, a token
/// bucket for the request rate, a shared pause when the carrier answers `429 Retry-After`, and
/// the circuit breaker's failure count.
///
/// Rate and pauses run on `clock`: real time in a sweep (politeness is about the carrier's wall
/// clock), a manual clock in tests; the breaker's cool-down is judged on Parcelwatch's clock and
/// kept in the store across sweeps.
actor CarrierGate {
    private let clock: any RateClock
    private let concurrency: Int
    private let perSecond: Double
    private let burst: Double
    private var tokens: Double
    private var refilledAt: Duration
    private var inFlight = 0
    private var pausedUntil: Duration?
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Failed checks in a row for this carrier (seeded from the store).
    private(set) var consecutiveFailures: Int
    /// Set once the breaker trips during this sweep.
    private(set) var isOpen = false
    /// Why this carrier is not asked again in this sweep (its credentials were refused, or its
    /// quota is spent), with when it may be asked again; nil while it may be asked.
    private(set) var halt: (reason: String, until: Date?)?

    /// Whether the first request of the sweep to an authenticated source goes alone, so that
    /// refused credentials cost one request and not one per parcel in flight.
    private var probe: Probe
    private var probeWaiters: [CheckedContinuation<Void, Never>] = []

    private enum Probe { case needed, running, done }

    /// Waits while another task's probe request is out; true when the caller is the probe and
    /// must call ``finishProbe()`` once its first attempt is answered.
    func enterProbe() async -> Bool {
        switch probe {
        case .done: return false
        case .needed:
            probe = .running
            return true
        case .running:
            await withCheckedContinuation { probeWaiters.append($0) }
            return false
        }
    }

    /// The probe was answered: everyone may ask (or see the halt it caused).
    func finishProbe() {
        probe = .done
        let waiting = probeWaiters
        probeWaiters.removeAll()
        for waiter in waiting { waiter.resume() }
    }

    /// Stops every further request of this sweep to the carrier; the first reason stays.
    func halt(_ reason: String, until: Date?) {
        if halt == nil { halt = (reason, until) }
    }

    init(
        limits: CarrierDefinition.Limits, rateOverride: Double?, concurrencyOverride: Int? = nil, consecutiveFailures: Int,
        probeFirst: Bool = false, clock: any RateClock = SystemRateClock()
    ) {
        self.clock = clock
        refilledAt = clock.now
        probe = probeFirst ? .needed : .done
        concurrency = max(1, concurrencyOverride ?? limits.concurrency)
        let rate = rateOverride ?? limits.perSecond
        perSecond = rate
        burst = rateOverride.map { max(1, $0.rounded(.up)) } ?? Double(limits.burst)
        tokens = burst
        self.consecutiveFailures = consecutiveFailures
    }

    /// Waits for a free slot and a token, then takes both. Every successful call must be
    /// followed by ``release()``.
    func acquire() async {
        while true {
            let now = clock.now
            if let pausedUntil, now < pausedUntil {
                try? await clock.sleep(until: pausedUntil)
                continue
            }
            guard inFlight < concurrency else {
                await withCheckedContinuation { waiters.append($0) }
                continue
            }
            let elapsed = now - refilledAt
            tokens = min(burst, tokens + perSecond * elapsed.inSeconds)
            refilledAt = now
            if tokens >= 1 {
                tokens -= 1
                inFlight += 1
                return
            }
            try? await clock.sleep(until: now + .seconds((1 - tokens) / perSecond))
        }
    }

    /// Tasks waiting in ``acquire()`` for a slot to come free.
    var queued: Int { waiters.count }

    /// Gives the slot back.
    func release() {
        inFlight -= 1
        if !waiters.isEmpty { waiters.removeFirst().resume() }
    }

    /// Nobody asks this carrier again for `seconds` (its `Retry-After`).
    func pause(seconds: Double) {
        let until = clock.now + .milliseconds(Int64(seconds * 1000))
        if pausedUntil.map({ $0 < until }) ?? true { pausedUntil = until }
    }

    /// Counts a failed check; returns true when this failure trips the breaker.
    func recordFailure(threshold: Int) -> Bool {
        consecutiveFailures += 1
        guard !isOpen, consecutiveFailures >= threshold else { return false }
        isOpen = true
        return true
    }

    /// Counts a check the carrier answered properly.
    func recordSuccess() {
        consecutiveFailures = 0
    }
}
