import CarrierSim
import Curl
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import Synchronization
import TestSupport
import Testing

/// The simulator serves authenticated sources as their real APIs do: tokens, API keys, Basic,
/// WS-Security and body credentials are checked, quotas run out, batch requests get one merged
/// answer. Driven through ParcelKit's real `CarrierFetcher` on libcurl, against small carrier
/// files of this test's own (a temp directory), so a carrier file being edited elsewhere cannot
/// break it.
@Suite struct SimAuthTests {
    @Test func aTokenIsFetchedOnceAndReusedForSeveralParcels() async throws {
        let world = try await SimWorld.start()
        let numbers = ["OA000001", "OA000002", "OA000003"]
        try await world.register("sim-oauth", numbers)
        for number in numbers {
            let result = try await world.track(number, carrier: "sim-oauth")
            #expect(result.trackingNumber == number)
            #expect(result.status == .inTransit)
        }
        let stats = try await world.authStats("sim-oauth")
        #expect(stats["tokensIssued"] == 1)
        #expect(stats["tokenRequests"] == 1)
        #expect(stats["accepted"] == 3)
        #expect(stats["rejected"] == 0)
    }

    @Test func aTokenPastItsLifetimeIsReplacedByANewOne() async throws {
        let world = try await SimWorld.start()
        try await world.register("sim-oauth", ["OA000011"])
        _ = try await world.track("OA000011", carrier: "sim-oauth")
        // An hour later on the fetcher's clock (the simulator's tokens live an hour): the cached
        // token is past its renewal point, so the next request fetches a new one before it goes,
        // without a 401 first. The clock is the test's: a loaded machine cannot make this race.
        world.clock.advance(by: 3600)
        _ = try await world.track("OA000011", carrier: "sim-oauth")
        let stats = try await world.authStats("sim-oauth")
        #expect(stats["tokensIssued"] == 2)
        #expect(stats["rejected"] == 0)
        #expect(stats["accepted"] == 2)
        #expect(stats["tokenLifetime"] == 3600)
    }

    @Test func anExpiredTokenIsRefusedWithTheVendorsError() async throws {
        let world = try await SimWorld.start()
        try await world.register("sim-oauth", ["OA000012"])
        #expect(try await world.control("/_sim/auth", #"{"carrier":"sim-oauth","tokenLifetime":1}"#) == 200)
        let token = try await world.rawToken("sim-oauth")
        try await Task.sleep(for: .milliseconds(1200))
        let response = try await world.client.send(HTTPRequest(url: world.base + "/v1/track/OA000012", headers: ["Authorization": "Bearer " + token]))
        #expect(response.status == 401)
        #expect(String(decoding: response.body, as: UTF8.self).contains("\"error\""))
        #expect(try await world.authStats("sim-oauth")["rejected"] == 1)
    }

    @Test func afterARevokeTrackingFailsAfterExactlyOneRenewal() async throws {
        let world = try await SimWorld.start()
        try await world.register("sim-oauth", ["OA000021"])
        _ = try await world.track("OA000021", carrier: "sim-oauth")
        #expect(try await world.control("/_sim/auth", #"{"carrier":"sim-oauth","revoke":true}"#) == 200)
        let error = await world.trackingError("OA000021", carrier: "sim-oauth")
        #expect(error?.kind == "credentialsRejected", "\(String(describing: error))")
        let stats = try await world.authStats("sim-oauth")
        #expect(stats["tokenRequests"] == 2, "one token at first, one renewal after the 401: no loop")
        #expect(stats["tokensIssued"] == 1)
        #expect(stats["tokenRequestsRejected"] == 1)
        #expect(stats["rejected"] == 1)
        #expect(stats["revoked"] == 1)
        // Restored, the same client recovers with a fresh token.
        #expect(try await world.control("/_sim/auth", #"{"carrier":"sim-oauth","restore":true}"#) == 200)
        _ = try await world.track("OA000021", carrier: "sim-oauth")
        #expect(try await world.authStats("sim-oauth")["tokensIssued"] == 2)
    }

