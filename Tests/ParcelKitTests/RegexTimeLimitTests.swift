import CarrierSim
import Curl
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

/// A carrier-file regex that backtracks catastrophically fails loudly and fast, naming the
/// carrier, file, line and pattern: when the file loads if a probe catches it, else when it
/// first meets a text it cannot finish on. Before, `NSRegularExpression` (no time limit) spent
/// seconds on every such event and then left it `unknown`, which looks like an ordinary unmapped text.
@Suite struct RegexTimeLimitTests {
    /// A JSON carrier whose first status rule is `rule`, then a normal one.
    static func yaml(rule: String, errorRule: String? = nil) -> String {
        """
        id: slowpoke
        name: Slowpoke
        country: DE
        language: en
        numbers: [{ pattern: '^[0-9]{11}$' }]
        request: { url: "https://x.example/track/{number}" }
        format: json
        events: "$.events[*]"
        fields: { time: at, status: what }
        time: { format: iso8601, zone: Europe/Berlin }
        \(errorRule.map { "errors: [{ path: \"$.error\", match: '\($0)', error: notFound }]" } ?? "")
        statuses:
          - { match: '\(rule)', status: delivered }
          - { match: 'transit', status: inTransit }
        """
    }

    static func page(_ what: String, error: String? = nil) -> [UInt8] {
        let escaped = what.replacingOccurrences(of: "\"", with: "\\\"")
        let errorField = error.map { #""error": "\#($0)", "# } ?? ""
        return Array(#"{\#(errorField)"events": [{"at": "2026-11-19T10:00:00+0100", "what": "\#(escaped)"}]}"#.utf8)
    }

    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    @Test func aCatastrophicRuleFailsWhenTheFileLoads() throws {
        var caught: CarrierFileError?
        let elapsed = Self.seconds {
            do {
                _ = try CarrierDefinition.parse(yaml: Self.yaml(rule: "^(a+)+$"), file: "carriers/slowpoke.yaml")
            } catch {
                caught = error as? CarrierFileError
            }
        }
        let error = try #require(caught, "a rule that backtracks catastrophically loaded")
        #expect(error.file == "carriers/slowpoke.yaml" && error.line == 13 && error.key == "statuses[0].match", "\(error)")
        #expect(error.message.contains("'^(a+)+$'") && error.message.contains("time limit"), "\(error)")
        // The old engine took ~5 s on the 29-character probe alone; the limit stops it in milliseconds.
        print("loading a carrier file with ^(a+)+$ failed in \(String(format: "%.3f", elapsed)) s")
        #expect(elapsed < 3, "the catastrophic rule ran \(elapsed) s before failing")
    }

    @Test func aRuleTheProbeMissesFailsAtFirstUseNamingTheRuleNotUnknown() throws {
        // `(ab|a|b)*` splits every "ab" two ways: exponential on "abab…!", linear on the probe's
        // single-character runs, so the file loads and the first such event must fail.
        let carrier = try CarrierDefinition.parse(yaml: Self.yaml(rule: "^(ab|a|b)*$"), file: "carriers/slowpoke.yaml")
        let parser = CarrierParser(definition: carrier)
        #expect(try parser.parse(Self.page("in transit"), number: "53700000002").status == .inTransit)
        let text = String(repeating: "ab", count: 28) + "!"
        var outcome: Result<TrackingResult, TrackingError>?
        let elapsed = Self.seconds { outcome = Result { () throws(TrackingError) in try parser.parse(Self.page(text), number: "53700000002") } }
        print("an event the rule cannot finish on failed in \(String(format: "%.3f", elapsed)) s")
        guard case .failure(.badRule(let id, let error)) = outcome else {
            Issue.record("expected a bad-rule error, got \(String(describing: outcome))")
            return
        }
        #expect(id == "slowpoke" && error.file == "carriers/slowpoke.yaml" && error.line == 13 && error.pattern == "^(ab|a|b)*$" && error.timedOut)
        let message = TrackingError.badRule(carrier: id, error: error).description
        #expect(message.contains("slowpoke") && message.contains("carriers/slowpoke.yaml:13") && message.contains("time limit"), "\(message)")
        #expect(TrackingError.badRule(carrier: id, error: error).kind == "badRule")
        #expect(elapsed < 3, "the bad rule ran \(elapsed) s before failing")
    }

    @Test func theSweepRecordsABadRuleAsThatParcelsFailedCheckNotAnUnknownEvent() async throws {
        // A simulator of its own, with the one carrier and one page: the rule loads, the page defeats it.
        let root = try temporaryDirectory("slowpoke")
        let files = FileManager.default
        try files.createDirectory(atPath: root + "/carriers", withIntermediateDirectories: true)
        try files.createDirectory(atPath: root + "/fixtures/slowpoke", withIntermediateDirectories: true)
        try Data(Self.yaml(rule: "^(ab|a|b)*$").utf8).write(to: URL(fileURLWithPath: root + "/carriers/slowpoke.yaml"))
        let what = String(repeating: "ab", count: 28) + "!"
        try Data(#"{"events": [{"at": "{{time:-1h}}", "what": "\#(what)"}]}"#.utf8).write(to: URL(fileURLWithPath: root + "/fixtures/slowpoke/stuck.json"))
        let simulator = try await RunningSimulator.start(
            SimulatorOptions(port: 0, fixturesDirectory: root + "/fixtures", carriersDirectory: root + "/carriers", start: fixtureNow))
        defer { simulator.stop() }
        try await SimControl(baseURL: simulator.baseURL).register([
            ParcelScript(carrier: "slowpoke", number: "53700000002", timeline: [.init(afterHours: 0, fixture: "stuck")])
        ])
        let registry = try CarrierRegistry.load(directory: root + "/carriers")
        let store = try await Store.sqlite(path: root + "/p.sqlite")
        _ = try await store.write {
            try $0.shipments.importRows(
                [ImportRow(line: 2, order: order("SP-1"), carrier: "slowpoke", trackingNumber: "53700000002")], dryRun: false, actor: "t", at: fixtureNow)
        }
        let fetcher = CarrierFetcher(client: try HTTPClient(), endpoints: try EndpointOverrides([simulator.baseURL]))
        let summary = try await Sweeper(store: store, registry: registry, fetcher: fetcher, clock: .fixed(fixtureNow)).run()
        #expect(summary.checked == 1 && summary.errors["slowpoke"]?["badRule"] == 1, "\(summary.errors)")
        #expect(summary.newEvents == 0 && summary.formatChanged["slowpoke"] == 1)
        let parcel = try #require(try await store.read { try $0.shipments.shipment(carrier: "slowpoke", trackingNumber: "53700000002") })
        #expect(parcel.status == .pending && parcel.consecutiveFailures == 1)
        let lastError = parcel.lastError ?? ""
        #expect(lastError.hasPrefix("badRule: ") && lastError.contains("carriers/slowpoke.yaml:13") && lastError.contains("'^(ab|a|b)*$'"), "\(lastError)")
        #expect(try await store.read { try $0.shipments.unmappedStatuses() }.isEmpty, "the event was stored as unknown")
    }

    @Test func anErrorRuleThatCannotFinishIsABadRuleToo() throws {
        let carrier = try CarrierDefinition.parse(yaml: Self.yaml(rule: "delivered", errorRule: "^(ab|a|b)*$"), file: "carriers/slowpoke.yaml")
        let parser = CarrierParser(definition: carrier)
        #expect(try parser.parse(Self.page("delivered", error: "none"), number: "53700000002").status == .delivered)
        #expect {
            _ = try parser.parse(Self.page("delivered", error: String(repeating: "ab", count: 28) + "!"), number: "53700000002")
        } throws: { error in
            guard case .badRule(_, let rule) = error as? TrackingError else { return false }
            return rule.pattern == "^(ab|a|b)*$" && rule.line == 11
        }
    }

    @Test func theShippedCarrierFilesLoadAndTheirRulesMatchAsNSRegularExpressionDid() throws {
        let directory = PackagePaths.carriers
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(files.count > 10)
        var compared = 0
        for file in files {
            let carrier = try CarrierDefinition.load(file: directory + "/" + file)
            let rules = carrier.sources.flatMap(\.statuses)
            let samples =
                rules.compactMap { $0.match?.source.filter { $0.isLetter || $0 == " " } } + [
                    "Delivered", "in transit", "ENTREGADO", "Zugestellt", "doręczona", "I535", "", "Paczka została doręczona do adresata",
                ]
            for rule in rules {
                for (pattern, whole) in [(rule.match, false), (rule.code, true)] {
                    guard let pattern else { continue }
                    // The pattern compiled, so does the old engine; constant patterns known to compile.
                    // swift-format-ignore: NeverUseForceTry
                    let old = try! NSRegularExpression(pattern: whole ? "^(?:\(pattern.source))$" : pattern.source)
                    for sample in samples {
                        let before = old.firstMatch(in: sample, range: NSRange(sample.startIndex..., in: sample)) != nil
                        #expect(try pattern.matches(sample) == before, "\(file):\(rule.line) '\(pattern.source)' on '\(sample)'")
                        compared += 1
                    }
                }
            }
        }
        print("compared \(compared) matches of the shipped status rules with NSRegularExpression's")
    }

    @Test func aPayloadGroupIsTheSameUTF16RangeAsBefore() throws {
        let payload = try TextPattern("^(?:ZŁ)?([0-9]{3})", whole: false)
        #expect(try payload.firstGroup(in: "ZŁ123456") == "123")
        #expect(try payload.firstGroup(in: "x") == nil)
        #expect(try TextPattern("(a)|(b)", whole: false).firstGroup(in: "b") == nil)
        #expect(try TextPattern("no groups", whole: false).firstGroup(in: "no groups") == nil)
        #expect(throws: TextPatternError.self) { try TextPattern("(unclosed", whole: false) }
    }
}
