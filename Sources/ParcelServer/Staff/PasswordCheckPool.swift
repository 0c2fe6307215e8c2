import Foundation
import ParcelCore
import ParcelOps
import ParcelStore

/// The threads that check staff console passwords.
///
/// A bcrypt check costs about 0.3 s of CPU (cost 12). On the shared executor, ten sign-ins at
/// once stalled `/healthz` and every customer's `/api/track` for seconds; here they run on a
/// few dedicated threads of their own (one on a machine with up to three cores), so the
/// executor stays free. The queue in front of them is bounded: when it is full a check is
/// refused at once with ``Refusal/busy(retryAfter:)`` (the sign-in answers 429 with
/// `Retry-After`) rather than waiting behind a flood.
///
/// `@unchecked Sendable`: every stored property is either immutable or guarded by `condition`.
final class PasswordCheckPool: @unchecked Sendable {
    /// Why a check did not run.
    enum Refusal: Error, Equatable {
        /// The queue is full; a check may get a place after about this many seconds.
        case busy(retryAfter: Int)
    }

    /// How many threads to check on with `cores` processors: one up to three, then half of
    /// them (at most four), so customers' requests always keep cores of their own.
    static func threadCount(cores: Int) -> Int { max(1, min(4, cores / 2)) }

    /// The threads.
    let threads: Int
    /// Checks that may wait for a thread (beyond the ones running).
    let queueLimit: Int

    private let condition = NSCondition()
    private var waiting: [@Sendable () -> Void] = []
    private var running = 0
    private var stopping = false
    /// The mean time of one check, for `Retry-After` (updated as checks finish).
    private var meanSeconds = 0.3

    /// A pool of `threads` threads and a queue of `queueLimit`; the defaults fit this machine.
    init(threads: Int = PasswordCheckPool.threadCount(cores: ProcessInfo.processInfo.activeProcessorCount), queueLimit: Int? = nil) {
        self.threads = max(1, threads)
        self.queueLimit = max(0, queueLimit ?? 8 * max(1, threads))
        for _ in 0..<self.threads { Thread { [self] in work() }.start() }
    }

    /// Checks waiting for a thread now (tests wait on it to fill the queue deterministically).
    var queued: Int {
        condition.lock()
        defer { condition.unlock() }
        return waiting.count
    }

    /// Runs `check` on one of the pool's threads and returns its result, or refuses at once
    /// when the queue is full (or the pool has been shut down).
    func run<Value: Sendable>(_ check: @escaping @Sendable () -> Value) async throws(Refusal) -> Value {
        let result: Result<Value, Refusal> = await withCheckedContinuation { continuation in
            condition.lock()
            guard !stopping, waiting.count < queueLimit || running + waiting.count < threads else {
                let wait = Double(running + waiting.count) * meanSeconds / Double(threads)
                condition.unlock()
                continuation.resume(returning: .failure(.busy(retryAfter: max(1, Int(wait.rounded(.up))))))
                return
            }
            waiting.append { continuation.resume(returning: .success(check())) }
            condition.signal()
            condition.unlock()
        }
        return try result.get()
    }

    /// Lets the threads end once the queue is empty; later checks are refused.
    func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    /// One thread: takes the oldest waiting check, runs it, notes its time, until shut down.
    private func work() {
        while true {
            condition.lock()
            while waiting.isEmpty && !stopping { condition.wait() }
            guard !waiting.isEmpty else {
                condition.unlock()
                return
            }
            let next = waiting.removeFirst()
            running += 1
            condition.unlock()
            let started = ContinuousClock.now
            next()
            let seconds = (ContinuousClock.now - started).inSeconds
            condition.lock()
            running -= 1
            meanSeconds = meanSeconds * 0.8 + seconds * 0.2
            condition.unlock()
        }
    }
}
