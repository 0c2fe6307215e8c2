import Dispatch
import Foundation
import Synchronization

/// Runs an in-process server's jobs on threads of its own instead of Swift's shared cooperative pool.
///
/// The pool has one thread per core (two on this project's machine). A host that blocks them or
/// keeps them busy, such as a test run computing beside the server, would otherwise leave an
/// in-process simulator or `serve` unable to answer anyone, and every client would time out
/// together (CI saw 18 tests fail at once, each "did not answer within 30 s").
///
/// The threads share one queue of jobs, first in, first out: whichever thread is free takes the
/// next job, so a long job holds up only its own thread. (Jobs dealt to serial dispatch queues
/// in turn waited behind whatever their queue was running, however idle the others were.)
/// Actors keep their own exclusion on any of the threads.
public final class DedicatedExecutor: TaskExecutor {
    /// The executor every in-process server shares.
    public static let shared = DedicatedExecutor(threads: 4)

    private let jobs = Mutex(JobQueue())
    private let waiting = DispatchSemaphore(value: 0)

    /// An executor over `threads` threads, started now and running for the life of the process.
    public init(threads: Int) {
        for index in 0..<max(1, threads) {
            let thread = Thread { [self] in work() }
            thread.name = "in-process-server.\(index)"
            thread.start()
        }
    }

    /// Queues `job` for the next free thread.
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        jobs.withLock { $0.append(job) }
        waiting.signal()
    }

    /// One thread's loop: the oldest job, as soon as there is one.
    private func work() {
        let executor = asUnownedTaskExecutor()
        while true {
            waiting.wait()
            guard let job = jobs.withLock({ $0.next() }) else { continue }
            job.runSynchronously(on: executor)
        }
    }
}

/// Jobs first in, first out, without moving the rest on every take.
private struct JobQueue: ~Copyable {
    private var items: [UnownedJob] = []
    private var head = 0

    mutating func append(_ job: UnownedJob) { items.append(job) }

    mutating func next() -> UnownedJob? {
        guard head < items.count else { return nil }
        let job = items[head]
        head += 1
        if head == items.count || head > 1024 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        return job
    }
}
