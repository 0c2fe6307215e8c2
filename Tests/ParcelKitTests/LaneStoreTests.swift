import CarrierSim
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

/// The delivery history and the lane model in the store, on SQLite and PostgreSQL alike.
@Suite struct LaneStoreTests {
    /// The model's JSON with sorted keys: two models that learnt the same compare equal.
    static func json(_ model: LaneModel) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(model), as: UTF8.self)
    }

    /// Delivers the SEUR parcel `number` through real tracking updates: picked up 50 hours before
    /// ``fixtureNow`` with the carrier estimating 2026-11-21, delivered `deliveredHoursAgo` before it.
    static func deliver(_ number: String, deliveredHoursAgo: Double, store: Store) async throws -> Int64 {
        let shipment = try #require(try await store.read { try $0.shipments.shipment(carrier: "seur", trackingNumber: number) })
        let pickedUp = [event(number, hoursAgo: 50, raw: "Admitido", status: .inTransit)]
        _ = try await store.write(serialized: false) {
            try $0.shipments.apply(
                TrackingUpdate(
                    shipmentID: shipment.id, events: pickedUp, estimatedDelivery: try time("2026-11-21T10:00:00Z"), checkedAt: fixtureNow,
                    schedule: .standard, destinationCountry: "ES", originCountry: "PL"))
        }
        let delivered = pickedUp + [event(number, hoursAgo: deliveredHoursAgo, raw: "Entregado", status: .delivered)]
        for _ in 0..<2 {  // the same answer twice: one delivery
            _ = try await store.write(serialized: false) {
                try $0.shipments.apply(
                    TrackingUpdate(
                        shipmentID: shipment.id, events: delivered, estimatedDelivery: try time("2026-11-23T10:00:00Z"), checkedAt: fixtureNow,
                        schedule: .standard, destinationCountry: "ES", originCountry: "PL"))
            }
        }
        return shipment.id
    }

    static func time(_ text: String) throws -> Date { try #require(ISOTime.parse(text)) }

    @Test(arguments: StoreKind.all) func deliveriesThroughTrackingUpdatesFeedTheModelIncrementally(kind: StoreKind) async throws {
        let store = try await kind.open()
        let numbers = ["12345678901234", "12345678901235", "12345678901236"]
        _ = try await store.write {
            try $0.shipments.importRows(
                numbers.enumerated().map { ImportRow(line: $0 + 2, order: order("L\($0)"), carrier: "seur", trackingNumber: $1) }, dryRun: false,
                actor: "test", at: fixtureNow)
        }
        let configuration = LaneModel.Configuration()
        let first = try await Self.deliver(numbers[0], deliveredHoursAgo: 2, store: store)
        #expect(try await store.read { try $0.lanes.deliveryCount() } == 1)

        // The row: what the store knew at delivery.
        let page = try await store.read { try $0.lanes.deliveries(since: .distantPast) }
        let row = try #require(page.parcels.first)
        #expect(page.next == nil && page.parcels.count == 1)
        #expect(row.id == "shipment:\(first)" && row.carrier == "seur" && row.service == nil)
        #expect(row.originCountry == "PL" && row.destinationCountry == "ES" && row.postcode == "00-950")
        #expect(row.paidAt == fixtureNow.addingTimeInterval(-2 * 86_400))
        #expect(row.firstScanAt == fixtureNow.addingTimeInterval(-50 * 3600) && row.deliveredAt == fixtureNow.addingTimeInterval(-2 * 3600))
        // The promise is the order's; the carrier's estimate the one it gave before delivering.
        #expect(row.promisedDate?.description == "2026-11-24" && row.carrierEstimate?.description == "2026-11-21")

        let one = try await store.write { try $0.lanes.model(configuration: configuration) }
        #expect(one.lanes(asOf: fixtureNow).first { $0.key.level == .carrier }?.parcels == 1)

        // Nothing new: two statements (the stored model, an empty page of new rows), the same model.
        let counter = SQLStatementCounter()
        let again = try await Store.$statementCounter.withValue(counter) { try await store.write { try $0.lanes.model(configuration: configuration) } }
        #expect(counter.statements == 2)
        #expect(try Self.json(again) == Self.json(one))

        // Two more deliveries: only they are read and folded in.
        _ = try await Self.deliver(numbers[1], deliveredHoursAgo: 3, store: store)
        _ = try await Self.deliver(numbers[2], deliveredHoursAgo: 26, store: store)
        let three = try await store.write { try $0.lanes.model(configuration: configuration) }
        let carrier = try #require(three.lanes(asOf: fixtureNow).first { $0.key.level == .carrier && $0.key.carrier == "seur" })
        #expect(carrier.parcels == 3)
        // First scans Wednesday 10:00 UTC; deliveries Friday (2 business days) twice, Thursday (1) once.
        #expect(carrier.p50 == 2 && carrier.onTimeRate == 1)
        var expected = LaneModel(configuration: configuration)
        for parcel in try await store.read({ try $0.lanes.deliveries(since: .distantPast) }).parcels { expected.record(parcel) }
        #expect(try Self.json(three) == Self.json(expected))
        // A read folds in memory and saves nothing; the saved model already holds everything.
        #expect(try Self.json(try await store.read { try $0.lanes.model(configuration: configuration) }) == Self.json(expected))
    }

    @Test(arguments: StoreKind.all) func eachIncidentRunSavesTheFoldSoReadsFoldOnlyWhatCameSince(kind: StoreKind) async throws {
        let store = try await kind.open()
        _ = try await store.write {
            try $0.shipments.importRows(
                [ImportRow(line: 2, order: order("M1"), carrier: "seur", trackingNumber: "12345678901234")], dryRun: false, actor: "test", at: fixtureNow)
        }
        let shipment = try await Self.deliver("12345678901234", deliveredHoursAgo: 2, store: store)
        let engine = IncidentEngine(store: store, config: .defaults, registry: try CarrierRegistry.load(directory: PackagePaths.carriers))
        _ = try await engine.run(now: fixtureNow)
        let saved = try await store.unchecked { db in try db.fetchOne(sql: "SELECT last_seq FROM lane_model WHERE id = 1") }
        let seq = try await store.unchecked { db in
            try db.scalar(Int64.self, sql: "SELECT seq FROM deliveries WHERE shipment_id = ? AND folded = 1", arguments: [shipment])
        }
        #expect(try saved.map { row -> Int64 in try row["last_seq"] } == seq && seq != nil)
        // A read afterwards: the saved row's version (the model this store saved, so nothing to
        // decode) and an empty page of new rows, nothing to fold.
        func read() async throws -> (model: LaneModel, statements: Int) {
            let counter = SQLStatementCounter()
            let model = try await Store.$statementCounter.withValue(counter) {
                try await store.read { try $0.lanes.model(configuration: LaneModel.Configuration()) }
            }
            return (model, counter.statements)
        }
        func carrierParcels(_ model: LaneModel) -> Int? { model.lanes(asOf: fixtureNow).first { $0.key.level == .carrier }?.parcels }
        let first = try await read()
        #expect(first.statements == 2 && carrierParcels(first.model) == 1)
        // Another process saves the row (here: its time changes): this store decodes it once, then
        // remembers it again.
        _ = try await store.unchecked { db in try db.execute(sql: "UPDATE lane_model SET updated_at = updated_at + 1") }
        let decoded = try await read(), remembered = try await read()
        let (firstJSON, decodedJSON) = (try Self.json(first.model), try Self.json(decoded.model))
        #expect(decoded.statements == 3 && decodedJSON == firstJSON && remembered.statements == 2)
        // A second delivery, saved by the next run: the read has it.
        _ = try await store.write {
            try $0.shipments.importRows(
                [ImportRow(line: 2, order: order("M2"), carrier: "seur", trackingNumber: "12345678901235")], dryRun: false, actor: "test", at: fixtureNow)
        }
        _ = try await Self.deliver("12345678901235", deliveredHoursAgo: 1, store: store)
        _ = try await engine.run(now: fixtureNow)
        let third = try await read()
        #expect(third.statements == 2 && carrierParcels(third.model) == 2)
    }

    @Test(arguments: StoreKind.all) func anImportedHistoryGivesThePureModelsLanesFoldedInTwoSteps(kind: StoreKind) async throws {
        let store = try await kind.open()
        let history = HistoryGenerator(HistoryGenerator.Configuration(parcels: 3000, days: 60, seed: 7)).generate()
        let configuration = LaneModel.Configuration()
        let half = history.count / 2
        #expect(try await store.write { try $0.lanes.importHistory(Array(history[..<half])) } == half)
        _ = try await store.write { try $0.lanes.model(configuration: configuration) }
        // The whole file again: only the second half is new, and it is folded in alone.
        #expect(try await store.write { try $0.lanes.importHistory(history) } == history.count - half)
        #expect(try await store.write { try $0.lanes.importHistory(history) } == 0)
        let stored = try await store.write { try $0.lanes.model(configuration: configuration) }

        var pure = LaneModel(configuration: configuration)
        for parcel in history { pure.record(parcel) }
        let asOf = try Self.time("2026-11-30T12:00:00Z")
        let lanes = stored.lanes(asOf: asOf)
        #expect(lanes.count > 50)
        #expect(lanes == pure.lanes(asOf: asOf))
        #expect(try Self.json(stored) == Self.json(pure))

        // Paged in delivery order, every parcel once, as imported.
        var read: [DeliveredParcel] = []
        var after: DeliveryPage.Position?
        repeat {
            let page = try await store.read { [after] in try $0.lanes.deliveries(since: .distantPast, after: after, limit: 700) }
            read += page.parcels
            after = page.next
        } while after != nil
        #expect(read.count == history.count && Set(read.map(\.id)).count == history.count)
        #expect(read.map(\.deliveredAt) == read.map(\.deliveredAt).sorted())
        #expect(Set(read) == Set(history))

        // Another window rebuilds the model from every stored delivery.
        let shorter = LaneModel.Configuration(windowDays: 30)
        var pureShort = LaneModel(configuration: shorter)
        for parcel in history { pureShort.record(parcel) }
        #expect(try Self.json(try await store.write { try $0.lanes.model(configuration: shorter) }) == Self.json(pureShort))
    }
}
