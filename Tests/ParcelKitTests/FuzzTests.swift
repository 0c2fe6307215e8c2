import CarrierSim
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

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

    /// Every source of the carrier gets its share of the variants, made from its own fixtures
    /// with fixed seeds (a failure names the source, page and mutation, and reproduces). Each
    /// outcome must be one a real answer can have: a result for this carrier, the errors of a
    /// broken page (`unreadable`, `formatChanged`), or an error the carrier file itself declares
    /// (a truncated "unknown number" page is still one). Never a network or setup error.
    @Test(arguments: carriers)
    func everyAdapterSurvivesHostilePages(carrier id: String) async throws {
        // A thousand parses take seconds: off the cooperative pool the other tests share.
        let (outcomes, unexpected) = try await offThePool { try Self.fuzz(id) }
        #expect(unexpected.isEmpty, "\(id): \(unexpected.count) outcomes no answer may have, e.g. \(unexpected.prefix(5))")
        let totals = outcomes.values.reduce(into: [String: Int]()) { totals, counts in totals.merge(counts, uniquingKeysWith: +) }
        // The variants both pass and fail: a parser that refuses everything (or accepts anything) is broken too.
        #expect(totals["parsed", default: 0] > 0, "\(id): no variant parsed: \(outcomes)")
        #expect(totals.filter { $0.key != "parsed" }.values.reduce(0, +) > 0, "\(id): every variant parsed: \(outcomes)")
        // Random bytes are a broken page, nearly always said so: not a result, not the carrier's own error.
        let garbage = outcomes["garbage", default: [:]]
        let broken = garbage["unreadable", default: 0] + garbage["formatChanged", default: 0]
        #expect(garbage.values.reduce(0, +) > 0 && Double(broken) >= 0.9 * Double(garbage.values.reduce(0, +)), "\(id): garbage gave \(garbage)")
    }

    /// Parses the variants of every fixture of carrier `id`: the outcome ("parsed" or an error
    /// kind) counts per mutation kind, and the outcomes no real answer may have.
    static func fuzz(_ id: String) throws -> (outcomes: [String: [String: Int]], unexpected: [String]) {
        let file = try CarrierRegistry.load(directory: PackagePaths.carriers).carrier(id)
        let number = "FUZZ0000000000"
        var outcomes: [String: [String: Int]] = [:]
        var unexpected: [String] = []
        for source in file.sources {
            let carrier = try file.using(source: source.name)
            let allowed = Set(["formatChanged", "unreadable"] + carrier.source.errors.map(\.error.rawValue))
            let directory = PackagePaths.fixtures + "/" + carrier.fixtureFolder
            let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
                .filter { !$0.hasSuffix(".expected.json") && ["html", "xml", "json"].contains(($0 as NSString).pathExtension) }
            guard !names.isEmpty else { throw FuzzSetupError(message: "\(id)/\(source.name): no fixtures in \(directory)") }
            guard let pattern = carrier.timePatterns.first else { throw FuzzSetupError(message: "\(id)/\(source.name): no time pattern") }
            let parser = CarrierParser(definition: carrier)
            let share = Self.count / file.sources.count / names.count + 1
            for (index, name) in names.enumerated() {
                let template = [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name)))
                let page = FixtureTemplate(bytes: template).render(number: number, now: fixtureNow, pattern: pattern, zone: carrier.timeZone)
                for (offset, mutation) in FuzzCorpus.mutations(of: page, count: share, seed: UInt64(index + 1) &* 0x5EED).enumerated() {
                    let outcome: String
                    do {
                        let results = carrier.isFeed ? try parser.parseFeed(mutation.bytes) : [try parser.parse(mutation.bytes, number: number)]
                        outcome = "parsed"
                        if let stranger = results.first(where: { $0.carrier != id || $0.events.contains { $0.carrier != id } }) {
                            unexpected.append(
                                "\(source.name)/\(name) #\(offset) (\(mutation.kind)): a result for \(stranger.carrier) \(stranger.trackingNumber)")
                        }
                    } catch {
                        outcome = error.kind
                        if !allowed.contains(error.kind) {
                            unexpected.append("\(source.name)/\(name) #\(offset) (\(mutation.kind)): \(error.kind): \(error.description.prefix(200))")
                        }
                    }
                    outcomes[mutation.kind, default: [:]][outcome, default: 0] += 1
                }
            }
        }
        return (outcomes, unexpected)
    }
}

/// A carrier without the fixtures or time pattern the fuzzing starts from.
struct FuzzSetupError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
