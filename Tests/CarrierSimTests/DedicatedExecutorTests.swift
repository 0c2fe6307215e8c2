import Dispatch
import Serving
import Synchronization
import Testing

/// The in-process servers' executor: a job that blocks its thread holds up no other job.
@Suite struct DedicatedExecutorTests {
    @Test func aBlockedJobHoldsUpOnlyItsOwnThread() async throws {
        let executor = DedicatedExecutor(threads: 2)
        let release = DispatchSemaphore(value: 0)
        let blocked = Task(executorPreference: executor) { release.wait() }
        // A way out if a job waits behind the blocked one: let it go after 10 s and say so.
        let gaveUp = Atomic<Bool>(false)
        let rescue = Task.detached {
            try? await Task.sleep(for: .seconds(10))
            if !Task.isCancelled {
                gaveUp.store(true, ordering: .relaxed)
                release.signal()
            }
        }
        // Sixteen jobs, each waited for on the executor itself (never on the test's pool, which a
        // full test run keeps busy): each needs the one thread left free.
        let sum = await Task(executorPreference: executor) {
            var sum = 0
            for value in 1...16 { sum += await Task(executorPreference: executor) { value }.value }
            return sum
        }.value
        rescue.cancel()
        let waited = gaveUp.load(ordering: .relaxed)
        #expect(!waited, "a job waited for the blocked one")
        #expect(sum == 136)
        if !waited { release.signal() }
        await blocked.value
    }
}
