import CarrierSim
import Dispatch
import Foundation
import Synchronization
import TestSupport
import Testing

/// An in-process simulator answers while its host blocks every thread of Swift's cooperative
/// pool. CI once lost 18 tests at once this way: a test waiting synchronously held the pool's two
/// threads, the shared simulator could not run, and every client gave up after 30 s.
@Suite struct PoolStarvationTests {
    @Test func theSimulatorAnswersWhileEveryCooperativeThreadIsBlocked() async throws {
        let simulator = try await RunningSimulator.start(
            SimulatorOptions(port: 0, fixturesDirectory: PackagePaths.fixtures, carriersDirectory: nil, start: fixtureNow))
        defer { simulator.stop() }
        let width = ProcessInfo.processInfo.activeProcessorCount
        let gate = PoolGate(width: width)
        // The probe asks from a thread of its own once every blocker holds a pool thread (or after
        // 5 s, when other tests hold some of them: the pool is as blocked then), then lets them go.
        let port = simulator.port
        Thread {
            gate.waitForBlockers()
            gate.answer(Result { try BoundHTTP.blockingRequest(port: port, from: "127.0.0.1", "GET", "/_sim/health") })
        }.start()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<width { group.addTask { gate.block() } }
        }
        #expect(gate.timedOut == 0, "a blocker was let go only by its 10 s timeout: the simulator waited for the pool")
        let reply = try #require(gate.reply).get()
        #expect(reply.status == 200)
    }
}

/// Blocks pool threads until the probe has its answer, counting those that gave up waiting.
private final class PoolGate: Sendable {
    private let width: Int
    private let started = DispatchSemaphore(value: 0)
    private let released = DispatchSemaphore(value: 0)
    private let state = Mutex<(timedOut: Int, reply: Result<BoundHTTP.Reply, any Error>?)>((0, nil))

    init(width: Int) { self.width = width }

    /// Blockers that gave up after 10 s.
    var timedOut: Int { state.withLock { $0.timedOut } }
    /// The probe's answer, once it has one.
    var reply: Result<BoundHTTP.Reply, any Error>? { state.withLock { $0.reply } }

    /// Holds the calling thread until the probe's answer or 10 s.
    func block() {
        started.signal()
        if released.wait(timeout: .now() + 10) == .timedOut { state.withLock { $0.timedOut += 1 } }
    }

    /// Waits up to 5 s for every blocker to start.
    func waitForBlockers() {
        let deadline = DispatchTime.now() + 5
        for _ in 0..<width { _ = started.wait(timeout: deadline) }
    }

    /// Records the probe's answer, then lets every blocker go.
    func answer(_ reply: Result<BoundHTTP.Reply, any Error>) {
        state.withLock { $0.reply = reply }
        for _ in 0..<width { released.signal() }
    }
}
