import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

/// `Store.orderOverviews`: every order in a line, the same on SQLite and PostgreSQL.
@Suite struct OrderOverviewTests {
    @Test(arguments: StoreKind.all) func eachOrderWithItsParcelsMessagesCasesAndActions(kind: StoreKind) async throws {
        let store = try await IncidentStoreTests.store(kind)  // o1, o2, o3, one SEUR parcel each
        let plan = IncidentStoreTests.plan
        @Sendable func notice(_ key: String, _ template: String, order: String?) -> NoticeDraft {
            NoticeDraft(
                dedupeKey: key, channel: "email", recipient: "anna@example.com", subject: "s", body: "b", language: "pl",
                template: template, dueAt: fixtureNow, orderId: order)
        }
        // o1: damaged or lost, the customer told, a replacement sent.
        let lostTrigger = try await IncidentStoreTests.trigger(store, "10000000000001")
        guard
            case .opened(let lost) = try await store.write({
                try $0.cases.raise(
                    lostTrigger, plan: plan,
                    notice: notice("lost-o1", "damagedOrLost", order: "o1"), at: fixtureNow)
            })
        else {
            Issue.record("not opened"); return
        }
        _ = try await store.write {
            try $0.actions.requestAction(incidentId: lost.id, kind: .reship, amount: nil, state: .pending, actor: "anna", at: fixtureNow)
        }
        _ = try await store.write {
            try $0.cases.linkReplacement(
                incidentId: lost.id, carrier: "seur", trackingNumber: "10000000000099",
                notice: notice("reship-o1", "reshipSent", order: "o1"), promise: ReplacementPromise(config: .defaults),
                actor: "anna", at: fixtureNow)
        }
        // o2: a stalled case, closed as the more severe damaged-or-lost one opens (one problem case
        // per parcel), and a refund proposed on that one.
        let stalled = try await IncidentStoreTests.trigger(store, "10000000000002", kind: .stalled, evidence: "silent since 2026-11-10T10:00:00Z")
        let damage = try await IncidentStoreTests.trigger(store, "10000000000002")
        guard case .opened(let silent) = try await store.write({ try $0.cases.raise(stalled, plan: plan, at: fixtureNow) }),
            case .opened(let damaged) = try await store.write({ try $0.cases.raise(damage, plan: plan, at: fixtureNow) })
        else {
            Issue.record("not opened"); return
        }
        #expect(try await store.read { try $0.cases.incident(id: silent.id) }?.closedAt != nil)
        _ = try await store.write {
            try $0.actions.requestAction(
                incidentId: damaged.id, kind: .refund, amount: Money(minorUnits: 5000, currency: "PLN"), state: .proposed,
                actor: "anna", at: fixtureNow)
        }
        // o3: a milestone still waiting; a staff digest (no order) belongs to nobody.
        try await store.write { try $0.outbox.enqueue(notice("shipped-o3", "shipped", order: "o3"), incidentId: nil) }
        try await store.write { try $0.outbox.enqueue(notice("digest", "escalation", order: nil), incidentId: nil) }
        for claimed in try await store.write(serialized: false, { try $0.outbox.claimNotices(now: fixtureNow, lease: 60, limit: 10) })
        where claimed.template != "shipped" {
            try await store.write(serialized: false) { try $0.outbox.markNoticeSent(id: claimed.id, at: fixtureNow) }
        }

        let all = try await store.read { try $0.cases.orderOverviews(orderId: nil) }
        #expect(all.map(\.orderId) == ["o1", "o2", "o3"])
        let first = all[0], second = all[1], third = all[2]
        #expect(first.parcels.map(\.trackingNumber) == ["10000000000001", "10000000000099"])
        #expect(first.parcels.map(\.replaces) == [nil, "10000000000001"])
        #expect(first.messages == OrderOverview.Messages(sent: 2, sentByTemplate: ["damagedOrLost": 1, "reshipSent": 1], waiting: 0))
        #expect(first.cases == OrderOverview.Cases(opened: 1, openedByKind: ["damagedOrLost": 1]))
        #expect(first.shop.map { "\($0.kind) \($0.state) \($0.replacementNumber ?? "-") \($0.amount ?? "-")" } == ["reship pending 10000000000099 -"])
        #expect(first.value == "129.99 PLN" && first.paidAt == "2026-11-18T12:00:00Z")

        #expect(second.cases == OrderOverview.Cases(opened: 2, openedByKind: ["damagedOrLost": 1, "stalled": 1], closed: 1, closedByKind: ["stalled": 1]))
        #expect(second.shop.map { "\($0.kind) \($0.state) \($0.amount ?? "-")" } == ["refund proposed 50.00 PLN"])
        #expect(second.messages.sent == 0)

        #expect(third.messages == OrderOverview.Messages(sent: 0, sentByTemplate: [:], waiting: 1))
        #expect(third.cases.opened == 0 && third.shop.isEmpty)

        #expect(try await store.read { try $0.cases.orderOverviews(orderId: "o2") } == [second])
        #expect(try await store.read { try $0.cases.orderOverviews(orderId: "nope") }.isEmpty)
    }
}
