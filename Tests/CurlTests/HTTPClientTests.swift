import Curl
import Foundation
import TestSupport
import Testing

/// The client against the real carrier simulator on 127.0.0.1.
@Suite struct HTTPClientTests {
    let client: HTTPClient
    let base: String

    init() async throws {
        client = try HTTPClient()
        base = try await SharedSimulator.shared.baseURL()
    }

    @Test func getReturnsBodyHeadersAndEffectiveURL() async throws {
        let response = try await client.send(HTTPRequest(url: "\(base)/_sim/echo?x=1", headers: ["X-Parcel": "42"]))
        #expect(response.status == 200)
        #expect(response.contentType == "application/json")
        let echo = try JSONDecoder().decode([String: String].self, from: Data(response.body))
        #expect(echo["query"] == "x=1")
        #expect(echo["header:x-parcel"] == "42")
        #expect(echo["header:user-agent"]?.hasPrefix("Parcelwatch/") == true)
        #expect(response.effectiveURL == "\(base)/_sim/echo?x=1")
    }

    @Test func postSendsBody() async throws {
        let response = try await client.send(
            HTTPRequest(
                url: "\(base)/_sim/echo", method: "POST",
                headers: ["Content-Type": "application/x-www-form-urlencoded"],
                body: Array("q=123&typ=1".utf8)))
        let echo = try JSONDecoder().decode([String: String].self, from: Data(response.body))
        #expect(echo["method"] == "POST")
        #expect(echo["body"] == "q=123&typ=1")
    }

    @Test func repeatedConditionalGetAnswers304() async throws {
        let url = "\(base)/_sim/fixtures/seur/public/delivered?number=12345678901234"
        let first = try await client.send(HTTPRequest(url: url))
        #expect(first.status == 200)
        #expect(first.validators.etag != nil)
        let second = try await client.send(HTTPRequest(url: url, validators: first.validators))
        #expect(second.isNotModified)
        #expect(second.body.isEmpty)
    }

    @Test func gzipBodiesAreDecoded() async throws {
        let response = try await client.send(HTTPRequest(url: "\(base)/_sim/bytes?size=200000"))
        #expect(response.headers["Content-Encoding"] == "gzip")
        #expect(response.body.count == 200_000)
        #expect(response.body.allSatisfy { $0 == 0x61 })
    }