    @Test func aWrongAPIKeyIsCredentialsRejected() async throws {
        let world = try await SimWorld.start()
        try await world.register("sim-key", ["KY000001"])
        let error = await world.trackingError("KY000001", carrier: "sim-key", wrong: "SIM_KEY")
        #expect(error?.kind == "credentialsRejected", "\(String(describing: error))")
        #expect(try await world.authStats("sim-key")["rejected"] == 1)
        #expect(try await world.track("KY000001", carrier: "sim-key").trackingNumber == "KY000001")
        #expect(try await world.authStats("sim-key")["accepted"] == 1)
    }

    @Test func aSpentDailyQuotaAnswers429WithRetryAfter() async throws {
        let world = try await SimWorld.start()
        try await world.register("sim-key", ["KY000002"])
        #expect(try await world.control("/_sim/quota", #"{"carrier":"sim-key","perDay":2}"#) == 200)
        _ = try await world.track("KY000002", carrier: "sim-key")
        _ = try await world.track("KY000002", carrier: "sim-key")
        let error = await world.trackingError("KY000002", carrier: "sim-key")
        guard case .quotaExceeded(_, let retryAfter)? = error else {
            Issue.record("expected quotaExceeded, got \(String(describing: error))")
            return
        }
        #expect(retryAfter != nil, "Retry-After reaches the client")
        let raw = try await world.client.send(HTTPRequest(url: world.base + "/api/key/KY000002", headers: ["X-Api-Key": SimCredentials.value("SIM_KEY")]))
        #expect(raw.status == 429)
        // 12:00 on the simulator's clock: the day ends in 12 h.
        #expect(raw.headers["Retry-After"] == "43200")
        let usage = try await world.json("/_sim/quota")["sim-key"] as? [String: Any]
        #expect(usage?["today"] as? Int == 2)
        #expect(usage?["refusedToday"] as? Int == 2)
        #expect(try await world.control("/_sim/quota", "", method: "DELETE") == 200)
        _ = try await world.track("KY000002", carrier: "sim-key")
    }

    @Test func aBatchWithAKnownAndAnUnknownNumberGivesOneResultAndOneNotFound() async throws {
        let world = try await SimWorld.start()
        try await world.register("sim-batch", ["BT00000001"])
        let carrier = try world.registry.carrier("sim-batch")
        let answers = try await world.fetcher().trackBatch(["BT00000001", "BT00000099"], carrier: carrier)
        #expect(answers.count == 2)
        let known = answers.first { $0.number == "BT00000001" }
        let unknown = answers.first { $0.number == "BT00000099" }
        if case .success(let result)? = known?.outcome {
            #expect(result.events.count == 2)
            #expect(result.status == .inTransit)
        } else {
            Issue.record("the known number has no result: \(String(describing: known))")
        }
        if case .failure(let error)? = unknown?.outcome {
            #expect(error.kind == "notFound")
        } else {
            Issue.record("the unknown number is not notFound: \(String(describing: unknown))")
        }
        let log = try await SimControl(baseURL: world.base).requests().filter { $0.carrier == "sim-batch" && $0.number != nil }
        #expect(log.map(\.number) == ["BT00000001,BT00000099"], "one logged request for the whole batch")
        #expect(try await world.authStats("sim-batch")["tokensIssued"] == 1)
    }

    @Test func everyGrantAndCredentialKindIsAcceptedRightAndRefusedWrong() async throws {
        let world = try await SimWorld.start()
        let cases: [(carrier: String, number: String, wrong: String)] = [
            ("sim-oauth", "OA000031", "SIM_OAUTH_SECRET"),  // client_credentials, Basic client auth
            ("sim-batch", "BT00000031", "SIM_BATCH_SECRET"),  // client_credentials, form
            ("sim-refresh", "RF000031", "SIM_REFRESH_TOKEN"),  // refresh_token, JSON, bare token header
            ("sim-password", "PW000031", "SIM_PASSWORD_PASS"),  // password grant, form
            ("sim-basic", "BA000031", "SIM_BASIC_PASSWORD"),
            ("sim-wsse", "WS000031", "SIM_WSSE_PASSWORD"),
            ("sim-body", "BD000031", "SIM_BODY_PASSWORD"),
        ]
        for entry in cases {
            try await world.register(entry.carrier, [entry.number])
            if entry.carrier == "sim-batch" {
                let answers = try await world.fetcher().trackBatch([entry.number], carrier: try world.registry.carrier(entry.carrier))
                #expect(answers.count == 1)
            } else {
                let result = try await world.track(entry.number, carrier: entry.carrier)
                #expect(result.trackingNumber == entry.number, "\(entry.carrier)")
                #expect(!result.events.isEmpty, "\(entry.carrier)")
            }
            let error = await world.trackingError(entry.number, carrier: entry.carrier, wrong: entry.wrong)
            #expect(error?.kind == "credentialsRejected", "\(entry.carrier): \(String(describing: error))")
        }
    }

