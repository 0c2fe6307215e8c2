import Curl
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

/// One story per order: a parcel has one problem case at a time, cases close when their evidence
/// goes, replacements get their own promise, a refunded order hears no more problems, waiting
/// notices made wrong are superseded, and a customer told of a problem hears the good news.
@Suite struct OneStoryTests {
    static let number = "10000000000101"

    /// A store with staff, one Polish order of one SEUR parcel promised for 2026-11-24, and the
    /// incident engine with the real templates.
    struct World {
        let store: Store
        let engine: IncidentEngine
        let parcel: Shipment

        init(_ kind: StoreKind, promised: String = "2026-11-24", config: ShopConfig = .defaults) async throws {
            store = try await kind.open()
            for name in ["anna", "marek"] {
                try await store.write { try $0.console.addStaff(StaffMember(name: name, displayName: name.capitalized), actor: "setup", at: fixtureNow) }
            }
            var shop = order("S1")
            shop.promisedDate = promised
            _ = try await store.write { [shop] tx in
                try tx.shipments.importRows(
                    [ImportRow(line: 2, order: shop, carrier: "seur", trackingNumber: OneStoryTests.number)],
                    dryRun: false, actor: "setup", at: fixtureNow)
            }
            parcel = try #require(try await store.read { try $0.shipments.shipment(carrier: "seur", trackingNumber: OneStoryTests.number) })
            engine = IncidentEngine(
                store: store, config: config, registry: try CarrierRegistry.load(directory: PackagePaths.carriers),
                templates: try NoticeTemplates())
        }

        /// The carrier reports `events` (their times relative to `fixtureNow`), seen at `at`.
        func track(_ events: [TrackingEvent], at: Date) async throws {
            _ = try await store.write(serialized: false) {
                try $0.shipments.apply(
                    TrackingUpdate(
                        shipmentID: parcel.id, events: events, estimatedDelivery: nil, checkedAt: at, schedule: .standard))
            }
        }

        func cases() async throws -> [Incident] { try await store.read { try $0.cases.incidents(IncidentFilter(openOnly: false)) } }

        func open() async throws -> [Incident] { try await store.read { try $0.cases.incidents(IncidentFilter()) } }

        /// Delivers every due notice as if the mail went out.
        func deliver(at: Date) async throws {
            for notice in try await store.write(serialized: false, { try $0.outbox.claimNotices(now: at, lease: 60, limit: 100) }) {
                try await store.write(serialized: false) { try $0.outbox.markNoticeSent(id: notice.id, at: at) }
            }
        }
    }

    static func hours(_ value: Double) -> Date { fixtureNow.addingTimeInterval(value * 3600) }

    static let inTransit = event(number, hoursAgo: 50, raw: "EN TRANSITO", status: .inTransit)

