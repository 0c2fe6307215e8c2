import CarrierSim
import Foundation
import ParcelKit
import Testing
import TestSupport

/// One recorded page and what it must parse to.
struct FixtureCase: CustomTestStringConvertible, Sendable {
    let carrier: String
    let name: String
    let page: String
    let expected: String
    var testDescription: String { "\(carrier)/\(name)" }

    static let all: [FixtureCase] = {
        let root = PackagePaths.fixtures
        var cases: [FixtureCase] = []
        let carriers = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        for carrier in carriers.sorted() where !carrier.hasPrefix(".") && !carrier.hasPrefix("_") {
            let directory = "\(root)/\(carrier)"
            let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for file in files.sorted() where file.hasSuffix(".expected.json") {
                let name = String(file.dropLast(".expected.json".count))
                guard let page = files.first(where: { ["html", "xml", "json"].contains(($0 as NSString).pathExtension)
                    && ($0 as NSString).deletingPathExtension == name }) else { continue }
                cases.append(FixtureCase(carrier: carrier, name: name, page: "\(directory)/\(page)", expected: "\(directory)/\(file)"))
            }
        }
        return cases
    }()
}

/// What an expected file says.
private struct Expectation: Decodable {
    var number: String?
    var error: String?
    var feed: Bool?
    var shipments: [TrackingReport]?
    var trackingNumber: String?
    /// The carrier's promised delivery, ISO-8601 UTC, where the fixture carries one.
    var estimatedDelivery: String?
}

@Suite struct FixtureTests {
    static let registry: CarrierRegistry? = try? CarrierRegistry.load(directory: PackagePaths.carriers)

    @Test func everyCarrierLoadsAndHasThreeFixtures() throws {
        let registry = try CarrierRegistry.load(directory: PackagePaths.carriers)
        #expect(registry.carriers.count >= 14)
        for carrier in registry.carriers {
            let count = FixtureCase.all.filter { $0.carrier == carrier.id }.count
            #expect(count >= 3, "\(carrier.id) has \(count) fixtures")
        }
        let formats = Dictionary(grouping: registry.carriers, by: \.format).mapValues(\.count)
        #expect(formats[.html, default: 0] >= 4)
        #expect(formats[.xml, default: 0] >= 5)
        #expect(formats[.json, default: 0] >= 2)
    }

    @Test func promisedDeliveryDatesAreChecked() throws {
        // At least two fixtures carry the carrier's promised date and have it checked above.
        let withDates = try FixtureCase.all.filter {
            try JSONDecoder().decode(Expectation.self, from: Data(contentsOf: URL(fileURLWithPath: $0.expected))).estimatedDelivery != nil
        }
        #expect(withDates.count >= 2)
    }

    @Test(arguments: FixtureCase.all)
    func fixtureParsesAsExpected(_ fixture: FixtureCase) throws {
        let registry = try #require(Self.registry)
        let carrier = try registry.carrier(fixture.carrier)
        let expectedData = try Data(contentsOf: URL(fileURLWithPath: fixture.expected))
        let expectation = try JSONDecoder().decode(Expectation.self, from: expectedData)
        let number = expectation.trackingNumber ?? expectation.number ?? "UNKNOWN"
        let template = FixtureTemplate(bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixture.page))))
        let page = template.render(number: number, now: fixtureNow, pattern: try #require(carrier.timePatterns.first), zone: carrier.timeZone)
        let contentType = fixture.page.hasSuffix(".json") ? "application/json" : fixture.page.hasSuffix(".xml") ? "application/xml" : "text/html"
        let parser = CarrierParser(definition: carrier)

        if expectation.feed == true {
            let results = try parser.parseFeed(page, contentType: contentType)
            #expect(results.map(TrackingReport.init) == (expectation.shipments ?? []))
            return
        }
        if expectation.error != nil {
            #expect(throws: TrackingError.self) { try parser.parse(page, contentType: contentType, number: number) }
            do {
                _ = try parser.parse(page, contentType: contentType, number: number)
            } catch {
                #expect(error.kind == expectation.error, "\(error)")
            }
            return
        }
        let expected = try JSONDecoder().decode(TrackingReport.self, from: expectedData)
        let result = try parser.parse(page, contentType: contentType, number: number)
        if let estimated = expectation.estimatedDelivery { #expect(result.estimatedDelivery?.utcText == estimated) }
        let actual = TrackingReport(result)
        #expect(actual.carrier == expected.carrier)
        #expect(actual.trackingNumber == expected.trackingNumber)
        #expect(actual.status == expected.status)
        #expect(actual.reason == expected.reason)
        #expect(actual.events.count == expected.events.count)
        for (got, want) in zip(actual.events, expected.events) { #expect(got == want) }
        // The number in the fixture must be one the carrier's own rules accept.
        #expect(registry.rejection(of: expected.trackingNumber, carrier: carrier) == nil)
    }

    @Test func reparsingGivesTheSameFingerprints() throws {
        let registry = try #require(Self.registry)
        let fixture = try #require(FixtureCase.all.first { $0.carrier == "seur" && $0.name == "damaged-or-lost" })
        let carrier = try registry.carrier("seur")
        let template = FixtureTemplate(bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixture.page))))
        let page = template.render(number: "12345678901234", now: fixtureNow, pattern: try #require(carrier.timePatterns.first), zone: carrier.timeZone)
        let first = try CarrierParser(definition: carrier).parse(page, number: "12345678901234")
        let second = try CarrierParser(definition: carrier).parse(page, number: "12345678901234")
        #expect(first.events.map(\.fingerprint) == second.events.map(\.fingerprint))
        #expect(Set(first.events.map(\.fingerprint)).count == first.events.count)
        #expect(first.status == .exception)
        #expect(first.reason == .damagedOrLost)
    }
}