    @Test func theTokenEndpointChecksWhereTheClientCredentialsAreSent() async throws {
        let world = try await SimWorld.start()
        let form = "grant_type=client_credentials&client_id=\(SimCredentials.value("SIM_OAUTH_ID"))&client_secret=\(SimCredentials.value("SIM_OAUTH_SECRET"))"
        // sim-oauth wants them in a Basic header, not in the form.
        let refused = try await world.client.send(
            HTTPRequest(
                url: world.base + "/oauth/token", method: "POST",
                headers: ["Content-Type": "application/x-www-form-urlencoded"], body: Array(form.utf8)))
        #expect(refused.status == 401)
        let refusal = try JSONSerialization.jsonObject(with: Data(refused.body)) as? [String: Any]
        #expect(refusal?["error"] as? String == "invalid_client")
        #expect(!String(decoding: refused.body, as: UTF8.self).contains("sim-sim-oauth-secret"), "a refusal never echoes a secret")
        let token = try await world.rawToken("sim-oauth")
        #expect(token.hasPrefix("simtok-") && token.count > 20)
        let stats = try await world.authStats("sim-oauth")
        #expect(stats["tokenRequestsRejected"] == 1)
        #expect(stats["tokensIssued"] == 1)
    }

    @Test func twoSourcesAtOneURLAreToldApartByTheirBodies() async throws {
        let world = try await SimWorld.start()
        try await world.register("sim-wsse", ["WS000041"])
        let official = try await world.track("WS000041", carrier: "sim-wsse")
        let legacy = try await world.track("WS000041", carrier: "sim-wsse", source: "legacy")
        #expect(official.events.first?.rawStatus == "Official in transit")
        #expect(legacy.events.first?.rawStatus == "Legacy in transit")
        // And a public source at its own URL needs no credentials while the official one does.
        try await world.register("sim-oauth", ["OA000041"])
        let open = try await world.track("OA000041", carrier: "sim-oauth", source: "public", environment: [:])
        #expect(open.events.first?.rawStatus == "Public in transit")
    }

    @Test func theSimulatedEnvironmentHoldsEveryCredentialOfEverySource() async throws {
        let world = try await SimWorld.start()
        let environment = SimCredentials.environment(for: world.registry)
        #expect(environment["SIM_OAUTH_ID"] == "sim-sim-oauth-id")
        #expect(environment["SIM_BODY_LOGIN"] == "sim-sim-body-login")
        #expect(environment["SIM_REFRESH_TOKEN"] == "sim-sim-refresh-token")
        #expect(environment.count == 18)
    }
}

/// One simulator on this test's own carriers and fixtures, and a fetcher with the simulated
/// credentials.
private struct SimWorld {
    let simulator: RunningSimulator
    let registry: CarrierRegistry
    let client: HTTPClient
    /// The fetchers' wall clock, moved only by the test.
    let clock: TestWallClock
    /// The tokens of the right credentials, shared by every fetcher as in one process, on `clock`.
    let tokens: TokenCache
    var base: String { simulator.baseURL }

    static func start() async throws -> SimWorld {
        let directory = try temporaryDirectory("sim-auth")
        for (id, yaml) in SimAuthCarriers.files {
            try yaml.write(toFile: directory + "/carriers/\(id).yaml", atomically: true, encoding: .utf8, creatingDirectory: true)
        }
        for (path, text) in SimAuthCarriers.fixtures {
            try text.write(toFile: directory + "/fixtures/" + path, atomically: true, encoding: .utf8, creatingDirectory: true)
        }
        // Each carrier answers through its first source whose credentials are set: with the
        // simulated ones, the authenticated source.
        let loaded = try CarrierRegistry.load(directory: directory + "/carriers", credentials: CarrierCredentials(environment: [:]))
        let registry = loaded.selectingSources(CarrierCredentials(environment: SimCredentials.environment(for: loaded)))
        let simulator = try await RunningSimulator.start(
            SimulatorOptions(
                port: 0, fixturesDirectory: directory + "/fixtures", carriersDirectory: directory + "/carriers", start: fixtureNow))
        let clock = TestWallClock(fixtureNow)
        return SimWorld(simulator: simulator, registry: registry, client: try HTTPClient(), clock: clock, tokens: TokenCache(now: { clock.now }))
    }

