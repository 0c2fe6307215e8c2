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
        var sum = 0
        for value in 1...16 { sum += await Task(executorPreference: executor) { value }.value }
        rescue.cancel()
        let waited = gaveUp.load(ordering: .relaxed)
        #expect(!waited, "a job waited for the blocked one")
        #expect(sum == 136)
        if !waited { release.signal() }
        await blocked.value
    }
}
