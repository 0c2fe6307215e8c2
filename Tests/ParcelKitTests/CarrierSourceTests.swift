import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

/// The carrier engine's sources, error rules and answer handling, on small inline carrier files:
/// no network, so every rule gets a direct, fast test.
@Suite struct CarrierSourceTests {
    /// A carrier with an official JSON API (OAuth, batch-free) and a public page behind it.
    static let twoSources = """
        id: twosource
        name: Two Sources
        country: US
        language: en
        numbers: [{ pattern: '^T[0-9]{6}$' }]
        statuses:
          - { code: 'D', match: '(?i)return(ed)? to sender', status: returned }
          - { code: 'D', status: delivered }
          - { match: '(?i)in transit', status: inTransit }
        sources:
          - name: official
            auth: { kind: oauth2, token_url: "https://api.example.org/oauth/token", client_id: TWO_CLIENT_ID, client_secret: TWO_CLIENT_SECRET }
            request: { url: "https://api.example.org/track/{number}" }
            limits: { per_day: 250, per_hour: 60 }
            format: json
            events: "$.shipment[*].activity[*]"
            fields: { time: [date, time], status: text, code: code, location: [city, state], country: country, region: state }
            time: { format: "yyyyMMdd HHmmss", zone: America/New_York }
            no_events: "$.shipment[*].trackingNumber"
            errors:
              - { path: "$.shipment[*].warnings[*].code", match: '^TW0001$', error: notFound }
              - { path: "$.response.errors[*].code", match: '^250003$', error: credentialsRejected }
              - { status: [401, 403], error: credentialsRejected }
              - { status: [429], error: quotaExceeded }
          - name: public
            request: { url: "https://www.example.org/track?n={number}" }
            format: html
            events: "//tr[td]"
            fields: { time: "./td[1]", status: "./td[2]" }
            time: { format: "yyyy-MM-dd HH:mm", zone: America/New_York }
        """

    static func carrier(_ yaml: String = twoSources, source: String? = nil) throws -> CarrierDefinition {
        let carrier = try CarrierDefinition.parse(yaml: yaml, file: "twosource.yaml")
        return try source.map { try carrier.using(source: $0) } ?? carrier
    }

    static func parse(_ json: String, status: Int = 200, carrier: CarrierDefinition? = nil) throws(TrackingError) -> TrackingResult {
        let definition = carrier ?? (try? Self.carrier()) ?? { fatalError("the inline carrier file must load") }()
        return try CarrierParser(definition: definition).parse(Array(json.utf8), number: "T123456", httpStatus: status)
    }

    // MARK: Sources and credentials

    @Test func aSourceWithoutItsCredentialsIsSkippedWithTheReason() throws {
        let file = try Self.carrier()
        let without = file.selectingSource(CarrierCredentials(environment: [:]))
        #expect(without.source.name == "public")
        #expect(without.isUsable)
        #expect(without.sourceReason == "official: TWO_CLIENT_ID not set, using public")
        let with = file.selectingSource(CarrierCredentials(environment: ["TWO_CLIENT_ID": "id", "TWO_CLIENT_SECRET": "secret"]))
        #expect(with.source.name == "official")
        #expect(with.sourceReason == "official: credentials set")
        #expect(with.limits.perDay == 250 && with.limits.perHour == 60)
        #expect(without.limits.perDay == nil)
    }

    @Test func aCarrierWhoseOnlySourceLacksCredentialsIsUnusableAndSaysWhy() throws {
        let single = Self.twoSources.components(separatedBy: "  - name: public")[0]
        let carrier = try Self.carrier(single).selectingSource(CarrierCredentials(environment: ["TWO_CLIENT_ID": "id"]))
        #expect(!carrier.isUsable)
        #expect(carrier.sourceReason == "official: TWO_CLIENT_SECRET not set, no other source")
    }

    @Test func credentialsComeFromAnOwnerOnlyFileAndAWorldReadableOneIsRefused() throws {
        let directory = try temporaryDirectory("credentials")
        let file = directory + "/two.yaml"
        try Data("TWO_CLIENT_ID: from-file\nTWO_CLIENT_SECRET: s3cret\n".utf8).write(to: URL(fileURLWithPath: file))
        chmod(file, 0o644)
        #expect(throws: CredentialsFileError.self) { try CarrierCredentials(environment: [:], files: ["twosource": file]) }
        do {
            _ = try CarrierCredentials(environment: [:], files: ["twosource": file])
        } catch {
            #expect(error.description.contains("chmod 600"))
            #expect(!error.description.contains("s3cret"))
        }
        chmod(file, 0o600)
        let credentials = try CarrierCredentials(environment: ["TWO_CLIENT_ID": "from-env"], files: ["twosource": file])
        #expect(credentials.value("TWO_CLIENT_ID", carrier: "twosource") == "from-env")
        #expect(credentials.value("TWO_CLIENT_SECRET", carrier: "twosource") == "s3cret")
        #expect(credentials.value("TWO_CLIENT_SECRET", carrier: "other") == nil)
        #expect(!credentials.description.contains("s3cret"))
    }

