import Curl
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import Synchronization
import TestSupport
import Testing

@testable import ParcelServer

/// Issue 16, findings 4 and 6: password checks run on a bounded pool of their own, so sign-ins
/// do not stall customers; failures back off per address and slow the name down, never lock a
/// member out; unknown names are audited once per address and window.
@Suite struct SignInHardeningTests {
    // MARK: The pool

    @Test func aFullPoolRefusesAtOnceAndRunsWhatItAccepted() async throws {
        let pool = PasswordCheckPool(threads: 1, queueLimit: 2)
        defer { pool.shutdown() }
        let gate = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        async let first = pool.run { () -> Int in
            started.signal()
            gate.wait()
            return 1
        }
        // The only thread is busy with the first check; two more fill the queue.
        await withCheckedContinuation { continuation in
            Thread {
                started.wait(); continuation.resume()
            }.start()
        }
        async let second = pool.run { 2 }
        async let third = pool.run { 3 }
        while pool.queued < 2 { await Task.yield() }
        do {
            _ = try await pool.run { 4 }
            Issue.record("a check beyond the queue ran")
        } catch {
            guard case .busy(let retryAfter) = error else { return }
            #expect(retryAfter >= 1)
        }
        gate.signal()
        let results = try await [first, second, third]
        #expect(results == [1, 2, 3])
        // With room again, checks run.
        #expect(try await pool.run { 5 } == 5)
    }

    @Test func thePoolIsSizedToTheMachine() async throws {
        #expect(PasswordCheckPool.threadCount(cores: 1) == 1 && PasswordCheckPool.threadCount(cores: 2) == 1)
        #expect(PasswordCheckPool.threadCount(cores: 4) == 2 && PasswordCheckPool.threadCount(cores: 64) == 4)
        let pool = PasswordCheckPool(threads: 1)
        defer { pool.shutdown() }
        #expect(pool.queueLimit == 8)
        #expect(try await pool.run { 6 * 7 } == 42)
    }

    // MARK: The throttle

    @Test func anAddressBacksOffAndTheNameSlowsDownButIsNeverLocked() async throws {
        let clock = ManualRateClock()
        let throttle = SignInThrottle(clock: clock)
        for _ in 1...3 {
            #expect(await throttle.admit(name: "anna", client: "10.0.0.1") == .check(after: .zero))
            await throttle.failed(name: "anna", client: "10.0.0.1")
        }
        // The fourth try from that address waits 1 s, then 2 s after the next failure.
        #expect(await throttle.admit(name: "anna", client: "10.0.0.1") == .refuse(retryAfter: 1))
        #expect(await throttle.admit(name: "anna", client: "10.0.0.2") == .check(after: .zero), "another address is not affected")
        #expect(await throttle.admit(name: "marek", client: "10.0.0.1") == .check(after: .zero), "another name is not affected")
        clock.advance(by: .seconds(1))
        #expect(await throttle.admit(name: "anna", client: "10.0.0.1") == .check(after: .zero))
        await throttle.failed(name: "anna", client: "10.0.0.1")
        #expect(await throttle.admit(name: "anna", client: "10.0.0.1") == .refuse(retryAfter: 2))
        // Failures from many addresses slow every attempt for the name down, within 5 s.
        for address in 10..<40 { await throttle.failed(name: "anna", client: "10.0.1.\(address)") }
        guard case .check(let delay) = await throttle.admit(name: "anna", client: "10.0.0.99") else {
            Issue.record("a new address was refused")
            return
        }
        #expect(delay > .zero && delay <= .seconds(5))
        // A success from an address starts it afresh; forgotten failures fade.
        await throttle.succeeded(name: "anna", client: "10.0.0.1")
        #expect(await throttle.admit(name: "anna", client: "10.0.0.1") != .refuse(retryAfter: 2))
        clock.advance(by: .seconds(4 * 3600))
        #expect(await throttle.admit(name: "anna", client: "10.0.0.99") == .check(after: .zero))
    }

    // MARK: Over the wire

    /// A sign-in form's token and cookie, fetched once (the token is bound to the cookie, not
    /// to the address, so many clients can share it).
    static func formToken(_ setup: StaffConsoleTests.Setup) async throws -> (csrf: String, cookie: String) {
        let form = try await setup.client.send(HTTPRequest(url: setup.server.baseURL + "/staff/login", maxRedirects: 0))
        let text = String(decoding: form.body, as: UTF8.self)
        let csrf = text.firstMatch(of: /name="csrf" value="([0-9a-f]{64})"/).map { String($0.1) } ?? ""
        let cookie = form.headers["Set-Cookie"]?.split(separator: ";").first.map(String.init) ?? ""
        return (csrf, cookie)
    }