    @Test(arguments: StoreKind.all)
    func aSevereFindingAbsorbsTheLesserCaseAndLesserFindingsJoinIt(kind: StoreKind) async throws {
        let world = try await World(kind, promised: "2026-11-19")
        try await world.track([Self.inTransit], at: fixtureNow)
        // The promised day has passed: late.
        _ = try await world.engine.run(now: fixtureNow)
        let late = try #require(try await world.open().first)
        #expect(late.kind == .late)
        // The carrier then says damaged or lost: one case, the severe one, with late in its history.
        try await world.track(
            [Self.inTransit, event(Self.number, hoursAgo: -2, raw: "Deterioro o extravío", status: .exception, reason: .damagedOrLost)],
            at: Self.hours(3))
        let summary = try await world.engine.run(now: Self.hours(3))
        let open = try await world.open()
        #expect(open.map(\.kind) == [.damagedOrLost])
        #expect(summary.opened == ["damagedOrLost": 1])
        let absorbed = try #require(try await world.store.read { try $0.cases.incident(id: late.id) })
        #expect(absorbed.status == .absorbed && absorbed.closedAt != nil)
        let severe = try #require(open.first)
        #expect(
            try await world.store.read { try $0.cases.incidentHistory(id: severe.id) }.contains {
                $0.action == "absorbed" && $0.detail == "incident \(late.id) (late)"
            })
        // Days of silence later the lesser findings (stalled, late) join its history, once each, and open nothing.
        for day in [4.0, 5.0] { _ = try await world.engine.run(now: Self.hours(day * 24)) }
        #expect(try await world.open().map(\.id) == [severe.id])
        let joined = try await world.store.read { try $0.cases.incidentHistory(id: severe.id) }.filter {
            $0.action == "absorbed" && $0.detail.hasPrefix("stalled")
        }
        #expect(joined.count == 1)
    }

    @Test(arguments: StoreKind.all)
    func casesCloseThemselvesWhenTheirEvidenceGoesAndEscalateNoMore(kind: StoreKind) async throws {
        let world = try await World(kind, promised: "2026-12-10")
        try await world.track([event(Self.number, hoursAgo: 24 * 6, raw: "EN TRANSITO", status: .inTransit)], at: fixtureNow)
        _ = try await world.engine.run(now: fixtureNow)
        let stalled = try #require(try await world.open().first { $0.kind == .stalled })
        // It moves again: the case closes as resolvedByCarrier, and no clock of it runs after.
        try await world.track(
            [
                event(Self.number, hoursAgo: 24 * 6, raw: "EN TRANSITO", status: .inTransit),
                event(Self.number, hoursAgo: -1, raw: "EN REPARTO", status: .outForDelivery),
            ], at: Self.hours(2))
        let summary = try await world.engine.run(now: Self.hours(2))
        #expect(summary.resolvedByCarrier == 1)
        let closed = try #require(try await world.store.read { try $0.cases.incident(id: stalled.id) })
        #expect(closed.status == .resolvedByCarrier && closed.closedAt != nil)
        #expect(
            try await world.store.read { try $0.cases.incidentHistory(id: stalled.id) }.contains {
                $0.action == "resolvedByCarrier" && $0.detail.hasPrefix("the parcel moved again")
            }
        )
        #expect(try await world.open().isEmpty)
        let later = try await world.engine.run(now: Self.hours(24 * 10))
        #expect(later.escalated == 0)
        #expect(try await world.store.read { try $0.cases.incident(id: stalled.id) }?.breaches.isEmpty == true)
    }

    @Test(arguments: StoreKind.all)
    func aDeliveredParcelClosesItsLateCaseAndTheToldCustomerHearsTheGoodNews(kind: StoreKind) async throws {
        let world = try await World(kind, promised: "2026-11-19")
        try await world.track([Self.inTransit], at: fixtureNow)
        _ = try await world.engine.run(now: fixtureNow)
        try await world.deliver(at: Self.hours(1))
        let late = try #require(try await world.open().first)
        #expect(late.kind == .late)
        try await world.track([Self.inTransit, event(Self.number, hoursAgo: -4, raw: "ENTREGADO", status: .delivered)], at: Self.hours(5))
        _ = try await world.engine.run(now: Self.hours(5))
        #expect(try await world.store.read { try $0.cases.incident(id: late.id) }?.status == .resolvedByCarrier)
        let news = try await world.store.read { try $0.outbox.notices(.pending, limit: 10) }.filter { $0.template == "goodNews" }
        #expect(news.count == 1)
        #expect(news.first?.language == "pl" && news.first?.subject.contains("S1") == true && news.first?.body.contains("doręczona") == true)
        // Running again sends nothing more.
        _ = try await world.engine.run(now: Self.hours(6))
        #expect(try await world.store.read { try $0.outbox.notices(.all, limit: 50) }.filter { $0.template == "goodNews" }.count == 1)
    }

    @Test(arguments: StoreKind.all)
    func aCustomerWhoWasNeverToldHearsNoGoodNewsAndTheUnsentProblemNoticeIsSuperseded(kind: StoreKind) async throws {
        let world = try await World(kind, promised: "2026-11-19")
        try await world.track([Self.inTransit], at: fixtureNow)
        _ = try await world.engine.run(now: fixtureNow)
        let waiting = try #require(try await world.store.read { try $0.outbox.notices(.pending, limit: 10) }.first { $0.template == "late" })
        // Delivered before the late notice went out: it is never sent, and there is no good news to tell.
        try await world.track([Self.inTransit, event(Self.number, hoursAgo: -1, raw: "ENTREGADO", status: .delivered)], at: Self.hours(1))
        _ = try await world.engine.run(now: Self.hours(1))
        #expect(try await world.store.read { try $0.outbox.notices(.pending, limit: 10) }.isEmpty)
        let superseded = try await world.store.read { try $0.outbox.notices(.superseded, limit: 10) }
        #expect(superseded.map(\.id) == [waiting.id])
        #expect(try await world.store.write(serialized: false) { try $0.outbox.claimNotices(now: Self.hours(48), lease: 60, limit: 10) }.isEmpty)
    }

    @Test(arguments: StoreKind.all)
    func aNewerNoticeForTheOrderSupersedesOneStillWaiting(kind: StoreKind) async throws {
        let world = try await World(kind)
        let composer = NoticeComposer(templates: try NoticeTemplates(), config: .defaults, carrierNames: [:])
        let order = try #require(try await world.store.read { try $0.shipments.order(id: "S1") })
        let shipped = try composer.milestone(
            "shipped", dedupeKey: "shipped:test", order: order, shipment: world.parcel,
            nextUpdateBy: Self.hours(24), now: fixtureNow)
        try await world.store.write { try $0.outbox.enqueue(shipped, incidentId: nil) }
        let delivering = try composer.milestone(
            "outForDelivery", dedupeKey: "ofd:test", order: order, shipment: world.parcel,
            nextUpdateBy: Self.hours(24), now: Self.hours(1))
        try await world.store.write { try $0.outbox.enqueue(delivering, incidentId: nil) }
        let pending = try await world.store.read { try $0.outbox.notices(.pending, limit: 10) }
        #expect(pending.map(\.template) == ["outForDelivery"])
        let merged = try await world.store.read { try $0.outbox.notices(.superseded, limit: 10) }
        #expect(merged.map(\.template) == ["shipped"] && merged.first?.supersededBy == pending.first?.id)
        // A follow-up carries no news of its own: it supersedes nothing but an older follow-up.
        let update = try composer.milestone(
            "stillWorking", dedupeKey: "update:test", order: order, shipment: world.parcel,
            nextUpdateBy: Self.hours(24), now: Self.hours(2))
        try await world.store.write { try $0.outbox.enqueue(update, incidentId: nil) }
        #expect(try await world.store.read { try $0.outbox.notices(.pending, limit: 10) }.map(\.template).sorted() == ["outForDelivery", "stillWorking"])
    }

    @Test func whatANoticeSupersedes() {
        #expect(NoticeSupersession(template: "stillWorking").templates == ["stillWorking"])
        #expect(NoticeSupersession(template: "late").templates == ["shipped", "outForDelivery", "stillWorking"])
        #expect(!NoticeSupersession(template: "reshipSent").templates.contains("damagedOrLost"))
        let refund = NoticeSupersession(template: "refundIssued")
        #expect(refund.templates.contains("late") && refund.templates.contains("reshipSent") && refund.keepsTheProblemItAnswers)
        #expect(NoticeSupersession(template: "shipped").templates.isEmpty)
    }

    @Test(arguments: StoreKind.all)
    func aRefundedOrderHearsNoMoreProblemsButStaffStillWatchIt(kind: StoreKind) async throws {
        let world = try await World(kind, promised: "2026-11-19")
        try await world.track([Self.inTransit], at: fixtureNow)
        _ = try await world.engine.run(now: fixtureNow)
        let late = try #require(try await world.open().first)
        let refund = try await world.store.write {
            try $0.actions.requestAction(incidentId: late.id, kind: .refund, amount: nil, state: .pending, actor: "anna", at: Self.hours(1))
        }
        try await world.store.write { try $0.actions.completeAction(id: refund.id, result: "ok", notice: nil, at: Self.hours(1)) }
        try await world.deliver(at: Self.hours(2))
        let sentBefore = try await world.store.read { try $0.outbox.notices(.all, limit: 50) }.count
        // The parcel then comes back to the shop: a case for staff, no word to the customer.
        try await world.track([Self.inTransit, event(Self.number, hoursAgo: -3, raw: "DEVOLUCION AL REMITENTE", status: .returning)], at: Self.hours(4))
        _ = try await world.engine.run(now: Self.hours(4))
        let returned = try #require(try await world.open().first { $0.kind == .returnedToSender })
        #expect(!returned.customerFacing && returned.noticeDue == nil)
        #expect(
            try await world.store.read { try $0.cases.incidentHistory(id: returned.id) }.contains { $0.action == "staffOnly" && $0.detail.contains("refunded") }
        )
        #expect(try await world.store.read { try $0.outbox.notices(.all, limit: 50) }.count == sentBefore)
    }

    @Test(arguments: StoreKind.all)
    func aReplacementIsJudgedAgainstItsOwnPromiseAndItsOriginalHearsNoLate(kind: StoreKind) async throws {
        var config = ShopConfig.defaults
        config.policy.reshipPromiseDays = 4
        let world = try await World(kind, promised: "2026-11-21", config: config)
        try await world.track(
            [Self.inTransit, event(Self.number, hoursAgo: 2, raw: "Deterioro o extravío", status: .exception, reason: .damagedOrLost)],
            at: fixtureNow)
        _ = try await world.engine.run(now: fixtureNow)
        let damaged = try #require(try await world.open().first)
        _ = try await world.store.write {
            try $0.actions.requestAction(incidentId: damaged.id, kind: .reship, amount: nil, state: .pending, actor: "policy", at: fixtureNow)
        }
        let replacement = try await world.store.write { [config] tx in
            try tx.cases.linkReplacement(
                incidentId: damaged.id, carrier: "seur", trackingNumber: "10000000000202", notice: nil,
                promise: ReplacementPromise(config: config), actor: "workflow", at: Self.hours(1))
        }
        #expect(replacement.promisedDate == "2026-11-24" && replacement.replacesShipmentId == world.parcel.id)
        // Past the order's promise (21st) but within the replacement's (24th): nobody is late.
        _ = try await world.engine.run(now: Self.hours(24 * 2))
        #expect(try await world.open().filter { $0.kind == .late }.isEmpty)
        // Past the replacement's own promise: its late case names the replacement.
        _ = try await world.engine.run(now: Self.hours(24 * 5))
        let late = try await world.open().filter { $0.kind == .late }
        #expect(late.map(\.trackingNumber) == ["10000000000202"])
    }

    @Test func theReplacementPromiseIsTheOriginalLeadTimeUnlessConfigured() throws {
        let zone = try #require(TimeZone(identifier: "Europe/Warsaw"))
        var config = ShopConfig.defaults
        config.timeZone = zone
        let lead = ReplacementPromise(config: config)
        // First scan on the 17th, promised for the 21st: four days again from the 22nd.
        #expect(lead.date(now: Self.hours(48), dispatched: fixtureNow.addingTimeInterval(-3 * 86_400), promised: "2026-11-21") == "2026-11-26")
        #expect(lead.date(now: fixtureNow, dispatched: nil, promised: "2026-11-21") == nil)
        config.policy.reshipPromiseDays = 3
        #expect(ReplacementPromise(config: config).date(now: fixtureNow, dispatched: nil, promised: nil) == "2026-11-23")
        #expect(try ShopConfig.parse(yaml: "incidents: { reship_promise_days: 5 }", file: "p.yaml").policy.reshipPromiseDays == 5)
    }

    @Test(arguments: StoreKind.all)
    func aParcelThatReappearsAfterItsReshipIsFlaggedOnceInsteadOfClosed(kind: StoreKind) async throws {
        let world = try await World(kind, promised: "2026-12-10")
        try await world.track([event(Self.number, hoursAgo: 24 * 12, raw: "EN TRANSITO", status: .inTransit)], at: fixtureNow)
        _ = try await world.engine.run(now: fixtureNow)
        let lost = try #require(try await world.open().first { $0.kind == .lost })
        _ = try await world.store.write {
            try $0.actions.requestAction(incidentId: lost.id, kind: .reship, amount: nil, state: .pending, actor: "policy", at: fixtureNow)
        }
        try await world.track(
            [
                event(Self.number, hoursAgo: 24 * 12, raw: "EN TRANSITO", status: .inTransit),
                event(Self.number, hoursAgo: -1, raw: "ENTREGADO", status: .delivered),
            ], at: Self.hours(2))
        for hour in [2.0, 3.0] { _ = try await world.engine.run(now: Self.hours(hour)) }
        #expect(try await world.store.read { try $0.cases.incident(id: lost.id) }?.status.isClosed == false)
        #expect(try await world.store.read { try $0.cases.incidentHistory(id: lost.id) }.filter { $0.action == "flagged" }.count == 1)
    }

    @Test(arguments: StoreKind.all)
    func afterTheReplacementShipsEverySurfaceNamesItAndNothingSaysWeArePreparing(kind: StoreKind) async throws {
        let world = try await World(kind)
        try await world.track(
            [Self.inTransit, event(Self.number, hoursAgo: 2, raw: "Deterioro o extravío", status: .exception, reason: .damagedOrLost)],
            at: fixtureNow)
        _ = try await world.engine.run(now: fixtureNow)
        let damaged = try #require(try await world.open().first)
        let tracking = CustomerTracking(store: world.store, config: .defaults)
        // The shop's policy replaces a parcel this cheap at once: the customer reads that, not "we are sorting it out".
        let before = try #require(try await tracking.lookup(number: Self.number, postcode: "00-950", email: nil, now: fixtureNow))
        #expect(before.incident?.message == "Wysyłamy przesyłkę zastępczą; jej numer podamy, gdy tylko zostanie nadana.")
        let reship = try await world.store.write {
            try $0.actions.requestAction(incidentId: damaged.id, kind: .reship, amount: nil, state: .pending, actor: "policy", at: fixtureNow)
        }
        try await world.store.write { try $0.actions.completeAction(id: reship.id, result: "ok", notice: nil, at: Self.hours(1)) }
        _ = try await world.store.write {
            try $0.cases.linkReplacement(
                incidentId: damaged.id, carrier: "seur", trackingNumber: "10000000000303", notice: nil,
                promise: ReplacementPromise(config: .defaults), actor: "workflow", at: Self.hours(1))
        }
        let after = try #require(try await tracking.lookup(number: Self.number, postcode: "00-950", email: nil, now: Self.hours(2)))
        #expect(after.incident?.message == "Wysłaliśmy przesyłkę zastępczą: seur 10000000000303.")
        let story = try #require(after.order)
        #expect(story.parcels.map(\.trackingNumber) == [Self.number, "10000000000303"] && story.parcels.map(\.replacement) == [false, true])
        #expect(story.shop == [OrderStory.ShopAction(kind: "reship", state: "done", amount: nil, carrier: "seur", trackingNumber: "10000000000303")])
        // A notice written now states the same: the replacement and its number.
        let composer = NoticeComposer(templates: try NoticeTemplates(), config: .defaults, carrierNames: ["seur": "SEUR"])
        let order = try #require(try await world.store.read { try $0.shipments.order(id: "S1") })
        let update = try composer.milestone(
            "stillWorking", dedupeKey: "t", order: order, shipment: world.parcel, nextUpdateBy: Self.hours(24),
            now: Self.hours(2), story: story)
        #expect(update.body.contains("Twoje zamówienie:\n• SEUR \(Self.number): Problem w transporcie\n"))
        #expect(update.body.contains("• SEUR 10000000000303 (przesyłka zastępcza): Czeka na przewoźnika, spodziewana 26.11.2026"))
        #expect(update.body.contains("• Wysłaliśmy przesyłkę zastępczą: SEUR 10000000000303."))
    }

    @Test func aReplacementsShippedNoticeNamesItsOwnPromisedDay() throws {
        let composer = NoticeComposer(templates: try NoticeTemplates(), config: .defaults, carrierNames: [:])
        var shop = order("S9")
        shop.promisedDate = "2026-11-22"
        var replacement = Shipment(id: 2, orderId: "S9", carrier: "seur", trackingNumber: "10000000000909", status: .inTransit)
        replacement.promisedDate = "2026-11-26"
        replacement.replacesShipmentId = 1
        let shipped = try composer.milestone("shipped", dedupeKey: "s", order: shop, shipment: replacement, nextUpdateBy: fixtureNow, now: fixtureNow)
        #expect(shipped.body.contains("26.11.2026") && !shipped.body.contains("22.11.2026"), "\(shipped.body)")
    }
}