    @Test func theShopConfigNamesCredentialsFilesBesideIt() throws {
        let config = try ShopConfig.parse(yaml: "carriers: { ups: { credentials: secrets/ups.yaml } }", file: "/etc/parcelwatch/parcelwatch.yaml")
        #expect(config.carrierCredentialFiles == ["ups": "/etc/parcelwatch/secrets/ups.yaml"])
        #expect(throws: ConfigError.self) { try ShopConfig.parse(yaml: "carriers: { ups: { credentials: x, key: y } }", file: "p.yaml") }
    }

    @Test func carrierFilesNameCredentialsAndNeverHoldThem() {
        let secretInFile = Self.twoSources.replacingOccurrences(of: "client_secret: TWO_CLIENT_SECRET", with: "client_secret: hunter2-abc")
        #expect(throws: CarrierFileError.self) { try Self.carrier(secretInFile) }
        let undeclared = """
            id: bodysecret
            name: B
            country: PL
            language: pl
            numbers: [{ pattern: '^[0-9]{4}$' }]
            request: { method: POST, url: "https://x.example/soap", body: "<a>{secret:B_LOGIN}</a>{number}" }
            format: xml
            events: "//e"
            fields: { time: "./t", status: "./s" }
            time: { format: iso8601, zone: UTC }
            statuses: [{ match: '.', status: inTransit }]
            """
        #expect(throws: CarrierFileError.self) { try CarrierDefinition.parse(yaml: undeclared, file: "bodysecret.yaml") }
        let wsseWithoutPlace = undeclared.replacingOccurrences(of: "{secret:B_LOGIN}", with: "")
            .replacingOccurrences(of: "format: xml", with: "auth: { kind: wsse, username: B_USER, password: B_PASSWORD }\nformat: xml")
        do {
            _ = try CarrierDefinition.parse(yaml: wsseWithoutPlace, file: "bodysecret.yaml")
            Issue.record("a wsse source without {wsse} in its body must not load")
        } catch {
            #expect(error.description.contains("{wsse}"))
        }
        let unknownKind = Self.twoSources.replacingOccurrences(of: "kind: oauth2", with: "kind: oauth3")
        #expect(throws: CarrierFileError.self) { try Self.carrier(unknownKind) }
    }

    // MARK: Answers as carriers send them

