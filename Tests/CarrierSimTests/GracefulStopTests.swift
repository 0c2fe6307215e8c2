import CarrierSim
import Foundation
import TestSupport
import Testing

/// Stopping an in-process server while clients are still connecting: it closes its listening
/// socket, answers every connection it had accepted in full, and the process lives on. A
/// cancelled server dropped the accepted connections it had not handed to a handler yet, and
/// each one trapped the whole test process ("Deinited NIOAsyncWriter without calling finish()").
@Suite struct GracefulStopTests {
    @Test func stoppingDuringABurstOfConnectionsAnswersWhatWasAcceptedAndEndsListening() async throws {
        let simulator = try await RunningSimulator.start(
            SimulatorOptions(port: 0, fixturesDirectory: PackagePaths.fixtures, carriersDirectory: nil, start: fixtureNow))
        let port = simulator.port
        let answered = await BoundHTTP.keepAsking(port: port, path: "/_sim/health", clients: 32) { simulator.stop() }
        // Whatever got an answer got a whole one: a stop never cuts a response short or fails it.
        #expect(!answered.isEmpty && answered.allSatisfy { $0 == 200 }, "\(answered)")
        // The listening socket is closed: a new client is refused within the grace period.
        var refused = false
        for _ in 0..<100 where !refused {
            refused = (try? await BoundHTTP.request(port: port, from: "127.0.0.1", "GET", "/_sim/health")) == nil
            if !refused { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(refused, "the stopped simulator still accepts connections")
    }
}
