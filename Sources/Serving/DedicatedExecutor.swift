import Dispatch
import Synchronization

/// Runs a simulator's jobs on threads of its own instead of Swift's shared cooperative pool.
///
/// The pool has one thread per core (two on this project's machine). A host that blocks them,
/// such as a test waiting synchronously for a child process, would otherwise leave an in-process
/// simulator unable to answer anyone, and every client would time out together (CI saw 18 tests
/// fail at once, each "did not answer within 30 s"). Serial dispatch queues are overcommitting:
/// each always gets a thread, however busy the pool is. Jobs go to the queues in turn, so the
/// simulator still uses every core; actors keep their own exclusion on any of them.
final class DedicatedExecutor: TaskExecutor {
    /// The executor every in-process simulator shares.
    static let shared = DedicatedExecutor(threads: 4)

    private let queues: [DispatchQueue]
    private let next = Atomic<UInt>(0)

    /// An executor over `threads` serial queues.
    init(threads: Int) {
        queues = (0..<max(1, threads)).map { DispatchQueue(label: "carrier-sim.\($0)") }
    }

    /// Runs `job` on the next queue.
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let index = Int(next.add(1, ordering: .relaxed).oldValue % UInt(queues.count))
        let executor = asUnownedTaskExecutor()
        queues[index].async { job.runSynchronously(on: executor) }
    }
}
