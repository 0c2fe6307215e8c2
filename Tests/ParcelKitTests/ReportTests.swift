import Curl
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

/// The shop report over a small store whose every figure is known, in every store implementation.
@Suite struct ReportTests {
    /// Builds a store through the public API as the sweep, the engine and staff would.
    struct Shop {
        let store: Store
        let planner = IncidentPlanner(config: .defaults)

        init(_ kind: StoreKind) async throws {
            store = try await kind.open()
            try await store.write { try $0.console.addStaff(StaffMember(name: "anna", displayName: "Anna"), actor: "t", at: fixtureNow) }
        }

        /// Imports one order with one parcel, created at `created`.
        func parcel(
            _ carrier: String, _ number: String, order id: String, promised: String?, value: Int64, currency: String,
            created: String
        ) async throws -> Shipment {
            var theOrder = order(id, email: "\(id.lowercased())@example.com", value: value)
            theOrder.promisedDate = promised
            theOrder.value.currency = currency
            _ = try await store.write { [theOrder] tx in
                try tx.shipments.importRows(
                    [ImportRow(line: 2, order: theOrder, carrier: carrier, trackingNumber: number)],
                    dryRun: false, actor: "t", at: try time(created))
            }
            return try #require(try await store.read { try $0.shipments.shipment(carrier: carrier, trackingNumber: number) })
        }

        /// Stores carrier events for a parcel, as a sweep would.
        func scans(_ parcel: Shipment, _ events: [(String, String, TrackingStatus, ExceptionReason?)]) async throws {
            let list = try events.map { at, raw, status, reason in
                TrackingEvent(
                    carrier: parcel.carrier, trackingNumber: parcel.trackingNumber, time: CarrierTime(date: try time(at), offsetSeconds: 3600),
                    rawStatus: raw, rawCode: nil, status: status, reason: reason, location: "WARSZAWA")
            }
            _ = try await store.write(serialized: false) {
                try $0.shipments.apply(
                    TrackingUpdate(
                        shipmentID: parcel.id, events: list, estimatedDelivery: nil, checkedAt: fixtureNow, schedule: .standard))
            }
        }

        /// Opens a case about `parcel` at `opened`, with its customer notice queued when customer-facing.
        func open(_ kind: IncidentKind, _ parcel: Shipment, at opened: String, evidence: String? = nil) async throws -> Incident {
            let at = try time(opened)
            let trigger = IncidentTrigger(
                kind: kind,
                subject: .shipment(
                    id: parcel.id, orderId: parcel.orderId, carrier: parcel.carrier,
                    trackingNumber: parcel.trackingNumber),
                evidence: evidence ?? "\(kind.rawValue):\(parcel.id)", summary: kind.rawValue)
            let plan = planner.plan(kind: kind, value: nil, now: at)
            let notice =
                plan.customerFacing
                ? NoticeDraft(
                    dedupeKey: "\(kind.rawValue):\(parcel.id)", channel: "email", recipient: "c@example.com", subject: kind.rawValue,
                    body: "…", language: "pl", template: kind.rawValue, dueAt: at)
                : nil
            guard case .opened(let incident) = try await store.write({ try $0.cases.raise(trigger, plan: plan, notice: notice, at: at) }) else {
                throw StoreError.rejected("no case opened for \(kind.rawValue)")
            }
            return incident
        }

        /// Delivers the case's queued notice at `sent`: the customer has heard.
        func notify(_ incident: Incident, at sent: String) async throws {
            let notice = try #require(try await store.read { try $0.outbox.notices(.pending, limit: 100) }.first { $0.incidentId == incident.id })
            try await store.write(serialized: false) { try $0.outbox.markNoticeSent(id: notice.id, at: try time(sent)) }
        }

        /// A staff note at `at`: the case's first touch.
        func touch(_ incident: Incident, at: String) async throws {
            _ = try await store.write { try $0.cases.act(.note("called the carrier"), on: incident.id, actor: "anna", at: try time(at)) }
        }

        /// An action requested and then acknowledged by the shop's backend (`done`), or left in `state`.
        func action(_ kind: ActionKind, on incident: Incident, amount: Money?, state: ActionState = .done) async throws {
            let action = try await store.write {
                try $0.actions.requestAction(
                    incidentId: incident.id, kind: kind, amount: amount,
                    state: state == .done ? .pending : state, actor: "policy", at: incident.detectedAt)
            }
            if state == .done {
                try await store.write {
                    try $0.actions.completeAction(id: action.id, result: "ok", notice: nil, at: incident.detectedAt.addingTimeInterval(600))
                }
            }
        }
    }

