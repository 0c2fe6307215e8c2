import Dispatch
import Synchronization

/// Runs an in-process server's jobs on threads of its own instead of Swift's shared cooperative pool.
///
/// The pool has one thread per core (two on this project's machine). A host that blocks them or
/// keeps them busy, such as a test run computing beside the server, would otherwise leave an
/// in-process simulator or `serve` unable to answer anyone, and every client would time out
/// together (CI saw 18 tests fail at once, each "did not answer within 30 s"). Serial dispatch
/// queues are overcommitting: each always gets a thread, however busy the pool is. Jobs go to
/// the queues in turn, so a server still uses every core; actors keep their own exclusion on
/// any of them.
public final class DedicatedExecutor: TaskExecutor {
    /// The executor every in-process server shares.
    public static let shared = DedicatedExecutor(threads: 8)

    private let queues: [DispatchQueue]
    private let next = Atomic<UInt>(0)

    /// An executor over `threads` serial queues.
    public init(threads: Int) {
        queues = (0..<max(1, threads)).map { DispatchQueue(label: "in-process-server.\($0)") }
    }

    /// Runs `job` on the next queue.
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let index = Int(next.add(1, ordering: .relaxed).oldValue % UInt(queues.count))
        let executor = asUnownedTaskExecutor()
        queues[index].async { job.runSynchronously(on: executor) }
    }
}