    /// A fetcher with the simulated credentials and the world's tokens; with `wrong` (replaced
    /// by a wrong value) or another `environment`, a fetcher with tokens of its own.
    func fetcher(wrong: String? = nil, environment: [String: String]? = nil) throws -> CarrierFetcher {
        var values = environment ?? SimCredentials.environment(for: registry)
        if let wrong { values[wrong] = "not-the-right-value" }
        let own = wrong == nil && environment == nil
        return CarrierFetcher(
            client: client, endpoints: try EndpointOverrides([base]), credentials: CarrierCredentials(environment: values),
            tokens: own ? tokens : TokenCache())
    }

    func register(_ carrier: String, _ numbers: [String]) async throws {
        try await SimControl(baseURL: base).register(
            numbers.map {
                ParcelScript(carrier: carrier, number: $0, timeline: [.init(afterHours: 0, fixture: "in-transit")])
            })
    }

    func track(_ number: String, carrier id: String, source: String? = nil, environment: [String: String]? = nil) async throws -> TrackingResult {
        var carrier = try registry.carrier(id)
        if let source { carrier = try carrier.using(source: source) }
        guard case .updated(let result, _) = try await fetcher(environment: environment).track(number, carrier: carrier) else {
            throw SimAuthTestError(message: "\(id) answered 304 to an unconditional request")
        }
        return result
    }

    /// The error tracking `number` ends in (nil when it succeeds), with `wrong` credentials.
    func trackingError(_ number: String, carrier id: String, wrong: String? = nil) async -> TrackingError? {
        do {
            let carrier = try registry.carrier(id)
            let fetcher = try fetcher(wrong: wrong)
            if carrier.isBatch {
                let answers = try await fetcher.trackBatch([number], carrier: carrier)
                if case .failure(let error)? = answers.first?.outcome { return error }
                return nil
            }
            _ = try await fetcher.track(number, carrier: carrier)
            return nil
        } catch {
            return error as? TrackingError ?? .unreadable(carrier: id, detail: "\(error)")
        }
    }

    /// A token from `carrier`'s token endpoint, asked for by hand (Basic client auth).
    func rawToken(_ carrier: String) async throws -> String {
        let basic = Data("\(SimCredentials.value("SIM_OAUTH_ID")):\(SimCredentials.value("SIM_OAUTH_SECRET"))".utf8).base64EncodedString()
        let response = try await client.send(
            HTTPRequest(
                url: base + "/oauth/token", method: "POST",
                headers: ["Authorization": "Basic " + basic, "Content-Type": "application/x-www-form-urlencoded"],
                body: Array("grant_type=client_credentials".utf8)))
        let grant = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        guard response.status == 200, let token = grant?["access_token"] as? String else {
            throw SimAuthTestError(message: "the token endpoint answered \(response.status)")
        }
        #expect(grant?["token_type"] as? String == "Bearer")
        #expect(grant?["expires_in"] as? Int != nil)
        return token
    }

    /// `POST` (or `method`) `body` to a control endpoint; the status.
    func control(_ path: String, _ body: String, method: String = "POST") async throws -> Int {
        try await client.send(HTTPRequest(url: base + path, method: method, body: Array(body.utf8))).status
    }

    func json(_ path: String) async throws -> [String: Any] {
        let response = try await client.send(HTTPRequest(url: base + path))
        return try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] ?? [:]
    }

    /// `GET /_sim/auth` for `carrier`'s first authenticated source, numbers as Int (true = 1).
    func authStats(_ carrier: String) async throws -> [String: Int] {
        let sources = try await json("/_sim/auth")[carrier] as? [String: Any]
        let stats = (sources?["official"] ?? sources?.values.first) as? [String: Any] ?? [:]
        return stats.compactMapValues { ($0 as? Int) ?? (($0 as? Bool).map { $0 ? 1 : 0 }) ?? (($0 as? Double).map { Int($0) }) }
    }
}