    static func time(_ text: String) throws -> Date {
        try #require(ISO8601DateFormatter().date(from: text))
    }

    static let warsaw = TimeZone(identifier: "Europe/Warsaw")

    /// Two carriers, nine parcels (one before the window), eight cases (one before the window),
    /// notices, staff touches, escalations and actions, all at known times.
    /// `fixtureNow` is Friday 2026-11-20 12:00 UTC; the window starts 30 days before it.
    static func knownShop(_ kind: StoreKind) async throws -> Shop {
        let shop = try await Shop(kind)
        let created = "2026-11-10T12:00:00Z"
        // seur: S1 at 23:30 Warsaw on the promised day (on time), S2 first delivered on the day and again the day after
        // (the first counts: on time), S3 at 00:30 Warsaw the day after (late, although still the promised day in UTC),
        // S4 delivered without a promise (not judged), S5 damaged, S6 lost.
        let s1 = try await shop.parcel("seur", "S1", order: "A1", promised: "2026-11-18", value: 5000, currency: "PLN", created: created)
        let s2 = try await shop.parcel("seur", "S2", order: "A2", promised: "2026-11-18", value: 5000, currency: "PLN", created: created)
        let s3 = try await shop.parcel("seur", "S3", order: "A3", promised: "2026-11-18", value: 5000, currency: "PLN", created: created)
        let s4 = try await shop.parcel("seur", "S4", order: "A4", promised: nil, value: 5000, currency: "PLN", created: created)
        let s5 = try await shop.parcel("seur", "S5", order: "A5", promised: "2026-11-24", value: 12999, currency: "PLN", created: created)
        let s6 = try await shop.parcel("seur", "S6", order: "A6", promised: "2026-11-24", value: 7500, currency: "PLN", created: created)
        try await shop.scans(s1, [("2026-11-18T22:30:00Z", "Entregado", .delivered, nil)])
        try await shop.scans(s2, [("2026-11-18T10:00:00Z", "Entregado", .delivered, nil), ("2026-11-19T10:00:00Z", "Entregado de nuevo", .delivered, nil)])
        try await shop.scans(s3, [("2026-11-18T23:30:00Z", "Entregado", .delivered, nil)])
        try await shop.scans(s4, [("2026-11-17T10:00:00Z", "Entregado", .delivered, nil)])
        try await shop.scans(s5, [("2026-11-15T10:00:00Z", "Expedición deteriorada", .exception, .damaged)])
        try await shop.scans(s6, [("2026-11-16T10:00:00Z", "Expedición extraviada", .exception, .lost)])
        // inpost: I1 damaged and then delivered on time; I2 silent with a (presumed) lost case; I3 said lost, then turned up
        // late (so not lost), and its customer reported it damaged on arrival.
        let i1 = try await shop.parcel("inpost", "I1", order: "B1", promised: "2026-11-18", value: 3000, currency: "EUR", created: created)
        let i2 = try await shop.parcel("inpost", "I2", order: "B2", promised: "2026-11-18", value: 4000, currency: "EUR", created: created)
        let i3 = try await shop.parcel("inpost", "I3", order: "B3", promised: "2026-11-18", value: 2500, currency: "EUR", created: created)
        try await shop.scans(i1, [("2026-11-15T10:00:00Z", "Uszkodzona", .exception, .damaged), ("2026-11-17T10:00:00Z", "Dostarczona", .delivered, nil)])
        try await shop.scans(i3, [("2026-11-16T10:00:00Z", "Zagubiona", .exception, .lost), ("2026-11-19T10:00:00Z", "Dostarczona", .delivered, nil)])
        // Before the window: a damaged, late parcel with its case and a refund; none of it may count.
        let old = try await shop.parcel("seur", "O1", order: "O-1", promised: "2026-10-12", value: 9900, currency: "PLN", created: "2026-10-11T12:00:00Z")
        try await shop.scans(
            old, [("2026-10-11T15:00:00Z", "Expedición deteriorada", .exception, .damaged), ("2026-10-14T10:00:00Z", "Entregado", .delivered, nil)])
        let x6 = try await shop.open(.damaged, old, at: "2026-10-12T09:00:00Z")
        try await shop.action(.refund, on: x6, amount: Money(minorUnits: 9900, currency: "PLN"))

        // Cases in the window (customer notice due 1 working hour after opening, first touch 1 business day, resolution per kind).
        let x7 = try await shop.open(.addressIssue, s1, at: "2026-11-12T09:00:00Z")  // told in 600 s, touched and resolved in time
        try await shop.notify(x7, at: "2026-11-12T09:10:00Z")
        try await shop.touch(x7, at: "2026-11-12T09:30:00Z")
        _ = try await shop.store.write { try $0.cases.act(.resolve(outcome: "address fixed"), on: x7.id, actor: "anna", at: try time("2026-11-12T10:00:00Z")) }
        let x5 = try await shop.open(.stalled, i3, at: "2026-11-12T09:00:00Z")  // staff only: no notice clock; resolved in time
        _ = try await shop.store.write { try $0.cases.act(.resolve(outcome: "moving again"), on: x5.id, actor: "anna", at: try time("2026-11-12T10:00:00Z")) }
        let x1 = try await shop.open(.damaged, s5, at: "2026-11-16T09:00:00Z")  // told in 1200 s, touched; resolution due Wed: breached
        try await shop.notify(x1, at: "2026-11-16T09:20:00Z")
        try await shop.touch(x1, at: "2026-11-16T09:30:00Z")
        let x2 = try await shop.open(.lost, s6, at: "2026-11-17T09:00:00Z")  // told in 3000 s; never touched; resolution due Fri 09:00 UTC
        try await shop.notify(x2, at: "2026-11-17T09:50:00Z")
        let x3 = try await shop.open(.lost, i2, at: "2026-11-18T09:00:00Z")  // told in 7200 s (late); touched late
        try await shop.notify(x3, at: "2026-11-18T11:00:00Z")
        let x4 = try await shop.open(.late, s3, at: "2026-11-19T09:00:00Z")  // never told, never touched
        _ = try await shop.store.write { try $0.cases.escalate(now: try time("2026-11-19T09:30:00Z")) }
        try await shop.touch(x3, at: "2026-11-19T10:00:00Z")
        let x8 = try await shop.open(
            .customerReport, i3, at: "2026-11-20T11:30:00Z",  // every clock still running
            evidence: "report:damagedOnArrival:2026-11-20T11:30:00Z")
        _ = try await shop.store.write { try $0.cases.escalate(now: fixtureNow) }

        // Money: done actions count; pending, proposed and carrier claims do not.
        try await shop.action(.reship, on: x1, amount: nil)  // PLN order value 129.99
        try await shop.action(.refund, on: x2, amount: Money(minorUnits: 5000, currency: "PLN"))  // 50.00 of a 75.00 order
        try await shop.action(.carrierClaim, on: x2, amount: nil)
        try await shop.action(.refund, on: x3, amount: nil)  // no amount: the order's 40.00 EUR
        try await shop.action(.reship, on: x3, amount: nil)  // EUR order value 40.00
        try await shop.action(.compensate, on: x4, amount: Money(minorUnits: 1000, currency: "PLN"))
        try await shop.action(.refund, on: x4, amount: Money(minorUnits: 2000, currency: "PLN"), state: .proposed)
        try await shop.action(.compensate, on: x8, amount: Money(minorUnits: 500, currency: "EUR"), state: .pending)
        return shop
    }

