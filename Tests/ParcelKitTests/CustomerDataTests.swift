import Curl
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

/// A customer's data rights, in every store implementation.
@Suite struct CustomerDataTests {
    static func store(_ kind: StoreKind) async throws -> (Store, Int64) {
        let store = try await kind.open()
        _ = try await store.write {
            try $0.shipments.importRows(
                [
                    ImportRow(line: 2, order: order("C-1", email: "ewa@example.com"), carrier: "seur", trackingNumber: "20000000000001"),
                    ImportRow(line: 3, order: order("C-2", email: "other@example.com"), carrier: "seur", trackingNumber: "20000000000002"),
                ], dryRun: false, actor: "t", at: fixtureNow)
        }
        let parcel = try #require(try await store.read { try $0.shipments.shipment(carrier: "seur", trackingNumber: "20000000000001") })
        _ = try await store.write(serialized: false) {
            try $0.shipments.apply(
                TrackingUpdate(
                    shipmentID: parcel.id, events: [event("20000000000001", hoursAgo: 2, raw: "Entregado", status: .delivered)],
                    estimatedDelivery: nil, checkedAt: fixtureNow, schedule: .standard))
        }
        try await store.write { try $0.console.addStaff(StaffMember(name: "anna", displayName: "Anna"), actor: "t", at: fixtureNow) }
        let trigger = IncidentTrigger(
            kind: .late, subject: .shipment(id: parcel.id, orderId: "C-1", carrier: "seur", trackingNumber: "20000000000001"),
            evidence: "promised:2026-11-19", summary: "late")
        let plan = IncidentPlanner(config: .defaults).plan(kind: .late, value: nil, now: fixtureNow)
        guard
            case .opened(let incident) = try await store.write({
                try $0.cases.raise(
                    trigger, plan: plan,
                    notice: NoticeDraft(
                        dedupeKey: "k1", channel: "email", recipient: "ewa@example.com", subject: "Opóźnienie", body: "Dzień dobry Ewa", language: "pl",
                        template: "late", dueAt: fixtureNow), at: fixtureNow)
            })
        else { throw StoreError.rejected("no incident opened") }
        _ = try await store.write { try $0.cases.act(.note("INTERNAL: customer sounded upset"), on: incident.id, actor: "anna", at: fixtureNow) }
        return (store, incident.id)
    }

    @Test(arguments: StoreKind.all) func exportHoldsEverythingButStaffNotes(kind: StoreKind) async throws {
        let (store, _) = try await Self.store(kind)
        let export = try await store.read { try $0.customers.customerData(email: "EWA@example.com") }
        #expect(export.orders.map(\.order.id) == ["C-1"])
        let record = try #require(export.orders.first)
        #expect(record.shipments.first?.events.map(\.rawStatus) == ["Entregado"])
        #expect(record.incidents.map(\.kind) == ["late"] && record.notices.map(\.subject) == ["Opóźnienie"])
        let encoder = JSONEncoder()
        let json = String(decoding: try encoder.encode(export), as: UTF8.self)
        #expect(!json.contains("INTERNAL") && !json.contains("anna") && !json.contains("other@example.com"))
    }

    @Test(arguments: StoreKind.all) func erasureKeepsHistoryAndFiguresButNoPersonalData(kind: StoreKind) async throws {
        let (store, incidentId) = try await Self.store(kind)
        #expect(try await store.write { try $0.customers.eraseCustomer(email: "ewa@example.com", actor: "anna", at: fixtureNow) } == 1)
        let erased = try #require(try await store.read { try $0.shipments.order(id: "C-1") })
        #expect(erased.customerName.hasPrefix("erased-") && erased.email.hasSuffix("@erased.invalid") && erased.phone == nil && erased.postcode.isEmpty)
        // Nothing the customer (or anyone) can type proves an erased order: not the old
        // `ERASED` marker, not the erased address, not the old e-mail.
        let tracking = CustomerTracking(store: store, config: .defaults)
        for (postcode, email) in [("ERASED", nil), ("", nil), (nil, erased.email), (nil, "ewa@example.com")] as [(String?, String?)] {
            #expect(try await tracking.lookup(number: "20000000000001", postcode: postcode, email: email, now: fixtureNow) == nil)
        }
        #expect(erased.value == Money(minorUnits: 12999, currency: "PLN"))
        #expect(try await store.read { try $0.customers.customerData(email: "ewa@example.com") }.orders.isEmpty)
        #expect(try await store.read { try $0.shipments.shipments(ShipmentFilter(orderId: "C-1")) }.count == 1)
        #expect(try await store.read { try $0.cases.incident(id: incidentId) } != nil)
        #expect(try await store.read { try $0.outbox.notices(.all, limit: 10) }.allSatisfy { !$0.body.contains("Ewa") && !$0.recipient.contains("ewa@") })
        #expect(try await store.read { try $0.console.auditLog(limit: 5) }.first?.action == "customer.erase")
        #expect(try await store.read { try $0.shipments.order(id: "C-2") }?.email == "other@example.com")
    }

    @Test(arguments: StoreKind.all) func purgeDeletesOnlyOldClosedOrders(kind: StoreKind) async throws {
        let (store, incidentId) = try await Self.store(kind)
        // An open case keeps the delivered order; once resolved and old enough, it goes.
        #expect(try await store.write { try $0.customers.purge(before: fixtureNow.addingTimeInterval(86_400 * 600), actor: "anna", at: fixtureNow) } == 0)
        _ = try await store.write { try $0.cases.act(.resolve(outcome: "delivered late, apologised"), on: incidentId, actor: "anna", at: fixtureNow) }
        #expect(try await store.write { try $0.customers.purge(before: fixtureNow, actor: "anna", at: fixtureNow) } == 0)
        #expect(try await store.write { try $0.customers.purge(before: fixtureNow.addingTimeInterval(86_400 * 600), actor: "anna", at: fixtureNow) } == 1)
        #expect(try await store.read { try $0.shipments.order(id: "C-1") } == nil)
        #expect(try await store.read { try $0.cases.incident(id: incidentId) } == nil)
        #expect(try await store.read { try $0.shipments.order(id: "C-2") } != nil)  // still in transit
        #expect(try await store.read { try $0.console.auditLog(limit: 3) }.first?.action == "purge")
    }
}