    /// Signs in from `source` (a 127.0.0.x address) with the shared form token.
    static func signIn(
        _ setup: StaffConsoleTests.Setup, from source: String, _ name: String, _ password: String, form: (csrf: String, cookie: String)
    ) async throws -> BoundHTTP.Reply {
        let body = "csrf=\(form.csrf)&name=\(name)&password=\(password)"
        return try await BoundHTTP.request(
            port: setup.server.port, from: source, "POST", "/staff/login",
            headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Cookie", form.cookie)], body: body)
    }

    @Test func anOutsiderFailingElsewhereDoesNotKeepTheMemberOut() async throws {
        let clock = ManualRateClock()
        let setup = try await StaffConsoleTests.serve(fastLimits: true) { $0.signInClock = clock }
        defer { setup.server.stop() }
        let form = try await Self.formToken(setup)
        var statuses: [Int] = []
        for attempt in 1...6 {
            statuses.append(try await Self.signIn(setup, from: "127.0.0.2", "anna", "wrong-\(attempt)", form: form).status)
        }
        #expect(statuses == [401, 401, 401, 429, 429, 429], "the attacker's address backs off: \(statuses)")
        // The member, from another address, gets in with the right password at once.
        let member = try await Self.signIn(setup, from: "127.0.0.3", "anna", StaffConsoleTests.annaPassword, form: form)
        #expect(member.status == 303 && member.header("Set-Cookie")?.hasPrefix("pw_session=") == true, "\(member.status)")
        // The attacker's address, even with the right password, waits until its back-off is over.
        let early = try await Self.signIn(setup, from: "127.0.0.2", "anna", StaffConsoleTests.annaPassword, form: form)
        #expect(early.status == 429 && early.header("Retry-After") == "1")
        clock.advance(by: .seconds(1))
        #expect(try await Self.signIn(setup, from: "127.0.0.2", "anna", StaffConsoleTests.annaPassword, form: form).status == 303)
        // Audited under the address, not under the name the attacker typed.
        let failures = try await setup.store.read { try $0.console.auditLog(limit: 50) }.filter { $0.action == "console.signInFailed" }
        #expect(failures.count == 3 && failures.allSatisfy { $0.actor == "client:127.0.0.2" && $0.subject == "staff:anna" }, "\(failures)")
    }

    @Test func failuresWithUnknownNamesAreOneAuditEntryPerAddress() async throws {
        let setup = try await StaffConsoleTests.serve(fastLimits: true)
        defer { setup.server.stop() }
        let form = try await Self.formToken(setup)
        for guess in 1...5 {
            #expect(try await Self.signIn(setup, from: "127.0.0.4", "guess\(guess)", "secret-\(guess)", form: form).status == 401)
        }
        #expect(try await Self.signIn(setup, from: "127.0.0.5", "someone", "secret", form: form).status == 401)
        let failures = try await setup.store.read { try $0.console.auditLog(limit: 50) }.filter { $0.action == "console.signInFailed" }
        #expect(failures.count == 2, "one entry per address: \(failures.map(\.detail))")
        let four = try #require(failures.first { $0.subject == "signin:127.0.0.4" })
        #expect(four.actor == "client:127.0.0.4" && four.detail.hasPrefix("5 failed sign-in(s) from 127.0.0.4"), "\(four.detail)")
        #expect(!failures.contains { $0.detail.contains("guess") || $0.actor.contains("guess") }, "the names typed are not kept")
    }

    // MARK: Latency while many sign in

    /// `p` (0...1) of `values`, sorted.
    static func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? .infinity : sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
    }

    /// Probes sent on a fixed schedule from threads of their own, whatever the server does: a
    /// stalled server cannot slow the schedule down and so hide its stall (no coordinated omission).
    final class Probes: Sendable {
        private let state = Mutex((stopped: false, launched: 0, latencies: [Double](), failures: 0))

        /// Starts probing `paths` in turn on `port` every `interval` until ``stop()``.
        init(port: Int, paths: [String], interval: Duration) {
            Thread { [self] in
                var index = 0
                while !state.withLock({ $0.stopped }) {
                    let path = paths[index % paths.count]
                    index += 1
                    state.withLock { $0.launched += 1 }
                    Thread { [self] in
                        let sent = ContinuousClock.now
                        let status = (try? BoundHTTP.blockingRequest(port: port, from: "127.0.0.50", "GET", path))?.status
                        let seconds = (ContinuousClock.now - sent).inSeconds
                        state.withLock { probes in
                            if status == 200 { probes.latencies.append(seconds) } else { probes.failures += 1 }
                        }
                    }.start()
                    Thread.sleep(forTimeInterval: Double(interval.components.attoseconds) / 1e18 + Double(interval.components.seconds))
                }
            }.start()
        }