    @Test(arguments: StoreKind.all) func carriersAreJudgedOnTimeInTheShopsZoneWithDamageAndLoss(kind: StoreKind) async throws {
        let shop = try await Self.knownShop(kind)
        let zone = try #require(Self.warsaw)
        let since = fixtureNow.addingTimeInterval(-30 * 86_400)
        let report = try await shop.store.read { try $0.reports.report(since: since, now: fixtureNow, timeZone: zone) }
        #expect(report.since == since && report.generatedAt == fixtureNow && report.timeZone == "Europe/Warsaw")
        #expect(
            report.carriers == [
                ShopReport.CarrierFigures(carrier: "inpost", shipments: 3, delivered: 2, deliveredWithPromise: 2, onTime: 1, damaged: 2, lost: 1),
                ShopReport.CarrierFigures(carrier: "seur", shipments: 6, delivered: 4, deliveredWithPromise: 3, onTime: 2, damaged: 1, lost: 1),
            ])
        let seur = try #require(report.carriers.last)
        #expect(seur.onTimeRate == 2.0 / 3.0 && seur.damageRate == 1.0 / 6.0 && seur.lossRate == 1.0 / 6.0)
        let inpost = try #require(report.carriers.first)
        #expect(inpost.onTimeRate == 0.5 && inpost.damageRate == 2.0 / 3.0 && inpost.lossRate == 1.0 / 3.0)