    @Test func timeoutIsReported() async throws {
        let started = Date()
        await #expect(throws: CurlError.timedOut(url: "\(base)/_sim/health?_fault=delay=60000", limit: .milliseconds(300))) {
            try await client.send(HTTPRequest(url: "\(base)/_sim/health?_fault=delay=60000", timeout: .milliseconds(300)))
        }
        // Far below the server's 60 s: the timeout fired, with room for a loaded 2-core run.
        #expect(Date().timeIntervalSince(started) < 30)
    }

    @Test func serverErrorsAreResponsesNotThrows() async throws {
        let response = try await client.send(HTTPRequest(url: "\(base)/_sim/health?_fault=status=500"))
        #expect(response.status == 500)
    }

    @Test func tooManyRequestsCarriesRetryAfter() async throws {
        let response = try await client.send(HTTPRequest(url: "\(base)/_sim/health?_fault=status=429,retry-after=7"))
        #expect(response.status == 429)
        #expect(response.retryAfter(now: 0) == 7)
    }

    @Test func sizeCapAbortsTheTransfer() async throws {
        let url = "\(base)/_sim/health?_fault=huge"
        await #expect(throws: CurlError.responseTooLarge(url: url, limit: 1 << 20)) {
            try await client.send(HTTPRequest(url: url, maxResponseBytes: 1 << 20))
        }
    }

    @Test func defaultSizeCapRefusesTenMebibytes() async throws {
        let url = "\(base)/_sim/health?_fault=huge"
        await #expect(throws: CurlError.responseTooLarge(url: url, limit: 5 * 1024 * 1024)) {
            try await client.send(HTTPRequest(url: url))
        }
    }

    @Test func redirectsAreFollowedButCapped() async throws {
        let url = "\(base)/_sim/redirect/1"
        await #expect(throws: CurlError.tooManyRedirects(url: url, limit: 3)) {
            try await client.send(HTTPRequest(url: url, maxRedirects: 3))
        }
        let once = try await client.send(HTTPRequest(url: "\(base)/_sim/health?_fault=redirect-loop", maxRedirects: 0))
        #expect(once.status == 302)
    }

    @Test func truncatedBodyIsAnError() async throws {
        let url = "\(base)/_sim/health?_fault=truncate"
        do {
            _ = try await client.send(HTTPRequest(url: url))
            Issue.record("a truncated body must not succeed")
        } catch let error as CurlError {
            #expect(error.kind == "truncated", "got \(error)")
        }
    }

    @Test func connectionRefusedIsReported() async throws {
        do {
            _ = try await client.send(HTTPRequest(url: "http://127.0.0.1:1/", connectTimeout: .seconds(2)))
            Issue.record("port 1 must refuse")
        } catch let error as CurlError {
            #expect(error.kind == "connect")
        }
    }

    @Test func nonHTTPSchemesAreRefused() async throws {
        await #expect(throws: CurlError.invalidURL("file:///etc/passwd")) {
            try await client.send(HTTPRequest(url: "file:///etc/passwd"))
        }
    }

    @Test func credentialsNeverAppearInErrors() async throws {
        do {
            _ = try await client.send(HTTPRequest(url: "http://user:s3cret@127.0.0.1:1/", connectTimeout: .seconds(2)))
        } catch {
            #expect(!"\(error)".contains("s3cret"))
        }
    }

    @Test func twoHundredConcurrentRequestsShareOneMultiHandle() async throws {
        let client = self.client
        let base = self.base
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<200 {
                group.addTask {
                    // A generous timeout: the point is 200 transfers on one multi handle, and on a
                    // loaded 2-core run the simulator in this process can fall 30 s behind.
                    try await client.send(HTTPRequest(url: "\(base)/_sim/echo?i=\(index)&_fault=delay=200", timeout: .seconds(120))).status
                }
            }
            var statuses: [Int] = []
            for try await status in group { statuses.append(status) }
            return statuses
        }
        #expect(statuses.count == 200)
        #expect(statuses.allSatisfy { $0 == 200 })
    }

    @Test func cancellingTheTaskCancelsTheTransfer() async throws {
        let client = self.client
        let url = "\(base)/_sim/health?_fault=delay=120000"
        let started = Date()
        let task = Task { try await client.send(HTTPRequest(url: url)) }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        // The server would answer after 120 s: ending well before that means the transfer was
        // cancelled, with room for a loaded machine (39 s was seen while sync tests held the pool).
        #expect(Date().timeIntervalSince(started) < 60)
    }
}

/// Loopback-only mode: a redirect off the machine is refused before any connection is made.
@Suite struct LoopbackOnlyTests {
    @Test func aRedirectToAnotherHostIsRefusedBeforeConnecting() async throws {
        let base = try await SharedSimulator.shared.baseURL()
        var configuration = HTTPClient.Configuration()
        configuration.loopbackOnly = true
        let client = try HTTPClient(configuration: configuration)
        // Loopback itself still works.
        #expect(try await client.send(HTTPRequest(url: base + "/_sim/health")).status == 200)
        // 192.0.2.1 (TEST-NET-1) never answers: had a SYN been sent, this would end in the connect
        // timeout's error, not `notAllowed` (no wall-clock bound: it measured the machine's load).
        await #expect(throws: CurlError.notAllowed(url: "http://192.0.2.1/parcel")) {
            _ = try await client.send(HTTPRequest(url: "http://192.0.2.1/parcel", connectTimeout: .seconds(5)))
        }
        // The same through a redirect issued by a loopback server.
        do {
            _ = try await client.send(HTTPRequest(url: base + "/_sim/redirect-to?target=http%3A%2F%2F192.0.2.1%2Fparcel", connectTimeout: .seconds(5)))
            Issue.record("the redirect was followed off loopback")
        } catch let error as CurlError {
            #expect(error.kind == "notAllowed", "\(error)")
        }
    }
}
