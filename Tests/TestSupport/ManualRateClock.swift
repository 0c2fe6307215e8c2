import ParcelCore
import ParcelOps
import ParcelStore
import Synchronization

/// A ``RateClock`` that stands still until a test moves it: tasks asleep on it wake when
/// ``advance(by:)`` reaches their deadline, so rate limits are tested without sleeping.
public final class ManualRateClock: RateClock {
    private struct Sleeper {
        let id: Int
        let deadline: Duration
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Duration = .zero
        var sleepers: [Sleeper] = []
        var nextID = 0
        /// Sleepers cancelled before they were registered.
        var cancelled: Set<Int> = []
    }

    private let state = Mutex(State())

    /// A clock at zero.
    public init() {}

    /// The time the test has moved the clock to.
    public var now: Duration { state.withLock { $0.now } }

    /// Suspends until ``advance(by:)`` reaches `deadline`; returns at once when it already has.
    /// - Throws: `CancellationError` when the task is cancelled first.
    public func sleep(until deadline: Duration) async throws {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Next { case wait, wake, cancel }
                let next: Next = state.withLock { state in
                    if state.cancelled.remove(id) != nil { return .cancel }
                    if deadline <= state.now { return .wake }
                    state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return .wait
                }
                switch next {
                case .wait: break
                case .wake: continuation.resume()
                case .cancel: continuation.resume(throwing: CancellationError())
                }
            }
        } onCancel: {
            let sleeper: Sleeper? = state.withLock { state in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else {
                    state.cancelled.insert(id)
                    return nil
                }
                return state.sleepers.remove(at: index)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// The deadlines of the tasks asleep on the clock now, earliest first.
    public var sleepers: [Duration] {
        state.withLock { $0.sleepers.map(\.deadline).sorted() }
    }

    /// Moves the clock on by `duration` and wakes every task whose deadline it reached.
    public func advance(by duration: Duration) {
        let woken: [Sleeper] = state.withLock { state in
            state.now += duration
            let now = state.now
            let due = state.sleepers.filter { $0.deadline <= now }
            state.sleepers.removeAll { $0.deadline <= now }
            return due
        }
        for sleeper in woken { sleeper.continuation.resume() }
    }

    /// Yields until `count` tasks are asleep on the clock; false when they were not after
    /// `yields` turns (a test then fails instead of hanging).
    public func waitForSleepers(_ count: Int, yields: Int = 100_000) async -> Bool {
        for _ in 0..<yields {
            if state.withLock({ $0.sleepers.count }) >= count { return true }
            await Task.yield()
        }
        return false
    }
}