        // Judged in UTC, S3 (23:30 UTC on the promised day) would have been on time: the zone matters.
        let utc = try await shop.store.read { try $0.reports.report(since: since, now: fixtureNow, timeZone: try #require(TimeZone(identifier: "UTC"))) }
        #expect(utc.carriers.last?.onTime == 3)

        // A window starting before the old parcel takes it in: one more seur parcel, delivered late and damaged.
        let wide = try await shop.store.read { try $0.reports.report(since: try Self.time("2026-10-01T00:00:00Z"), now: fixtureNow, timeZone: zone) }
        #expect(
            wide.carriers.last
                == ShopReport.CarrierFigures(
                    carrier: "seur", shipments: 7, delivered: 5, deliveredWithPromise: 4, onTime: 2,
                    damaged: 2, lost: 1))
    }

    @Test(arguments: StoreKind.all) func casesNoticeTimesSLAAndMoneyOfTheWindow(kind: StoreKind) async throws {
        let shop = try await Self.knownShop(kind)
        let report = try await shop.store.read {
            try $0.reports.report(
                since: fixtureNow.addingTimeInterval(-30 * 86_400), now: fixtureNow,
                timeZone: try #require(Self.warsaw))
        }
        #expect(
            report.incidents == [
                ShopReport.IncidentCount(kind: "addressIssue", opened: 1, stillOpen: 0),
                ShopReport.IncidentCount(kind: "customerReport", opened: 1, stillOpen: 1),
                ShopReport.IncidentCount(kind: "damaged", opened: 1, stillOpen: 1),
                ShopReport.IncidentCount(kind: "late", opened: 1, stillOpen: 1),
                ShopReport.IncidentCount(kind: "lost", opened: 2, stillOpen: 2),
                ShopReport.IncidentCount(kind: "stalled", opened: 1, stillOpen: 0),
            ])
        // Six customer-facing cases, four told after 600, 1200, 3000 and 7200 seconds: the median is (1200 + 3000) / 2.
        #expect(report.firstNotice == ShopReport.FirstNotice(customerFacing: 6, notified: 4, medianSeconds: 2100))
        // notice: late (x3) and never (x4); first touch: never (x2, x4) and late (x3); resolution: x1 and x2 overdue.
        #expect(
            report.sla == [
                ShopReport.ClockCompliance(clock: .notice, cases: 6, breached: 2),
                ShopReport.ClockCompliance(clock: .firstTouch, cases: 7, breached: 3),
                ShopReport.ClockCompliance(clock: .resolution, cases: 7, breached: 2),
            ])
        #expect(report.sla.map(\.compliance) == [4.0 / 6.0, 4.0 / 7.0, 5.0 / 7.0])
        #expect(
            report.money == [
                ShopReport.CurrencyTotals(currency: "EUR", refunds: 1, refundedMinor: 4000, reships: 1, reshippedValueMinor: 4000),
                ShopReport.CurrencyTotals(
                    currency: "PLN", refunds: 1, refundedMinor: 5000, compensations: 1, compensatedMinor: 1000,
                    reships: 1, reshippedValueMinor: 12999),
            ])

        // The JSON shape: every key present, nulls included, times as ISO text; and it reads back.
        let data = try JSONEncoder().encode(report)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["since", "generatedAt", "timeZone", "carriers", "incidents", "firstNotice", "sla", "money"])
        #expect(object["since"] as? String == "2026-10-21T12:00:00Z")
        let carrier = try #require((object["carriers"] as? [[String: Any]])?.first)
        #expect(
            Set(carrier.keys) == [
                "carrier", "shipments", "delivered", "deliveredWithPromise", "onTime", "deliveredLate", "lateUndelivered",
                "judged", "late", "onTimeRate", "damaged", "damageRate", "lost", "lossRate",
            ])
        #expect(try JSONDecoder().decode(ShopReport.self, from: data) == report)
    }

    @Test(arguments: StoreKind.all) func undeliveredParcelsPastTheirPromiseAreLateToo(kind: StoreKind) async throws {
        let shop = try await Shop(kind)
        let created = "2026-11-10T12:00:00Z"
        func parcel(_ number: String, promised: String) async throws -> Shipment {
            try await shop.parcel("dpd", number, order: "T-\(number)", promised: promised, value: 1000, currency: "PLN", created: created)
        }
        // Now is Friday 2026-11-20 (Warsaw). T1 delivered on its day, T2 the day after, T3 not delivered a day after its
        // promise, T4 not delivered on its promised day, which is not over yet.
        let t1 = try await parcel("T1", promised: "2026-11-18")
        let t2 = try await parcel("T2", promised: "2026-11-18")
        let t3 = try await parcel("T3", promised: "2026-11-19")
        let t4 = try await parcel("T4", promised: "2026-11-20")
        try await shop.scans(t1, [("2026-11-17T10:00:00Z", "W drodze", .inTransit, nil), ("2026-11-18T10:00:00Z", "Doręczona", .delivered, nil)])
        try await shop.scans(t2, [("2026-11-17T10:00:00Z", "W drodze", .inTransit, nil), ("2026-11-19T10:00:00Z", "Doręczona", .delivered, nil)])
        try await shop.scans(t3, [("2026-11-17T10:00:00Z", "W drodze", .inTransit, nil)])
        try await shop.scans(t4, [("2026-11-19T10:00:00Z", "W drodze", .inTransit, nil)])
        let zone = try #require(Self.warsaw)
        let since = try Self.time("2026-11-01T00:00:00Z")
        let report = try await shop.store.read { try $0.reports.report(since: since, now: fixtureNow, timeZone: zone) }
        let dpd = try #require(report.carriers.first)
        #expect(
            dpd
                == ShopReport.CarrierFigures(
                    carrier: "dpd", shipments: 4, delivered: 2, deliveredWithPromise: 2, onTime: 1, lateUndelivered: 1,
                    damaged: 0, lost: 0))
        // On time 1 of 3 judged (T1, T2, T3; T4's day is not over); late 2: one delivered late, one not delivered.
        #expect(dpd.judged == 3 && dpd.onTimeRate == 1.0 / 3.0 && dpd.late == 2 && dpd.deliveredLate == 1)

        // "Today" is the shop's: at 23:30 UTC on the 19th it is already the 20th in Warsaw (T3 late), not yet in UTC.
        let lateEvening = try Self.time("2026-11-19T23:30:00Z")
        #expect(try await shop.store.read { try $0.reports.report(since: since, now: lateEvening, timeZone: zone) }.carriers.first?.lateUndelivered == 1)
        let utc = try #require(TimeZone(identifier: "UTC"))
        #expect(try await shop.store.read { try $0.reports.report(since: since, now: lateEvening, timeZone: utc) }.carriers.first?.lateUndelivered == 0)

        // Past their promise but no longer owed as they are: a cancelled order, a parcel returned to the sender, a
        // refunded order, a reshipped parcel. None of them is judged.
        let cancelled = try await parcel("T5", promised: "2026-11-17")
        let returned = try await parcel("T6", promised: "2026-11-17")
        let refunded = try await parcel("T7", promised: "2026-11-17")
        let reshipped = try await parcel("T8", promised: "2026-11-17")
        for parcel in [cancelled, refunded, reshipped] { try await shop.scans(parcel, [("2026-11-16T10:00:00Z", "W drodze", .inTransit, nil)]) }
        try await shop.scans(returned, [("2026-11-16T10:00:00Z", "W drodze", .inTransit, nil), ("2026-11-18T10:00:00Z", "Zwrot do nadawcy", .returned, nil)])
        #expect(try await shop.store.write { try $0.shipments.cancelOrder(id: cancelled.orderId, actor: "t", at: try Self.time("2026-11-18T08:00:00Z")) })
        try await shop.action(.refund, on: try await shop.open(.late, refunded, at: "2026-11-18T09:00:00Z"), amount: nil)
        try await shop.action(.reship, on: try await shop.open(.stalled, reshipped, at: "2026-11-18T09:00:00Z"), amount: nil, state: .pending)
        let settled = try #require(try await shop.store.read { try $0.reports.report(since: since, now: fixtureNow, timeZone: zone) }.carriers.first)
        #expect(settled.shipments == 8 && settled.lateUndelivered == 1 && settled.judged == 3 && settled.onTimeRate == 1.0 / 3.0)

        let json = try #require(try JSONSerialization.jsonObject(with: try JSONEncoder().encode(report)) as? [String: Any])
        let figures = try #require((json["carriers"] as? [[String: Any]])?.first)
        #expect(
            figures["onTime"] as? Int == 1 && figures["deliveredLate"] as? Int == 1 && figures["lateUndelivered"] as? Int == 1
                && figures["judged"] as? Int == 3 && figures["late"] as? Int == 2)
        #expect(try JSONDecoder().decode(ShopReport.self, from: try JSONEncoder().encode(report)) == report)
    }

    @Test(arguments: StoreKind.all) func falseAlarmsAndFoundParcelsAreNoLossesAndEmptyFiguresAreNull(kind: StoreKind) async throws {
        let shop = try await Shop(kind)
        let created = "2026-11-10T12:00:00Z"
        let l1 = try await shop.parcel("dpd", "L1", order: "L-1", promised: nil, value: 1000, currency: "PLN", created: created)
        let l2 = try await shop.parcel("dpd", "L2", order: "L-2", promised: nil, value: 1000, currency: "PLN", created: created)
        let l3 = try await shop.parcel("dpd", "L3", order: "L-3", promised: nil, value: 1000, currency: "PLN", created: created)
        let l4 = try await shop.parcel("dpd", "L4", order: "L-4", promised: nil, value: 1000, currency: "PLN", created: created)
        let presumed = try await shop.open(.lost, l1, at: "2026-11-16T09:00:00Z")  // presumed lost, then a false alarm
        try await shop.notify(presumed, at: "2026-11-16T09:05:00Z")
        _ = try await shop.store.write {
            try $0.cases.act(.dismiss(reason: "scanned again"), on: presumed.id, actor: "anna", at: try Self.time("2026-11-16T10:00:00Z"))
        }
        try await shop.scans(l2, [("2026-11-16T10:00:00Z", "Zaginiona", .exception, .lost), ("2026-11-17T10:00:00Z", "Doręczona", .delivered, nil)])
        try await shop.scans(l3, [("2026-11-16T10:00:00Z", "Zaginiona", .exception, .lost)])
        let saidLost = try await shop.open(.lost, l3, at: "2026-11-16T11:00:00Z")
        try await shop.notify(saidLost, at: "2026-11-16T11:01:00Z")
        let damaged = try await shop.open(.damaged, l4, at: "2026-11-16T12:00:00Z")  // a damage case dismissed as a false alarm
        try await shop.notify(damaged, at: "2026-11-16T12:15:00Z")
        _ = try await shop.store.write {
            try $0.cases.act(.dismiss(reason: "photo shows it intact"), on: damaged.id, actor: "anna", at: try Self.time("2026-11-16T13:00:00Z"))
        }

        let zone = try #require(Self.warsaw)
        let report = try await shop.store.read { try $0.reports.report(since: try Self.time("2026-11-01T00:00:00Z"), now: fixtureNow, timeZone: zone) }
        let dpd = try #require(report.carriers.first)
        #expect(report.carriers.count == 1)
        #expect(dpd == ShopReport.CarrierFigures(carrier: "dpd", shipments: 4, delivered: 1, deliveredWithPromise: 0, onTime: 0, damaged: 0, lost: 1))
        #expect(dpd.lossRate == 0.25 && dpd.damageRate == 0 && dpd.onTimeRate == nil)
        // Three told, after 300, 60 and 900 seconds: an odd count's median is the middle one.
        #expect(report.firstNotice == ShopReport.FirstNotice(customerFacing: 3, notified: 3, medianSeconds: 300))
        #expect(report.money.isEmpty)

        // A window after everything: no carriers, no cases, nothing to divide by.
        let empty = try await shop.store.read { try $0.reports.report(since: fixtureNow, now: fixtureNow, timeZone: zone) }
        #expect(empty.carriers.isEmpty && empty.incidents.isEmpty && empty.money.isEmpty)
        #expect(empty.firstNotice == ShopReport.FirstNotice(customerFacing: 0, notified: 0, medianSeconds: nil))
        #expect(empty.sla.map(\.cases) == [0, 0, 0] && empty.sla.allSatisfy { $0.compliance == nil })
        let json = String(decoding: try JSONEncoder().encode(empty), as: UTF8.self)
        #expect(json.contains("\"medianSeconds\":null") && json.contains("\"compliance\":null"))
    }
}

