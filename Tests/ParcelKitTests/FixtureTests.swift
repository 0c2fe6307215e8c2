import CarrierSim
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

/// One recorded page and what it must parse to.
struct FixtureCase: CustomTestStringConvertible, Sendable {
    let carrier: String
    /// The source folder (`official`, `public`) for carriers whose file lists `sources:`.
    let source: String?
    let name: String
    let page: String
    let expected: String
    var testDescription: String { [carrier, source, name].compactMap { $0 }.joined(separator: "/") }

    static let all: [FixtureCase] = {
        let root = PackagePaths.fixtures
        var cases: [FixtureCase] = []
        let carriers = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        for carrier in carriers.sorted() where !carrier.hasPrefix(".") && !carrier.hasPrefix("_") {
            let directory = "\(root)/\(carrier)"
            cases += folderCases(in: directory, carrier: carrier, source: nil)
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for entry in entries.sorted() {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: "\(directory)/\(entry)", isDirectory: &isDirectory), isDirectory.boolValue else { continue }
                cases += folderCases(in: "\(directory)/\(entry)", carrier: carrier, source: entry)
            }
        }
        return cases
    }()

    private static func folderCases(in directory: String, carrier: String, source: String?) -> [FixtureCase] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return files.sorted().filter { $0.hasSuffix(".expected.json") }.compactMap { file in
            let name = String(file.dropLast(".expected.json".count))
            guard
                let page = files.first(where: {
                    ["html", "xml", "json"].contains(($0 as NSString).pathExtension)
                        && ($0 as NSString).deletingPathExtension == name
                })
            else { return nil }
            return FixtureCase(carrier: carrier, source: source, name: name, page: "\(directory)/\(page)", expected: "\(directory)/\(file)")
        }
    }
}

/// What an expected file says.
private struct Expectation: Decodable {
    struct BatchError: Decodable, Equatable {
        var number: String
        var error: String
    }
    var number: String?
    var error: String?
    var feed: Bool?
    var shipments: [TrackingReport]?
    var trackingNumber: String?
    /// The carrier's promised delivery, ISO-8601 UTC, where the fixture carries one.
    var estimatedDelivery: String?
    /// Events left out for an unreadable time.
    var skippedEvents: Int?
    /// A batch answer about these numbers, with `shipments` and per-parcel `errors`.
    var batch: [String]?
    var errors: [BatchError]?
}

@Suite struct FixtureTests {
    static let registry: CarrierRegistry? = try? CarrierRegistry.load(directory: PackagePaths.carriers)

    @Test func everyCarrierLoadsAndHasThreeFixtures() throws {
        let registry = try CarrierRegistry.load(directory: PackagePaths.carriers)
        #expect(registry.carriers.count >= 14)
        for carrier in registry.carriers {
            for source in carrier.sources {
                let folder = carrier.declaresSources ? source.name : nil
                let count = FixtureCase.all.filter { $0.carrier == carrier.id && $0.source == folder }.count
                // Sources added with the official APIs have four at least: in transit, delivered, a problem, not found.
                #expect(count >= (carrier.declaresSources ? 4 : 3), "\(carrier.id)/\(source.name) has \(count) fixtures")
            }
        }
        let formats = Dictionary(grouping: registry.carriers.flatMap(\.sources), by: \.format).mapValues(\.count)
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
        var carrier = try registry.carrier(fixture.carrier)
        if let source = fixture.source { carrier = try carrier.using(source: source) }
        let expectedData = try Data(contentsOf: URL(fileURLWithPath: fixture.expected))
        let expectation = try JSONDecoder().decode(Expectation.self, from: expectedData)
        let number = expectation.trackingNumber ?? expectation.number ?? "UNKNOWN"
        let template = FixtureTemplate(bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixture.page))))
        let page = template.render(number: number, now: fixtureNow, pattern: try #require(carrier.timePatterns.first), zone: carrier.timeZone)
        let contentType = fixture.page.hasSuffix(".json") ? "application/json" : fixture.page.hasSuffix(".xml") ? "application/xml" : "text/html"
        let parser = CarrierParser(definition: carrier)

        if expectation.feed == true {
            let results = try parser.parseFeed(page, contentType: contentType)
            #expect(results.map(TrackingReport.init).map(\.withoutSource) == (expectation.shipments ?? []))
            return
        }
        if let numbers = expectation.batch {
            let answers = try parser.parseBatch(page, contentType: contentType, numbers: numbers)
            let reports = answers.compactMap { try? TrackingReport($0.outcome.get()).withoutSource }
            let errors = answers.compactMap { answer -> Expectation.BatchError? in
                guard case .failure(let error) = answer.outcome else { return nil }
                return .init(number: answer.number, error: error.kind)
            }
            #expect(reports == (expectation.shipments ?? []))
            #expect(errors == (expectation.errors ?? []))
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
        #expect(result.skippedEvents == (expectation.skippedEvents ?? 0))
        // The number in the fixture must be one the carrier's own rules accept.
        #expect(registry.rejection(of: expected.trackingNumber, carrier: carrier) == nil)
    }

    @Test func reparsingGivesTheSameFingerprints() throws {
        let registry = try #require(Self.registry)
        let fixture = try #require(FixtureCase.all.first { $0.carrier == "seur" && $0.source == "public" && $0.name == "damaged-or-lost" })
        let carrier = try registry.carrier("seur").using(source: "public")
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

extension TrackingReport {
    /// The report as an expected file writes it: the source is the fixture's folder, not a field.
    fileprivate var withoutSource: TrackingReport {
        var copy = self
        copy.source = nil
        return copy
    }
}
