import CarrierSim
import Foundation
import ParcelKit
import Testing
import TestSupport

/// Every carrier adapter fed 1,000 hostile variants of its own fixtures: each parse must end in
/// a result or a ``TrackingError`` — no crash, no hang. (`FUZZ_COUNT` changes the number.)
@Suite struct FuzzTests {
    static let count = Int(ProcessInfo.processInfo.environment["FUZZ_COUNT"] ?? "") ?? 1000

    /// The carrier ids, from the carrier files' names (a missing directory fails the count check below).
    static let carriers = ((try? FileManager.default.contentsOfDirectory(atPath: PackagePaths.carriers)) ?? [])
        .filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()

    @Test func everyCarrierIsFuzzed() {
        #expect(Self.carriers.count >= 17)
    }

    /// Every source of the carrier gets its share of the variants, made from its own fixtures.
    @Test(arguments: carriers)
    func everyAdapterSurvivesHostilePages(carrier id: String) throws {
        let file = try CarrierRegistry.load(directory: PackagePaths.carriers).carrier(id)
        var outcomes: [String: Int] = [:]
        for source in file.sources {
            let carrier = try file.using(source: source.name)
            let directory = PackagePaths.fixtures + "/" + carrier.fixtureFolder
            let pages = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
                .filter { !$0.hasSuffix(".expected.json") && ["html", "xml", "json"].contains(($0 as NSString).pathExtension) }
                .map { [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory + "/" + $0))) }
            let pattern = try #require(carrier.timePatterns.first)
            let parser = CarrierParser(definition: carrier)
            let share = Self.count / file.sources.count / max(1, pages.count) + 1
            for (index, template) in pages.enumerated() {
                let page = FixtureTemplate(bytes: template).render(number: "FUZZ0000000000", now: fixtureNow, pattern: pattern, zone: carrier.timeZone)
                for mutation in FuzzCorpus.mutations(of: page, count: share, seed: UInt64(index + 1) &* 0x5EED) {
                    do {
                        if carrier.isFeed { _ = try parser.parseFeed(mutation.bytes) } else { _ = try parser.parse(mutation.bytes, number: "FUZZ0000000000") }
                        outcomes["parsed", default: 0] += 1
                    } catch {
                        outcomes[error.kind, default: 0] += 1
                    }
                }
            }
        }
        #expect(outcomes.values.reduce(0, +) >= Self.count)
    }
}