/// The arithmetic and the window, without a store.
@Suite struct ReportBuilderTests {
    @Test func mediansRatesAndTheRowsTheStoreReads() {
        #expect(ReportBuilder.median(of: []) == nil)
        #expect(ReportBuilder.median(of: [7]) == 7)
        #expect(ReportBuilder.median(of: [9, 1, 5]) == 5)
        #expect(ReportBuilder.median(of: [4, 1, 10, 2]) == 3)
        #expect(ReportBuilder.medianRows(count: 0) == nil)
        #expect(ReportBuilder.medianRows(count: 5).map { [$0.offset, $0.limit] } == [2, 1])
        #expect(ReportBuilder.medianRows(count: 4).map { [$0.offset, $0.limit] } == [1, 2])
        #expect(ReportBuilder.rate(1, of: 4) == 0.25 && ReportBuilder.rate(0, of: 3) == 0 && ReportBuilder.rate(2, of: 0) == nil)
    }

    @Test func onTimeIsTheLocalDayInTheShopsZone() throws {
        let warsaw = try #require(TimeZone(identifier: "Europe/Warsaw"))
        let lateEvening = try ReportTests.time("2026-11-18T22:59:59Z")  // 23:59:59 in Warsaw
        let afterMidnight = try ReportTests.time("2026-11-18T23:00:00Z")  // 00:00 on the 19th in Warsaw
        #expect(ReportBuilder.isOnTime(deliveredAt: lateEvening, promisedDate: "2026-11-18", in: warsaw) == true)
        #expect(ReportBuilder.isOnTime(deliveredAt: afterMidnight, promisedDate: "2026-11-18", in: warsaw) == false)
        // Summer time: midnight in Warsaw is 22:00 UTC.
        #expect(ReportBuilder.isOnTime(deliveredAt: try ReportTests.time("2026-07-01T22:00:00Z"), promisedDate: "2026-07-01", in: warsaw) == false)
        #expect(ReportBuilder.isOnTime(deliveredAt: lateEvening, promisedDate: "18.11.2026", in: warsaw) == nil)
    }

