import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The only state shared between callers and the multi loop's thread: requests waiting to
/// start, cancellations, and a self-pipe that wakes the loop out of `curl_multi_poll`.
///
/// Everything in it is `Sendable` (a `Mutex` and two file descriptors), so no C pointer ever
/// crosses threads.
final class Mailbox: Sendable {
    /// A request handed to the loop together with the continuation to resume.
    struct Submission: Sendable {
        let id: UInt64
        let request: HTTPRequest
        let continuation: CheckedContinuation<HTTPResponse, any Error>
    }

    private enum Phase {
        case allocated, cancelledEarly, queued, running
    }

    private struct State {
        var nextID: UInt64 = 1
        var phases: [UInt64: Phase] = [:]
        var queue: [Submission] = []
        var cancellations: [UInt64] = []
        var shuttingDown = false
    }

    private let state = Mutex(State())
    /// The loop polls this end.
    let readFD: Int32
    private let writeFD: Int32

    /// Creates the mailbox and its self-pipe.
    init() throws(CurlError) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw .setupFailed("pipe() failed: errno \(errno)") }
        readFD = fds[0]
        writeFD = fds[1]
        _ = fcntl(readFD, F_SETFL, fcntl(readFD, F_GETFL) | O_NONBLOCK)
        _ = fcntl(writeFD, F_SETFL, fcntl(writeFD, F_GETFL) | O_NONBLOCK)
    }

    deinit {
        close(readFD)
        close(writeFD)
    }

    /// Reserves an id before the continuation exists, so a cancellation can name it.
    func allocate() -> UInt64 {
        state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            state.phases[id] = .allocated
            return id
        }
    }

    /// Queues a request for the loop, or fails it at once when it was cancelled or the client
    /// is shutting down.
    func submit(_ submission: Submission) {
        let refusal: (any Error)? = state.withLock { state in
            if state.shuttingDown {
                state.phases[submission.id] = nil
                return CurlError.clientShutDown
            }
            if state.phases[submission.id] == .cancelledEarly {
                state.phases[submission.id] = nil
                return CancellationError()
            }
            state.phases[submission.id] = .queued
            state.queue.append(submission)
            return nil
        }
        if let refusal {
            submission.continuation.resume(throwing: refusal)
        } else {
            wake()
        }
    }

    /// Cancels a request wherever it is: before submission, queued, or running in curl.
    func cancel(_ id: UInt64) {
        let dropped: Submission? = state.withLock { state in
            switch state.phases[id] {
            case .allocated:
                state.phases[id] = .cancelledEarly
            case .queued:
                state.phases[id] = nil
                if let index = state.queue.firstIndex(where: { $0.id == id }) {
                    return state.queue.remove(at: index)
                }
            case .running:
                state.cancellations.append(id)
            case .cancelledEarly, nil:
                break
            }
            return nil
        }
        if let dropped {
            dropped.continuation.resume(throwing: CancellationError())
        } else {
            wake()
        }
    }

    /// Everything the loop must act on now: new requests, cancellations, and whether to stop.
    func take() -> (new: [Submission], cancelled: [UInt64], stop: Bool) {
        state.withLock { state in
            let new = state.queue
            for submission in new { state.phases[submission.id] = .running }
            state.queue.removeAll()
            let cancelled = state.cancellations
            state.cancellations.removeAll()
            return (new, cancelled, state.shuttingDown)
        }
    }

    /// Forgets a finished request so a late cancellation is a no-op.
    func finished(_ id: UInt64) {
        state.withLock { state in _ = state.phases.removeValue(forKey: id) }
    }

    /// Asks the loop to fail everything and exit.
    func shutDown() {
        let queued: [Submission] = state.withLock { state in
            state.shuttingDown = true
            let queued = state.queue
            state.queue.removeAll()
            return queued
        }
        for submission in queued { submission.continuation.resume(throwing: CurlError.clientShutDown) }
        wake()
    }

    private func wake() {
        var byte: UInt8 = 1
        _ = write(writeFD, &byte, 1)
    }

    /// Empties the pipe after the loop woke up.
    func drainWakeups() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(readFD, &buffer, buffer.count) > 0 {}
    }
}
