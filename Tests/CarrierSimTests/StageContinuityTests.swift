import CarrierSim
import Curl
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

/// Issue 14: a scripted parcel tells one story. Every stage extends the history the one before
/// showed (the same events, by fingerprint, at the same times) and adds only later events, so
/// a tracker never sees "label created" again after "available for pickup".
@Suite struct StageContinuityTests {
    @Test func aUSPSParcelKeepsOneHistoryFromTransitToPickupToDelivery() async throws {
        let world = try await ContinuityWorld.start()
        let number = "9400110200882817205631"
        try await world.control.register([
            ParcelScript(
                carrier: "usps", number: number,
                timeline: [
                    .init(afterHours: 0, fixture: "in-transit"), .init(afterHours: 30, fixture: "available-for-pickup"),
                    .init(afterHours: 60, fixture: "delivered"),
                ])
        ])
        let stages = try await world.stages(number, carrier: "usps", at: [0, 30, 60])
        #expect(stages.map { $0.source } == ["official", "official", "official"])
        #expect(stages.map { $0.events.last?.status } == [.inTransit, .availableForPickup, .delivered])
        Self.expectContinuous(stages.map(\.events), label: "usps", starts: [0, 30, 60].map { world.start.addingTimeInterval($0 * 3600) })
        // The story never restarts: once past "label created", no label again.
        let final = stages[2].events
        let firstMoved = try #require(final.firstIndex { $0.status != .infoReceived })
        #expect(!final[firstMoved...].contains { $0.status == .infoReceived })
    }

    @Test(
        arguments: [
            ("canada-post", nil, ["in-transit", "available-for-pickup", "delivered"]),  // XML
            ("dhl-pl", "public", ["in-transit", "failed-attempt", "returned"]),  // HTML in ISO-8859-2
            ("seur", "official", ["in-transit", "pickup-after-absence", "delivered"]),  // JSON, texts without places
            ("amazon", "official", ["in-transit", "out-for-delivery", "delivered"]),  // recordings of one parcel
        ] as [(String, String?, [String])])
    func otherCarriersKeepOneHistoryToo(carrier: String, source: String?, fixtures: [String]) async throws {
        let world = try await ContinuityWorld.start()
        let number = "CONT\(carrier.count)\(fixtures[1].count)"
        try await world.control.register([
            ParcelScript(
                carrier: carrier, number: number,
                timeline: fixtures.enumerated().map {
                    .init(afterHours: Double($0.offset) * 30, fixture: $0.element)
                })
        ])
        let stages = try await world.stages(number, carrier: carrier, source: source, at: [0, 30, 60])
        Self.expectContinuous(stages.map(\.events), label: carrier, starts: [0, 30, 60].map { world.start.addingTimeInterval($0 * 3600) })
        for (stage, fixture) in zip(stages, fixtures) {
            #expect(
                stage.events.last?.rawStatus == (try world.recorded(carrier, source: source, fixture: fixture).last?.rawStatus),
                "\(carrier) \(fixture): the stage's own news comes last")
        }
    }

    /// Every carrier and source: in transit, then each other recorded page with events. A page
    /// whose newest event the in-transit page already has (a label-only answer) brings no news.
    @Test func everyRecordedPageContinuesAnInTransitHistory() async throws {
        let world = try await ContinuityWorld.start()
        var cases: [(carrier: String, source: String?, fixture: String, number: String)] = []
        for carrier in world.registry.carriers where !carrier.isFeed {
            for source in carrier.sources {
                let definition = try carrier.using(source: source.name)
                let folder = definition.fixtureFolder
                let names = world.fixtureNames(folder)
                guard names.contains("in-transit") else { continue }
                for name in names where name != "in-transit" {
                    guard let recorded = try? world.recorded(carrier.id, source: source.name, fixture: name), !recorded.isEmpty else { continue }
                    cases.append((carrier.id, source.name, name, "CS\(cases.count)X"))
                }
            }
        }
        #expect(cases.count > 40)
        try await world.control.register(
            cases.map {
                ParcelScript(
                    carrier: $0.carrier, number: $0.number, timeline: [.init(afterHours: 0, fixture: "in-transit"), .init(afterHours: 30, fixture: $0.fixture)])
            })
        var before: [[TrackingEvent]] = []
        for item in cases { before.append(try await world.track(item.number, carrier: item.carrier, source: item.source).events) }
        try await world.control.advance(hours: 30)
        for (item, first) in zip(cases, before) {
            let label = "\(item.carrier)/\(item.source ?? "") in-transit → \(item.fixture)"
            let second = try await world.track(item.number, carrier: item.carrier, source: item.source).events
            let news = try #require(try world.recorded(item.carrier, source: item.source, fixture: item.fixture).last)
            let isNews = !first.contains { $0.rawStatus == news.rawStatus && $0.rawCode == news.rawCode && $0.location == news.location }
            Self.expectContinuous([first, second], label: label, grows: isNews, starts: [world.start, world.start.addingTimeInterval(30 * 3600)])
            if isNews { #expect(second.last?.rawStatus == news.rawStatus, "\(label): the stage's own news comes last") }
        }
    }

    /// Each stage holds every event of the one before (same fingerprint) and its times never go
    /// backwards: within a page, and no new event before the newest already shown. What a stage
    /// adds happened while the stage before was showing (`starts`: when each stage began): after
    /// it began, so a tracker that looked then missed nothing, and not after the stage began.
    static func expectContinuous(
        _ stages: [[TrackingEvent]], label: String, grows: Bool = true, starts: [Date],
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        for (index, events) in stages.enumerated() {
            let times = events.map(\.time.date)
            #expect(times == times.sorted(), "\(label) stage \(index): times go backwards", sourceLocation: sourceLocation)
            guard index > 0 else { continue }
            let previous = stages[index - 1]
            let shown = Set(previous.map(\.fingerprint))
            let missing = previous.filter { !Set(events.map(\.fingerprint)).contains($0.fingerprint) }
            #expect(missing.isEmpty, "\(label) stage \(index) lost \(missing.map { "\($0.rawStatus) @\($0.time.date)" })", sourceLocation: sourceLocation)
            if grows { #expect(events.count > previous.count, "\(label) stage \(index) adds nothing", sourceLocation: sourceLocation) }
            let added = events.filter { !shown.contains($0.fingerprint) }
            #expect(
                added.allSatisfy { $0.time.date > starts[index - 1] && $0.time.date <= starts[index] },
                "\(label) stage \(index): new events outside the stage before: \(added.map { "\($0.rawStatus) @\($0.time.date)" })",
                sourceLocation: sourceLocation)
            if let newest = previous.map(\.time.date).max() {
                let older = events.filter { !shown.contains($0.fingerprint) && $0.time.date < newest }
                #expect(
                    older.isEmpty, "\(label) stage \(index): new events older than the newest shown: \(older.map { "\($0.rawStatus) @\($0.time.date)" })",
                    sourceLocation: sourceLocation)
            }
        }
    }
}