    @Test func aSuccessWithNoEventsYetIsPendingNotAFormatChange() throws {
        let result = try Self.parse(#"{"shipment": [{"trackingNumber": "T123456", "activity": []}]}"#)
        #expect(result.status == .pending)
        #expect(result.events.isEmpty)
        #expect(throws: TrackingError.self) { try Self.parse(#"{"redesigned": true}"#) }
        do { _ = try Self.parse(#"{"redesigned": true}"#) } catch { #expect(error.kind == "formatChanged") }
    }

    @Test func errorsInsideA200AnswerAreMappedByRule() throws {
        do {
            _ = try Self.parse(#"{"shipment": [{"warnings": [{"code": "TW0001", "message": "Tracking Information Not Found"}]}]}"#)
            Issue.record("a TW0001 warning is an unknown number")
        } catch { #expect(error.kind == "notFound") }
        do {
            _ = try Self.parse(#"{"response": {"errors": [{"code": "250003", "message": "Invalid Access License number"}]}}"#)
            Issue.record("250003 is refused credentials")
        } catch { #expect(error.kind == "credentialsRejected") }
        do {
            _ = try Self.parse("unreadable, not JSON", status: 429)
            Issue.record("429 is a spent quota for this source")
        } catch { #expect(error.kind == "quotaExceeded") }
        do {
            // An HTTP error whose body no rule explains stays an HTTP error, not a format change.
            _ = try Self.parse("<html>Bad gateway</html>", status: 502)
            Issue.record("502 must fail")
        } catch { #expect(error.kind == "http502") }
    }

    @Test func oneUnreadableEventIsSkippedAndCountedUnlessNoneSurvives() throws {
        let page = #"""
            {"shipment": [{"activity": [
              {"date": "20261118", "time": "101500", "text": "In transit", "code": "I", "city": "CHICAGO", "state": "IL", "country": "US"},
              {"date": "", "time": "", "text": "In transit", "code": "I"},
              {"date": "20261131", "time": "250000", "text": "In transit", "code": "I"},
              {"date": "20261119", "time": "083000", "text": "Delivered", "code": "D", "city": "DENVER", "state": "CO", "country": "US"}
            ]}]}
            """#
        let result = try Self.parse(page)
        #expect(result.events.count == 2)
        #expect(result.skippedEvents == 2)
        #expect(result.status == .delivered)
        let nothingReadable = #"{"shipment": [{"activity": [{"date": "", "time": "", "text": "In transit", "code": "I"}]}]}"#
        do { _ = try Self.parse(nothingReadable); Issue.record("no readable event is a format change") } catch {
            #expect(error.kind == "formatChanged")
        }
    }

    @Test func localTimesTakeTheZoneOfTheEventsLocationAndSaySo() throws {
        let page = #"""
            {"shipment": [{"activity": [
              {"date": "20261118", "time": "101500", "text": "In transit", "code": "I", "city": "CHICAGO", "state": "IL", "country": "US"},
              {"date": "20261118", "time": "201500", "text": "In transit", "code": "I", "city": "TORONTO", "state": "ON", "country": "CA"},
              {"date": "20261119", "time": "061500", "text": "In transit", "code": "I", "city": "LEIPZIG", "country": "DE"},
              {"date": "20261119", "time": "083000", "text": "In transit", "code": "I", "country": "US"}
            ]}]}
            """#
        let events = try Self.parse(page).events
        #expect(events.map(\.assumedZone) == ["America/Chicago", "America/Toronto", "Europe/Berlin", "America/New_York"])
        #expect(events.map(\.time.utcText) == ["2026-11-18T16:15:00Z", "2026-11-19T01:15:00Z", "2026-11-19T05:15:00Z", "2026-11-19T13:30:00Z"])
    }

    @Test func aTimeWithItsOwnOffsetAssumesNoZone() throws {
        let yaml = Self.twoSources.replacingOccurrences(of: "format: \"yyyyMMdd HHmmss\"", with: "format: iso8601")
            .replacingOccurrences(of: "time: [date, time]", with: "time: date")
        let carrier = try Self.carrier(yaml)
        let result = try Self.parse(
            #"{"shipment": [{"activity": [{"date": "2026-11-18T10:15:00+01:00", "text": "In transit", "code": "I"}]}]}"#,
            carrier: carrier)
        #expect(result.events.first?.assumedZone == nil)
        #expect(result.events.first?.time.utcText == "2026-11-18T09:15:00Z")
    }

    @Test func aCoarseCodeDoesNotOverrideTheCarriersOwnText() throws {
        let page = #"{"shipment": [{"activity": [{"date": "20261119", "time": "083000", "text": "Returned to sender", "code": "D", "country": "US"}]}]}"#
        #expect(try Self.parse(page).status == .returned)
    }

    @Test func aListOfOneFlattenedToAnObjectStillReadsAndObjectsAsMapsIterateWithDotStar() throws {
        let flattened = #"{"shipment": {"activity": {"date": "20261118", "time": "101500", "text": "In transit", "code": "I", "country": "US"}}}"#
        #expect(try Self.parse(flattened).events.count == 1)
        let map = try JSONValue.parse(Array(#"{"colli": {"3SABC": {"n": 1}, "3SDEF": {"n": 2}}}"#.utf8))
        #expect(try JSONPath("$.colli.*.n").evaluate(map).compactMap(\.text) == ["1", "2"])
        #expect(try JSONPath("$.colli[*]").evaluate(map).count == 1)
    }

    @Test func aNamespacePrefixBindsToTheURIThePageDeclares() throws {
        let yaml = """
            id: spaces
            name: Spaces
            country: CA
            language: en
            numbers: [{ pattern: '^[0-9]{16}$' }]
            request: { url: "https://x.example/{number}" }
            format: xml
            namespaces: { t: ["http://example.org/ws/track-v2", "http://example.org/ws/track"] }
            events: "/t:detail/t:event"
            fields: { time: "./t:at", status: "./t:what", region: "./t:province" }
            time: { format: "yyyy-MM-dd HH:mm:ss", zone: America/Toronto }
            statuses: [{ match: '.', status: inTransit }]
            """
        let carrier = try CarrierDefinition.parse(yaml: yaml, file: "spaces.yaml")
        for uri in ["http://example.org/ws/track-v2", "http://example.org/ws/track"] {
            let page = #"<detail xmlns="\#(uri)"><event><at>2026-11-18 10:00:00</at><what>Processed</what><province>BC</province></event></detail>"#
            let result = try CarrierParser(definition: carrier).parse(Array(page.utf8), number: "1234567890123456")
            #expect(result.events.count == 1, "\(uri)")
            #expect(result.events.first?.assumedZone == "America/Vancouver")
            #expect(result.events.first?.time.utcText == "2026-11-18T18:00:00Z")
        }
    }

    @Test func aBatchAnswerMarksOnlyTheUnknownParcel() throws {
        let yaml = """
            id: batchy
            name: Batchy
            country: DE
            language: en
            numbers: [{ pattern: '^[0-9]{11}$' }]
            sources:
              - name: official
                request: { url: "https://x.example/track/{numbers}" }
                batch: { max: 10, separator: ",", parcels: "$.parcels[*]", number: "requested" }
                format: json
                events: "events[*]"
                fields: { time: eventDateTime, status: description }
                time: { format: iso8601, zone: Europe/Berlin }
                errors:
                  - { path: "errorCode", match: '^E_404', error: notFound }
                  - { path: "$.errors[*].code", match: 'LIMIT', error: quotaExceeded }
                statuses: [{ match: 'delivered', status: delivered }, { match: '.', status: inTransit }]
            """
        let carrier = try CarrierDefinition.parse(yaml: yaml, file: "batchy.yaml")
        #expect(carrier.isBatch)
        let page = #"""
            {"parcels": [
              {"requested": "53700000001", "errorCode": "E_404_01", "errorMessage": "Parcel not found"},
              {"requested": "53700000002", "events": [{"eventDateTime": "2026-11-19T10:00:00+0100", "description": "The parcel has been delivered"}]}
            ]}
            """#
        let answers = try CarrierParser(definition: carrier).parseBatch(Array(page.utf8), numbers: ["53700000001", "53700000002"])
        #expect(answers.count == 2)
        #expect(throws: TrackingError.self) { try answers[0].outcome.get() }
        if case .failure(let error) = answers[0].outcome { #expect(error.kind == "notFound") }
        #expect(try answers[1].outcome.get().status == .delivered)
        let whole = #"{"errors": [{"code": "RATE_LIMIT"}]}"#
        do {
            _ = try CarrierParser(definition: carrier).parseBatch(Array(whole.utf8), numbers: ["53700000001"])
            Issue.record("an answer-wide error is the whole batch's")
        } catch { #expect(error.kind == "quotaExceeded") }
    }

    // MARK: Quotas

    @Test func quotaWindowsAreTheUTCDayAndHour() {
        let limits = CarrierDefinition.Limits(concurrency: 1, perSecond: 1, burst: 1, perHour: 60, perDay: 250)
        let windows = QuotaWindow.windows(for: limits, at: fixtureNow.addingTimeInterval(25 * 60))
        #expect(windows.map(\.key) == ["day:2026-11-20", "hour:2026-11-20T12"])
        #expect(windows.map(\.quota) == [250, 60])
        #expect(windows.map { ISOTime.utc($0.resetsAt) } == ["2026-11-21T00:00:00Z", "2026-11-20T13:00:00Z"])
        #expect(QuotaWindow.windows(for: .standard, at: fixtureNow).isEmpty)
    }

    @Test(arguments: StoreKind.all)
    func aQuotaIsTakenAtomicallyAndNeverOverspent(kind: StoreKind) async throws {
        let store = try await kind.open()
        let windows = QuotaWindow.windows(for: CarrierDefinition.Limits(concurrency: 1, perSecond: 1, burst: 1, perHour: 3, perDay: 5), at: fixtureNow)
        var granted = 0
        for _ in 0..<8 where try await store.write({ try $0.shipments.takeQuota(carrier: "dhl", windows: windows) }) { granted += 1 }
        #expect(granted == 3)
        let later = QuotaWindow.windows(
            for: CarrierDefinition.Limits(concurrency: 1, perSecond: 1, burst: 1, perHour: 3, perDay: 5),
            at: fixtureNow.addingTimeInterval(3600))
        for _ in 0..<8 where try await store.write({ try $0.shipments.takeQuota(carrier: "dhl", windows: later) }) { granted += 1 }
        #expect(granted == 5)
        let usage = try await store.read { try $0.shipments.quotaUsage(windows: later.map(\.key)) }
        #expect(usage.map { $0.window } == ["day:2026-11-20", "hour:2026-11-20T13"])
        #expect(usage.map { $0.left } == [0, 1])
    }
}
