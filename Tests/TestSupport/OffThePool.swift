import Foundation

/// Runs `body` on a thread of its own and waits for it without holding a thread of Swift's
/// cooperative pool.
///
/// The pool has one thread per core, two on this project's machine, and every test of the run
/// shares it: the in-process servers' handlers, the curl client's completions and every test's
/// next step wait for one of those threads. A test that blocks one (waiting for a child process,
/// a blocking socket) or keeps it busy for seconds (a backtest over 20,000 parcels, a thousand
/// parsed pages) held up everything else; CI saw a 300 ms curl timeout reported after 11 s and
/// sign-ins time out, all at once. Use it for anything that blocks or computes for more than a
/// moment; record expectations after it returns, in the test's own task, where Swift Testing
/// attributes them.
public func offThePool<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

/// ``offThePool(_:)`` for a body that cannot fail.
public func offThePool<Value: Sendable>(_ body: @escaping @Sendable () -> Value) async -> Value {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: body()) }.start()
    }
}