/// A simulator of this test's own (its clock moves), the real carriers and fixtures, and a
/// fetcher with the credentials it accepts, so each carrier answers through its official API.
private struct ContinuityWorld {
    let simulator: RunningSimulator
    let registry: CarrierRegistry
    let fetcher: CarrierFetcher
    let control: SimControl
    let start = fixtureNow

    static func start() async throws -> ContinuityWorld {
        let loaded = try CarrierRegistry.load(directory: PackagePaths.carriers, credentials: CarrierCredentials(environment: [:]))
        let credentials = CarrierCredentials(environment: SimCredentials.environment(for: loaded))
        let registry = try CarrierRegistry.load(directory: PackagePaths.carriers, credentials: credentials)
        let simulator = try await RunningSimulator.start(
            SimulatorOptions(
                port: 0, fixturesDirectory: PackagePaths.fixtures, carriersDirectory: PackagePaths.carriers, start: fixtureNow))
        let fetcher = CarrierFetcher(client: try HTTPClient(), endpoints: try EndpointOverrides([simulator.baseURL]), credentials: credentials)
        return ContinuityWorld(simulator: simulator, registry: registry, fetcher: fetcher, control: try SimControl(baseURL: simulator.baseURL))
    }

    /// The parcel fetched at each of `hours` after the start (the clock only moves forward).
    func stages(_ number: String, carrier: String, source: String? = nil, at hours: [Double]) async throws -> [TrackingResult] {
        var results: [TrackingResult] = []
        var now = 0.0
        for hour in hours {
            if hour > now { try await control.advance(hours: hour - now) }
            now = hour
            results.append(try await track(number, carrier: carrier, source: source))
        }
        return results
    }

    func track(_ number: String, carrier id: String, source: String?) async throws -> TrackingResult {
        var carrier = try registry.carrier(id)
        if let source { carrier = try carrier.using(source: source) }
        if carrier.isBatch {
            return try #require(try await fetcher.trackBatch([number], carrier: carrier).first { $0.number == number }).outcome.get()
        }
        // Public pages that ask for the recipient's postcode get one; the simulator does not check it.
        guard case .updated(let result, _) = try await fetcher.track(number, carrier: carrier, inputs: ["postcode": "10115"]) else {
            throw ContinuityError(message: "\(id) answered 304 to an unconditional request")
        }
        return result
    }

    /// A fixture's events as recorded (its expected parse), oldest first.
    func recorded(_ carrier: String, source: String?, fixture: String) throws -> [TrackingEvent] {
        var definition = try registry.carrier(carrier)
        if let source { definition = try definition.using(source: source) }
        let path = PackagePaths.fixtures + "/" + definition.fixtureFolder + "/" + fixture + ".expected.json"
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any] ?? [:]
        return (expected["events"] as? [[String: Any]] ?? []).map { event in
            TrackingEvent(
                carrier: carrier, trackingNumber: "", time: CarrierTime(date: Date(), offsetSeconds: 0),
                rawStatus: event["rawStatus"] as? String ?? "", rawCode: event["rawCode"] as? String,
                status: .unknown, reason: nil, location: event["location"] as? String)
        }
    }

    func fixtureNames(_ folder: String) -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: PackagePaths.fixtures + "/" + folder)) ?? []
        return files.filter { $0.hasSuffix(".expected.json") }.map { String($0.dropLast(".expected.json".count)) }.sorted()
    }
}

private struct ContinuityError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
