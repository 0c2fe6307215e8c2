import CarrierSim
import Foundation
import ParcelCore
import ParcelStore
import TestSupport
import Testing

/// `parcelwatch lanes`, `lanes import`, `lanes backtest` and the estimate in `track`, from the
/// command line over a generated history.
@Suite struct LanesCLITests {
    /// 3,000 generated parcels (60 days up to 2026-11-30) as a JSON Lines file, and the parcels.
    static func history(in directory: String) throws -> (file: String, parcels: [DeliveredParcel]) {
        let parcels = HistoryGenerator(HistoryGenerator.Configuration(parcels: 3000, days: 60, seed: 11)).generate()
        let file = directory + "/history.jsonl"
        try Data(try HistoryGenerator.jsonLines(parcels).utf8).write(to: URL(fileURLWithPath: file))
        return (file, parcels)
    }

    static let now = "2026-11-30T12:00:00Z"

    /// The instant of ISO-8601 `text`.
    static func time(_ text: String) throws -> Date { try #require(ISOTime.parse(text)) }

    static func json(_ run: CLIRun) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stdout)\n\(run.stderr)")
    }

    @Test func importListAndBacktestAGeneratedHistory() async throws {
        let directory = try temporaryDirectory("cli-lanes")
        let db = directory + "/p.sqlite"
        let (file, parcels) = try Self.history(in: directory)
        let store = ["--db", db, "--now", Self.now]

        let first = try await CLIRun.run(["lanes", "import", file, "--json"] + store)
        #expect(first.status == 0, "\(first.stderr)")
        let imported = try Self.json(first)
        #expect(imported["parcels"] as? Int == 3000 && imported["imported"] as? Int == 3000 && imported["alreadyStored"] as? Int == 0)
        let again = try await CLIRun.run(["lanes", "import", file] + store)
        #expect(again.status == 0 && again.stdout.contains("imported 0 delivered parcel(s)") && again.stdout.contains("(3000 already stored)"))

        // The lanes are the pure model's over the same parcels.
        var model = LaneModel()
        for parcel in parcels { model.record(parcel) }
        let expected = model.lanes(asOf: try Self.time(Self.now))
        let listed = try Self.json(try await CLIRun.run(["lanes", "--json"] + store))
        #expect(listed["windowDays"] as? Int == 90 && listed["asOf"] as? String == Self.now)
        let lanes = try #require(listed["lanes"] as? [[String: Any]])
        #expect(lanes.count == expected.count)
        let inpost = try #require(lanes.first { $0["lane"] as? String == "inpost/*/*>PL/*/*" })
        let pure = try #require(expected.first { $0.key.description == "inpost/*/*>PL/*/*" })
        #expect(inpost["parcels"] as? Int == pure.parcels && inpost["p50"] as? Int == pure.p50 && inpost["p90"] as? Int == pure.p90)
        #expect(inpost["level"] as? String == "destination" && inpost["destination"] as? String == "PL" && inpost["service"] is NSNull)
        #expect((inpost["onTimeRate"] as? Double).map { abs($0 - (pure.onTimeRate ?? -1)) < 1e-9 } == true)
        let table = try await CLIRun.run(["lanes"] + store)
        #expect(table.status == 0 && table.stdout.hasPrefix("LANE") && table.stdout.contains("inpost/*/*>PL/*/*"))
        // --level and --carrier keep only the rows asked for, in --json as in the table.
        let carriers = try #require(try Self.json(try await CLIRun.run(["lanes", "--level", "carrier", "--json"] + store))["lanes"] as? [[String: Any]])
        #expect(carriers.count == expected.filter { $0.key.level == .carrier }.count && carriers.allSatisfy { $0["level"] as? String == "carrier" })
        let inpostOnly = try await CLIRun.run(["lanes", "--level", "destination", "--level", "carrier", "--carrier", "inpost"] + store)
        let rows = inpostOnly.stdout.split(separator: "\n").dropFirst()
        #expect(inpostOnly.status == 0 && rows.count == expected.filter { $0.key.carrier == "inpost" && $0.key.level != .lane }.count)
        #expect(rows.allSatisfy { $0.hasPrefix("inpost/") } && !rows.isEmpty, "\(inpostOnly.stdout)")
        let nothing = try await CLIRun.run(["lanes", "--carrier", "nobody"] + store)
        #expect(nothing.status == 0 && nothing.stdout.hasPrefix("no lanes match --level/--carrier"))
        let wrongLevel = try await CLIRun.run(["lanes", "--level", "postcode"] + store)
        #expect(wrongLevel.status == 2 && wrongLevel.stderr.contains("--level 'postcode' is not one of lane, destination, carrier"), "\(wrongLevel.stderr)")

        // The backtest: the pure one's figures, the model beating the promise alone on MAE.
        let backtest = try await CLIRun.run(["lanes", "backtest", "--json"] + store)
        #expect(backtest.status == 0, "\(backtest.stderr)")
        let report = try JSONDecoder().decode(BacktestReport.self, from: Data(backtest.stdout.utf8))
        #expect(report == Backtest().run(parcels))
        let modelMAE = try #require(report.headline(.model)?.meanAbsoluteError)
        let promiseMAE = try #require(report.headline(.promise)?.meanAbsoluteError)
        #expect(report.headlineParcels > 1000 && modelMAE < promiseMAE)
        let text = try await CLIRun.run(["lanes", "backtest", "--since", "30d"] + store)
        #expect(text.status == 0 && text.stdout.hasPrefix("backtest: ") && text.stdout.contains("lateRisk: "))
        let bad = try await CLIRun.run(["lanes", "backtest", "--since", "soon"] + store)
        #expect(bad.status == 2 && bad.stderr.contains("--since 'soon'"))
    }

    @Test func aBadLineImportsNothingAndNamesTheLine() async throws {
        let directory = try temporaryDirectory("cli-lanes-bad")
        let db = directory + "/p.sqlite"
        let (file, _) = try Self.history(in: directory)
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").prefix(3).map(String.init)
        let good = directory + "/good.jsonl"
        try Data(lines[0].utf8).write(to: URL(fileURLWithPath: good))
        #expect(try await CLIRun.run(["lanes", "import", good, "--db", db, "--now", Self.now]).status == 0)
        // Two good new lines, then one without its times: nothing of the file goes in.
        let broken = directory + "/broken.jsonl"
        try Data((lines[1...2] + ["{\"id\": \"x\", \"carrier\": \"inpost\"}"]).joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: broken))
        let run = try await CLIRun.run(["lanes", "import", broken, "--db", db, "--now", Self.now])
        #expect(run.status == 2 && run.stderr.contains("broken.jsonl: line 3: not a delivered parcel") && run.stderr.contains("nothing imported"))
        #expect(try await Store.sqlite(path: db).read { try $0.lanes.deliveryCount() } == 1)
        let missing = try await CLIRun.run(["lanes", "import", directory + "/none.jsonl", "--db", db])
        #expect(missing.status == 2 && missing.stderr.contains("none.jsonl"))
    }

    @Test func trackShowsTheEstimateWithItsSourceLocallyAndFromTheServer() async throws {
        let directory = try temporaryDirectory("cli-lanes-track")
        let db = directory + "/p.sqlite"
        let (file, parcels) = try Self.history(in: directory)
        #expect(try await CLIRun.run(["lanes", "import", file, "--db", db, "--now", Self.now]).status == 0)

        // An InPost parcel to 00-950 handed over this morning, promised for Wednesday.
        let store = try await Store.sqlite(path: db)
        var theOrder = order("E-1", postcode: "00-950")
        theOrder.promisedDate = "2026-12-02"
        theOrder.paidAt = try Self.time("2026-11-29T18:00:00Z")
        _ = try await store.write { [theOrder] in
            try $0.shipments.importRows(
                [ImportRow(line: 2, order: theOrder, carrier: "inpost", trackingNumber: "620000000000000000000001")], dryRun: false, actor: "t",
                at: fixtureNow)
        }
        let shipment = try #require(try await store.read { try $0.shipments.shipment(carrier: "inpost", trackingNumber: "620000000000000000000001") })
        let scanned = try Self.time("2026-11-30T08:00:00Z")
        _ = try await store.write(serialized: false) {
            try $0.shipments.apply(
                TrackingUpdate(
                    shipmentID: shipment.id,
                    events: [
                        TrackingEvent(
                            carrier: "inpost", trackingNumber: "620000000000000000000001", time: CarrierTime(date: scanned, offsetSeconds: 3600),
                            rawStatus: "collected_from_sender", rawCode: nil, status: .inTransit, reason: nil, location: nil)
                    ], estimatedDelivery: nil, checkedAt: scanned, schedule: .standard))
        }

        // What the pure model says for it, in Polish (the order's language), carrier named as its file does.
        var model = LaneModel()
        for parcel in parcels { model.record(parcel) }
        let now = try Self.time(Self.now)
        let estimate = try #require(
            model.estimate(
                for: InFlightParcel(
                    carrier: "inpost", carrierName: "InPost", originCountry: "PL", destinationCountry: "PL", postcode: "00-950",
                    paidAt: theOrder.paidAt, firstScanAt: scanned, lastScanAt: scanned, promisedDate: CivilDate("2026-12-02")), now: now))
        guard case .lane(let level, let count) = estimate.source else { throw StoreError.rejected("expected a lane estimate, got \(estimate.source)") }

        let local = try await CLIRun.run(["track", "620000000000000000000001", "--postcode", "00-950", "--db", db, "--now", Self.now, "--json"])
        #expect(local.status == 0, "\(local.stderr)")
        let tracked = try #require(try Self.json(local)["estimate"] as? [String: Any])
        #expect(tracked["p50"] as? String == estimate.p50.description && tracked["p90"] as? String == estimate.p90.description)
        let source = try #require(tracked["source"] as? [String: Any])
        #expect(source["kind"] as? String == "lane" && source["level"] as? String == level.rawValue && source["parcels"] as? Int == count)
        #expect(tracked["confidence"] as? Int == count && count >= 30)
        let explanation = try #require(tracked["explanation"] as? String)
        #expect(explanation == estimate.explanation.text(for: "pl"))
        #expect(explanation.hasPrefix("oszacowano na podstawie \(count) przesyłek InPost") && explanation.hasSuffix("z ostatnich 90 dni"))
        let probability = try #require(tracked["probabilityByPromise"] as? Double)
        #expect(abs(probability - (estimate.probabilityByPromise ?? -1)) < 1e-9)

        let people = try await CLIRun.run(["track", "620000000000000000000001", "--postcode", "00-950", "--db", db, "--now", Self.now])
        #expect(people.stdout.contains("Spodziewana dostawa: \(estimate.p50)") && people.stdout.contains(explanation))

        // Staff see the same estimate in `shipments` and `incident show`.
        let listed = try await CLIRun.run(["shipments", "--json", "--db", db, "--now", Self.now])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]], "\(listed.stderr)")
        let row = try #require(rows.first { $0["trackingNumber"] as? String == "620000000000000000000001" })
        let listedEstimate = try #require(row["estimate"] as? [String: Any])
        #expect(listedEstimate["p50"] as? String == estimate.p50.description && listedEstimate["explanation"] as? String == explanation)
        #expect(row["status"] as? String == "inTransit" && row["orderId"] as? String == "E-1")
        let table = try await CLIRun.run(["shipments", "--db", db, "--now", Self.now])
        let expectedCell = estimate.p50 == estimate.p90 ? "\(estimate.p50)" : "\(estimate.p50)..\(estimate.p90)"
        #expect(table.stdout.contains("EXPECTED") && table.stdout.contains(expectedCell))
        let trigger = IncidentTrigger(
            kind: .stalled, subject: .shipment(id: shipment.id, orderId: "E-1", carrier: "inpost", trackingNumber: "620000000000000000000001"),
            evidence: "silent since 2026-11-30T08:00:00Z", summary: "stalled")
        guard
            case .opened(let incident) = try await store.write({
                try $0.cases.raise(trigger, plan: IncidentPlanner(config: .defaults).plan(kind: .stalled, value: nil, now: now), at: now)
            })
        else { throw StoreError.rejected("no case opened") }
        let shown = try await CLIRun.run(["incident", "show", String(incident.id), "--json", "--db", db, "--now", Self.now])
        let caseEstimate = try #require(try Self.json(shown)["estimate"] as? [String: Any])
        #expect(caseEstimate["p90"] as? String == estimate.p90.description && caseEstimate["confidence"] as? Int == count)
        let caseText = try await CLIRun.run(["incident", "show", String(incident.id), "--db", db, "--now", Self.now])
        #expect(caseText.stdout.contains("expected \(estimate.p50)") && caseText.stdout.contains(estimate.explanation.en))

        // The shop's server answers the API with the same JSON, estimate included.
        let server = try CLIRun.start(["serve", "--listen", "127.0.0.1:0", "--db", db, "--now", Self.now])
        defer { server.terminate() }
        let banner = await CustomerServerCLITests.firstLine(of: server)
        let url = try #require(banner.split(separator: " ").first { $0.hasPrefix("http://") }.map(String.init), "serve printed \(banner)")
        let api = try await CLIRun.run(["track", "620000000000000000000001", "--postcode", "00-950", "--server", url, "--json"])
        #expect(api.status == 0 && api.stdout == local.stdout, "\(api.stderr)")
    }
}