        /// Stops launching probes, waits for those in flight, and returns their latencies
        /// (seconds) and how many failed.
        func stop() async -> (latencies: [Double], failures: Int) {
            state.withLock { $0.stopped = true }
            while state.withLock({ $0.latencies.count + $0.failures < $0.launched }) { try? await Task.sleep(for: .milliseconds(20)) }
            return state.withLock { ($0.latencies, $0.failures) }
        }
    }

    @Test func twentyParallelSignInsLeaveHealthAndTrackingFast() async throws {
        // Real bcrypt cost 12 (≈0.3 s of CPU a check), as `parcelwatch staff passwd` makes.
        let setup = try await StaffConsoleTests.serve { options in
            options.staffPasswordCost = 12
            options.limits.burst = 100_000
            // The probes all come from one address and pile up on a slow machine: this test is
            // about CPU, not the per-client connection cap (ConnectionAttackTests covers that).
            options.connections.perClient = 10_000
        }
        defer { setup.server.stop() }
        let form = try await Self.formToken(setup)
        let paths = ["/healthz", "/api/track/10000000000042?email=ana%40example.es"]
        for path in paths { #expect(try BoundHTTP.blockingRequest(port: setup.server.port, from: "127.0.0.50", "GET", path).status == 200, "\(path)") }

        // The machine's own pace, a second of probes with nobody signing in, before and after
        // the sign-ins: the whole suite runs side by side on two cores and its load drifts, so
        // the slower of the two is the baseline. The bound below is 50 ms, or four times that
        // baseline's median; the stall it catches (checks on the threads that answer everyone)
        // was 50× it. The 90th percentile is printed, not bounded: under the suite's load it
        // follows the neighbours more than the sign-ins (CI saw 2.9 s against 0.36 s quiet).
        let quietBefore = try await Self.quietLatencies(setup, paths)

        // A probe every 25 ms for as long as the 20 sign-ins (from 20 addresses) are in flight.
        let probes = Probes(port: setup.server.port, paths: paths, interval: .milliseconds(25))
        let replies = try await withThrowingTaskGroup(of: BoundHTTP.Reply.self) { group in
            for client in 0..<20 {
                group.addTask { try await Self.signIn(setup, from: "127.0.0.\(10 + client)", "nobody\(client)", "wrong-password", form: form) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let (latencies, failures) = await probes.stop()
        let quietAfter = try await Self.quietLatencies(setup, paths)
        let quietMedian = max(Self.percentile(quietBefore, 0.5), Self.percentile(quietAfter, 0.5))
        let quietP90 = max(Self.percentile(quietBefore, 0.9), Self.percentile(quietAfter, 0.9))
        let median = Self.percentile(latencies, 0.5), p90 = Self.percentile(latencies, 0.9)
        print("probe latency with nobody signing in: median=\(quietMedian * 1000) ms p90=\(quietP90 * 1000) ms")
        print("probe latency during 20 sign-ins: n=\(latencies.count) median=\(median * 1000) ms p90=\(p90 * 1000) ms max=\((latencies.max() ?? 0) * 1000) ms")
        print("sign-ins: \(replies.filter { $0.status == 401 }.count) checked (401), \(replies.filter { $0.status == 429 }.count) refused (429)")
        #expect(failures == 0 && latencies.count >= 5, "\(failures) probes failed, \(latencies.count) answered")
        #expect(replies.count == 20 && replies.allSatisfy { $0.status == 401 || $0.status == 429 }, "\(replies.map(\.status))")
        #expect(replies.contains { $0.status == 401 }, "some sign-ins were checked")
        #expect(replies.filter { $0.status == 429 }.allSatisfy { Int($0.header("Retry-After") ?? "") ?? 0 >= 1 })
        #expect(median < max(0.05, 4 * quietMedian), "median \(median) s (\(quietMedian) s with nobody signing in)")
    }

    /// Probe latencies over a second in which nobody signs in.
    static func quietLatencies(_ setup: StaffConsoleTests.Setup, _ paths: [String]) async throws -> [Double] {
        let quiet = Probes(port: setup.server.port, paths: paths, interval: .milliseconds(25))
        try await Task.sleep(for: .seconds(1))
        return await quiet.stop().latencies
    }
}