/// Something this test's own setup did not get.
private struct SimAuthTestError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

extension String {
    fileprivate func write(toFile path: String, atomically: Bool, encoding: String.Encoding, creatingDirectory: Bool) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try write(toFile: path, atomically: atomically, encoding: encoding)
    }
}

/// The test's own carriers: one per way of authenticating, and their fixtures.
private enum SimAuthCarriers {
    static let head = """
        country: GB
        language: en
        statuses: [{ match: '(?i)in transit', status: inTransit }]

        """
    static let json = """
            format: json
            events: "$.events[*]"
            fields: { time: time, status: text }
            time: { format: iso8601, zone: UTC }
            errors:
              - { path: "$.error", match: '^NOT_FOUND$', error: notFound }
              - { status: [401, 403], error: credentialsRejected }
              - { status: [429], error: quotaExceeded }

        """

    static func carrier(_ id: String, number: String, sources: String) -> String {
        "id: \(id)\nname: \(id)\n" + head + "numbers: [{ pattern: '\(number)' }]\nsources:\n" + sources
    }

    static let files: KeyValuePairs<String, String> = [
        "sim-oauth": carrier(
            "sim-oauth", number: "^OA[0-9]{6}$",
            sources: """
                  - name: official
                    auth: { kind: oauth2, token_url: "https://auth.example.org/oauth/token", client_id: SIM_OAUTH_ID, client_secret: SIM_OAUTH_SECRET, client_auth: basic }
                    request: { method: GET, url: "https://api.example.org/v1/track/{number}", headers: { Accept: application/json } }

                """ + json + """
                      - name: public
                        request: { method: GET, url: "https://www.example.org/v1/public/{number}?lang=en" }

                    """ + json),
        "sim-key": carrier(
            "sim-key", number: "^KY[0-9]{6}$",
            sources: """
                  - name: official
                    auth: { kind: api_key, header: X-Api-Key, key: SIM_KEY }
                    request: { method: GET, url: "https://api.example.org/api/key/{number}" }

                """ + json),
        "sim-batch": carrier(
            "sim-batch", number: "^BT[0-9]{8}$",
            sources: """
                  - name: official
                    auth: { kind: oauth2, token_url: "https://auth.example.org/batch/token", client_id: SIM_BATCH_ID, client_secret: SIM_BATCH_SECRET, client_auth: form }
                    request: { method: GET, url: "https://api.example.org/batch/v1/trackids/{numbers}", headers: { Accept: application/json } }
                    batch: { max: 10, separator: ",", parcels: "$.parcels[*]", number: requested }
                    format: json
                    events: "events[*]"
                    fields: { time: time, status: text }
                    time: { format: iso8601, zone: UTC }
                    errors:
                      - { path: "errorCode", match: '^E_404', error: notFound }
                      - { status: [401, 403], error: credentialsRejected }
                      - { status: [429], error: quotaExceeded }

                """),
        "sim-refresh": carrier(
            "sim-refresh", number: "^RF[0-9]{6}$",
            sources: """
                  - name: official
                    auth:
                      kind: oauth2
                      grant: refresh_token
                      token_url: "https://auth.example.org/refresh/token"
                      client_id: SIM_REFRESH_ID
                      client_secret: SIM_REFRESH_SECRET
                      refresh_token: SIM_REFRESH_TOKEN
                      client_auth: json
                      header: x-amz-access-token
                      format: "{token}"
                    request: { method: GET, url: "https://api.example.org/refresh/tracking?trackingId={number}&carrierId=SIM" }

                """ + json),
        "sim-password": carrier(
            "sim-password", number: "^PW[0-9]{6}$",
            sources: """
                  - name: official
                    auth:
                      kind: oauth2
                      grant: password
                      token_url: "https://auth.example.org/password/token"
                      client_id: SIM_PASSWORD_ID
                      client_secret: SIM_PASSWORD_SECRET
                      username: SIM_PASSWORD_USER
                      password: SIM_PASSWORD_PASS
                      client_auth: form
                    request: { method: GET, url: "https://api.example.org/pw/track?ref={number}&refType=ECB" }

                """ + json),
        "sim-basic": carrier(
            "sim-basic", number: "^BA[0-9]{6}$",
            sources: """
                  - name: official
                    auth: { kind: basic, username: SIM_BASIC_USER, password: SIM_BASIC_PASSWORD }
                    request: { method: GET, url: "https://api.example.org/basic/track/pin/{number}/detail" }

                """ + json),
        "sim-body": carrier(
            "sim-body", number: "^BD[0-9]{6}$",
            sources: """
                  - name: official
                    auth: { kind: body, values: [SIM_BODY_LOGIN, SIM_BODY_PASSWORD] }
                    request:
                      method: POST
                      url: "https://api.example.org/rpc/track"
                      content_type: application/json
                      body: '{"login":"{secret:SIM_BODY_LOGIN}","password":"{secret:SIM_BODY_PASSWORD}","number":"{number}"}'

                """ + json),
        "sim-wsse": carrier(
            "sim-wsse", number: "^WS[0-9]{6}$",
            sources: """
                  - name: official
                    auth: { kind: wsse, username: SIM_WSSE_USER, password: SIM_WSSE_PASSWORD }
                    request:
                      method: POST
                      url: "https://soap.example.org/Tracking/Service"
                      content_type: "text/xml; charset=utf-8"
                      body: '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header>{wsse}</soapenv:Header><soapenv:Body><trackOfficial><number>{number}</number></trackOfficial></soapenv:Body></soapenv:Envelope>'
                \(xml)
                  - name: legacy
                    request:
                      method: POST
                      url: "https://soap.example.org/Tracking/Service"
                      content_type: "text/xml; charset=utf-8"
                      body: '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><trackLegacy><number>{number}</number></trackLegacy></soapenv:Body></soapenv:Envelope>'
                \(xml)
                """),
    ]