    @Test func undeliveredIsLateOnlyOnceThePromisedDayIsOverInTheShopsZone() throws {
        let warsaw = try #require(TimeZone(identifier: "Europe/Warsaw"))
        let lastMinute = try ReportTests.time("2026-11-18T22:59:59Z")  // 23:59:59 on the 18th in Warsaw
        let midnight = try ReportTests.time("2026-11-18T23:00:00Z")  // 00:00 on the 19th in Warsaw
        #expect(ReportBuilder.isOverdue(promisedDate: "2026-11-18", now: lastMinute, in: warsaw) == false, "a promise for today is not late yet")
        #expect(ReportBuilder.isOverdue(promisedDate: "2026-11-18", now: midnight, in: warsaw) == true)
        #expect(ReportBuilder.isOverdue(promisedDate: "2026-11-19", now: midnight, in: warsaw) == false)
        #expect(ReportBuilder.isOverdue(promisedDate: "2026-11-18", now: midnight, in: try #require(TimeZone(identifier: "UTC"))) == false)
        #expect(ReportBuilder.isOverdue(promisedDate: "2026-11-5", now: midnight, in: warsaw) == nil)
    }

    @Test func sinceTakesADayInTheShopsZoneOrADurationBeforeNow() throws {
        let warsaw = try #require(TimeZone(identifier: "Europe/Warsaw"))
        #expect(ReportBuilder.since("2026-11-01", now: fixtureNow, zone: warsaw) == (try ReportTests.time("2026-10-31T23:00:00Z")))
        #expect(ReportBuilder.since("30d", now: fixtureNow, zone: warsaw) == fixtureNow.addingTimeInterval(-30 * 86_400))
        #expect(ReportBuilder.since("2w", now: fixtureNow, zone: warsaw) == fixtureNow.addingTimeInterval(-14 * 86_400))
        #expect(ReportBuilder.since("12h", now: fixtureNow, zone: warsaw) == fixtureNow.addingTimeInterval(-12 * 3600))
        for bad in ["", "30", "d", "0d", "-3d", "3.5d", "1e3d", "30 d", "999999d", "2026-02-30", "2026-11-21", "yesterday", "30D"] {
            #expect(ReportBuilder.since(bad, now: fixtureNow, zone: warsaw) == nil, "\(bad)")
        }
    }
}