    static let xml = """
            format: xml
            events: "//event"
            fields: { time: "./time", status: "./text" }
            time: { format: iso8601, zone: UTC }
            errors:
              - { path: "//error", error: notFound }
              - { status: [401, 403], error: credentialsRejected }

        """

    static func events(_ text: String) -> String {
        #"{"events":[{"time":"{{time:-1d}}","text":"\#(text)"},{"time":"{{time:-2h}}","text":"\#(text)"}]}"#
    }

    static let notFound = #"{"error":"NOT_FOUND"}"#

    static let fixtures: KeyValuePairs<String, String> = [
        "sim-oauth/official/in-transit.json": events("Official in transit"),
        "sim-oauth/official/not-found.json": notFound,
        "sim-oauth/public/in-transit.json": events("Public in transit"),
        "sim-oauth/public/not-found.json": notFound,
        "sim-key/official/in-transit.json": events("In transit"),
        "sim-key/official/not-found.json": notFound,
        "sim-refresh/official/in-transit.json": events("In transit"),
        "sim-password/official/in-transit.json": events("In transit"),
        "sim-basic/official/in-transit.json": events("In transit"),
        "sim-body/official/in-transit.json": events("In transit"),
        "sim-batch/official/in-transit.json":
            #"{"parcels":[{"requested":"{{number}}","events":[{"time":"{{time:-1d}}","text":"In transit"},{"time":"{{time:-2h}}","text":"In transit"}]}]}"#,
        "sim-batch/official/not-found.json": #"{"parcels":[{"requested":"{{number}}","errorCode":"E_404_01","errorMessage":"Resource Not Found"}]}"#,
        "sim-wsse/official/in-transit.xml": "<result><event><time>{{time:-2h}}</time><text>Official in transit</text></event></result>",
        "sim-wsse/legacy/in-transit.xml": "<result><event><time>{{time:-2h}}</time><text>Legacy in transit</text></event></result>",
    ]
}

/// A wall clock that stands still until the test moves it.
private final class TestWallClock: Sendable {
    private let instant: Mutex<Date>

    init(_ start: Date) { instant = Mutex(start) }

    /// The instant the test has moved the clock to.
    var now: Date { instant.withLock { $0 } }

    /// Moves the clock forward by `seconds`.
    func advance(by seconds: TimeInterval) { instant.withLock { $0 = $0.addingTimeInterval(seconds) } }
}
