import Curl
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

/// A time in the shop's zone (Europe/Warsaw), e.g. `local("2026-11-24 12:30")`.
func local(_ text: String) -> Date {
    let pattern = try? TimePattern("yyyy-MM-dd HH:mm")
    return pattern?.parse(text, zone: TimeZone(identifier: "Europe/Warsaw") ?? .current)?.date ?? .distantPast
}

func shipment(
    _ id: Int64, carrier: String = "seur", status: TrackingStatus, reason: ExceptionReason? = nil, lastEvent: String?,
    estimated: String? = nil
) -> Shipment {
    Shipment(
        id: id, orderId: "o\(id)", carrier: carrier, trackingNumber: "N\(id)", status: status, reason: reason,
        lastEventAt: lastEvent.map(local), estimatedDelivery: estimated.map(local))
}

func promisedOrder(_ id: String, promised: String? = "2026-11-24", paid: String? = "2026-11-18 10:00") -> Order {
    Order(
        id: id, customerName: "Ana", email: "ana@example.es", phone: nil, language: "es", postcode: "28001",
        value: Money(minorUnits: 5990, currency: "EUR"), promisedDate: promised, paidAt: paid.map(local), reshippable: true)
}

@Suite struct IncidentDetectorTests {
    static let detector = IncidentDetector(config: .defaults, carrierCountries: ["seur": "ES", "poczta-polska": "PL", "ups": "US"])

    func kinds(_ shipment: Shipment, order: Order = promisedOrder("o1", promised: nil), at now: String) -> [IncidentKind] {
        Self.detector.triggers(shipment: shipment, order: order, now: local(now)).map(\.kind)
    }

    @Test func theCarriersWordsDecideTheStatusKinds() {
        let now = "2026-11-20 12:00"
        let cases: [(TrackingStatus, ExceptionReason?, IncidentKind)] = [
            (.exception, .damaged, .damaged), (.exception, .lost, .lost), (.exception, .damagedOrLost, .damagedOrLost),
            (.exception, .customsHold, .customsHold), (.exception, .addressIssue, .addressIssue), (.attemptFailed, nil, .deliveryFailed),
            (.returning, nil, .returnedToSender), (.returned, nil, .returnedToSender), (.exception, .refused, .returnedToSender),
        ]
        for (status, reason, kind) in cases {
            #expect(
                kinds(shipment(1, status: status, reason: reason, lastEvent: "2026-11-20 09:00"), at: now) == [kind], "\(status) \(String(describing: reason))")
        }
        #expect(kinds(shipment(1, status: .inTransit, lastEvent: "2026-11-20 09:00"), at: now).isEmpty)
        #expect(kinds(shipment(1, status: .delivered, lastEvent: "2026-11-20 09:00"), at: now).isEmpty)
    }

    @Test func stalledCountsBusinessDaysNotWeekends() {
        // Last scan Thursday 19 Nov; Friday and Monday are 2 business days, Tuesday makes 3.
        let parcel = shipment(1, status: .inTransit, lastEvent: "2026-11-19 10:00")
        #expect(kinds(parcel, at: "2026-11-23 18:00").isEmpty)
        #expect(kinds(parcel, at: "2026-11-24 08:00") == [.stalled])
        let triggers = Self.detector.triggers(shipment: parcel, order: promisedOrder("o1", promised: nil), now: local("2026-11-24 08:00"))
        #expect(triggers.first?.summary.contains("no news for 3 business days") == true)
    }

    @Test func aPublicHolidayIsNotABusinessDay() {
        // Poland, 11 November 2026 (Wednesday) is Independence Day.
        let parcel = shipment(2, carrier: "poczta-polska", status: .infoReceived, lastEvent: "2026-11-09 10:00")
        #expect(kinds(parcel, at: "2026-11-12 18:00").isEmpty)  // Tue 10, Thu 12
        #expect(kinds(parcel, at: "2026-11-13 09:00") == [.stalled])  // + Fri 13
    }

    @Test func silenceInTransitBecomesPresumedLost() {
        // Last scan Monday 9 Nov in Spain; 7 business days later is Wednesday 18 Nov.
        let parcel = shipment(3, status: .inTransit, lastEvent: "2026-11-09 10:00")
        #expect(kinds(parcel, at: "2026-11-17 12:00") == [.stalled])
        #expect(kinds(parcel, at: "2026-11-18 12:00") == [.stalled, .lost])
        // Waiting at a pickup point is not lost.
        #expect(kinds(shipment(3, status: .availableForPickup, lastEvent: "2026-11-09 10:00"), at: "2026-11-18 12:00") == [.stalled])
    }

    @Test func lateAtTheCutOffOnThePromisedDay() {
        let order = promisedOrder("o4")
        let moving = shipment(4, status: .inTransit, lastEvent: "2026-11-24 06:00")
        #expect(kinds(moving, order: order, at: "2026-11-24 11:59").isEmpty)
        #expect(kinds(moving, order: order, at: "2026-11-24 12:00") == [.late])
        let onTheVan = shipment(4, status: .outForDelivery, lastEvent: "2026-11-24 07:00")
        #expect(kinds(onTheVan, order: order, at: "2026-11-24 18:00").isEmpty)
        #expect(kinds(onTheVan, order: order, at: "2026-11-25 00:01") == [.late])
        #expect(kinds(shipment(4, status: .delivered, lastEvent: "2026-11-25 09:00"), order: order, at: "2026-11-26 12:00").isEmpty)
    }

    @Test func aCarrierEstimateAfterThePromiseIsLateEarly() {
        let parcel = shipment(5, status: .inTransit, lastEvent: "2026-11-20 09:00", estimated: "2026-11-26 00:00")
        let triggers = Self.detector.triggers(shipment: parcel, order: promisedOrder("o5"), now: local("2026-11-20 12:00"))
        #expect(triggers.map(\.kind) == [.late])
        #expect(triggers.first?.summary.contains("the carrier now expects 2026-11-26") == true)
    }

    @Test func notDispatchedAfterTwoBusinessDaysWithoutACarrierScan() {
        let order = promisedOrder("o6", promised: "2026-11-30", paid: "2026-11-20 10:00")  // Friday
        #expect(Self.detector.triggers(order: order, shipments: [], now: local("2026-11-23 20:00")).isEmpty)
        #expect(Self.detector.triggers(order: order, shipments: [], now: local("2026-11-24 09:00")).map(\.kind) == [.notDispatched])
        let labelOnly = shipment(6, status: .infoReceived, lastEvent: "2026-11-20 11:00")
        #expect(Self.detector.triggers(order: order, shipments: [labelOnly], now: local("2026-11-24 09:00")).map(\.kind) == [.notDispatched])
        let accepted = shipment(6, status: .inTransit, lastEvent: "2026-11-20 15:00")
        #expect(Self.detector.triggers(order: order, shipments: [accepted], now: local("2026-11-24 09:00")).isEmpty)
        // Never shipped and past the promised day: late as well.
        let promised = promisedOrder("o7", promised: "2026-11-23", paid: "2026-11-20 10:00")
        #expect(Self.detector.triggers(order: promised, shipments: [], now: local("2026-11-24 09:00")).map(\.kind) == [.notDispatched, .late])
    }

    @Test func perCarrierThresholdsAndStaffOnlyKindsComeFromConfig() throws {
        let config = try ShopConfig.parse(
            yaml: """
                shop: { timezone: Europe/Madrid, country: ES, quiet_hours: "22:00-07:00" }
                incidents:
                  stalled_days: 4
                  staff_only: [stalled, late]
                  holidays: ["2026-11-23"]
                  carriers: { seur: { stalled_days: 1 } }
                """, file: "test.yaml")
        #expect(config.policy.thresholds.stalledDays == 4 && config.policy.thresholds(for: "seur").stalledDays == 1)
        #expect(!config.policy.customerFacing.contains(.late) && config.policy.customerFacing.contains(.damaged))
        let detector = IncidentDetector(config: config, carrierCountries: ["seur": "ES"])
        // Monday 23 is an extra holiday: Friday's scan is 1 business day old only on Tuesday.
        let parcel = Shipment(id: 1, orderId: "o", carrier: "seur", trackingNumber: "N", status: .inTransit, lastEventAt: local("2026-11-20 10:00"))
        let order = promisedOrder("o", promised: nil)
        #expect(detector.triggers(shipment: parcel, order: order, now: local("2026-11-23 20:00")).isEmpty)
        #expect(detector.triggers(shipment: parcel, order: order, now: local("2026-11-24 10:00")).map(\.kind) == [.stalled])
        #expect(throws: ConfigError.self) { try ShopConfig.parse(yaml: "incidents: { stalled_dayz: 3 }", file: "bad.yaml") }
        #expect(throws: ConfigError.self) { try ShopConfig.parse(yaml: "incidents: { staff_only: [nonsense] }", file: "bad.yaml") }
    }
}

@Suite struct IncidentPlannerTests {
    static let planner = IncidentPlanner(config: .defaults)

    @Test func theNoticeClockStopsInQuietHours() {
        #expect(Self.planner.afterWorkingTime(3600, from: local("2026-11-20 10:00")) == local("2026-11-20 11:00"))
        #expect(Self.planner.afterWorkingTime(3600, from: local("2026-11-20 20:30")) == local("2026-11-21 08:30"))
        #expect(Self.planner.afterWorkingTime(3600, from: local("2026-11-20 23:10")) == local("2026-11-21 09:00"))
        #expect(Self.planner.afterWorkingTime(3600, from: local("2026-11-21 03:00")) == local("2026-11-21 09:00"))
    }

    @Test func staffClocksRunOnBusinessDays() {
        let plan = Self.planner.plan(kind: .damagedOrLost, value: Money(minorUnits: 90_000, currency: "PLN"), now: local("2026-11-20 15:00"))
        #expect(plan.customerFacing && plan.priority == 4)
        #expect(plan.firstTouchDue == local("2026-11-23 15:00"))  // Friday → Monday
        #expect(plan.resolutionDue == local("2026-11-24 15:00"))  // two business days
        #expect(plan.noticeDue == local("2026-11-20 16:00"))
        let stalled = Self.planner.plan(kind: .stalled, value: nil, now: local("2026-11-10 15:00"))
        #expect(stalled.noticeDue == nil && !stalled.customerFacing)
        #expect(stalled.firstTouchDue == local("2026-11-12 15:00"))  // 11 November is a Polish holiday
    }
}

@Suite struct IncidentStoreTests {
    static func store(_ kind: StoreKind, staff: [String] = ["anna", "marek"]) async throws -> Store {
        let store = try await kind.open()
        for name in staff {
            try await store.write { try $0.console.addStaff(StaffMember(name: name, displayName: name.capitalized), actor: "setup", at: fixtureNow) }
        }
        let rows = (1...3).map { ImportRow(line: $0 + 1, order: order("o\($0)"), carrier: "seur", trackingNumber: String(format: "1000000000000%d", $0)) }
        _ = try await store.write { try $0.shipments.importRows(rows, dryRun: false, actor: "setup", at: fixtureNow) }
        return store
    }

    static func trigger(_ store: Store, _ number: String, kind: IncidentKind = .damagedOrLost, evidence: String = "status:exception:damagedOrLost")
        async throws -> IncidentTrigger
    {
        let parcel = try #require(try await store.read { try $0.shipments.shipment(carrier: "seur", trackingNumber: number) })
        return IncidentTrigger(
            kind: kind, subject: .shipment(id: parcel.id, orderId: parcel.orderId, carrier: "seur", trackingNumber: number),
            evidence: evidence, summary: "seur \(number): damaged or lost")
    }

    static let plan = IncidentPlanner(config: .defaults).plan(kind: .damagedOrLost, value: nil, now: fixtureNow)

    @Test(arguments: StoreKind.all) func oneOpenCasePerSubjectAndKindOwnedRoundRobin(kind: StoreKind) async throws {
        let store = try await Self.store(kind)
        var owners: [String?] = []
        for number in ["10000000000001", "10000000000002", "10000000000003"] {
            let awaited1 = try await Self.trigger(store, number)
            guard case .opened(let incident) = try await store.write({ try $0.cases.raise(awaited1, plan: Self.plan, at: fixtureNow) }) else {
                Issue.record("not opened"); return
            }
            owners.append(incident.owner)
        }
        #expect(owners == ["anna", "marek", "anna"])
        let awaited2 = try await Self.trigger(store, "10000000000001")
        let again = try await store.write { try $0.cases.raise(awaited2, plan: Self.plan, at: fixtureNow.addingTimeInterval(60)) }
        guard case .unchanged = again else { Issue.record("expected unchanged, got \(again)"); return }
        let awaited3 = try await Self.trigger(store, "10000000000001", evidence: "status:exception:lost")
        let newEvidence = try await store.write {
            try $0.cases.raise(
                awaited3,
                plan: Self.plan, at: fixtureNow.addingTimeInterval(120))
        }
        guard case .retriggered(let id) = newEvidence else { Issue.record("expected retriggered, got \(newEvidence)"); return }
        #expect(try await store.read { try $0.cases.incidents(IncidentFilter()) }.count == 3)
        #expect(try await store.read { try $0.cases.incidentHistory(id: id) }.map(\.action) == ["detected", "assigned", "retriggered"])
    }

    @Test(arguments: StoreKind.all) func aDismissedFalseAlarmIsNotReopenedForTheSameEvidence(kind: StoreKind) async throws {
        let store = try await Self.store(kind)
        let trigger = try await Self.trigger(store, "10000000000001", kind: .stalled, evidence: "silent since 2026-11-10T10:00:00Z")
        guard case .opened(let incident) = try await store.write({ try $0.cases.raise(trigger, plan: Self.plan, at: fixtureNow) }) else {
            Issue.record("not opened"); return
        }
        let dismissed = try await store.write {
            try $0.cases.act(
                .dismiss(reason: "scanned again this morning"), on: incident.id, actor: "marek", at: fixtureNow.addingTimeInterval(600))
        }
        #expect(dismissed.status == .dismissed && dismissed.firstTouchedAt != nil)
        #expect(try await store.write { try $0.cases.raise(trigger, plan: Self.plan, at: fixtureNow.addingTimeInterval(900)) } == .suppressed)
        // New silence (a later last scan) is new evidence: a new case.
        var later = trigger
        later.evidence = "silent since 2026-11-17T10:00:00Z"
        guard case .opened = try await store.write({ [later] tx in try tx.cases.raise(later, plan: Self.plan, at: fixtureNow.addingTimeInterval(1200)) }) else {
            Issue.record("not reopened"); return
        }
        let audit = try await store.read { try $0.console.auditLog(limit: 10, subject: "incident:\(incident.id)") }
        #expect(audit.contains { $0.action == "incident.dismissed" && $0.actor == "marek" && $0.detail == "scanned again this morning" })
    }

    @Test(arguments: StoreKind.all) func staffOnlyAndClosedCasesAreRefused(kind: StoreKind) async throws {
        let store = try await Self.store(kind)
        let awaited4 = try await Self.trigger(store, "10000000000001")
        guard case .opened(let incident) = try await store.write({ try $0.cases.raise(awaited4, plan: Self.plan, at: fixtureNow) }) else {
            Issue.record("not opened"); return
        }
        await #expect(throws: StoreError.self) { try await store.write { try $0.cases.act(.note("hi"), on: incident.id, actor: "mallory", at: fixtureNow) } }
        await #expect(throws: StoreError.self) {
            try await store.write { try $0.cases.act(.assign(to: "mallory"), on: incident.id, actor: "anna", at: fixtureNow) }
        }
        _ = try await store.write { try $0.cases.act(.resolve(outcome: "reshipped"), on: incident.id, actor: "anna", at: fixtureNow) }
        await #expect(throws: StoreError.self) {
            try await store.write { try $0.cases.act(.dismiss(reason: "x"), on: incident.id, actor: "anna", at: fixtureNow) }
        }
        _ = try await store.write { try $0.cases.act(.note("customer thanked us"), on: incident.id, actor: "anna", at: fixtureNow) }
        #expect(try await store.read { try $0.cases.incidentHistory(id: incident.id) }.map(\.action).suffix(2) == ["resolved", "note"])
    }

    @Test(arguments: StoreKind.all) func aParcelThatMovesAgainIsRecordedOnItsCase(kind: StoreKind) async throws {
        let store = try await Self.store(kind)
        let awaited5 = try await Self.trigger(store, "10000000000002", kind: .lost)
        guard case .opened(let incident) = try await store.write({ try $0.cases.raise(awaited5, plan: Self.plan, at: fixtureNow) })
        else {
            Issue.record("not opened"); return
        }
        let parcel = try #require(try await store.read { try $0.shipments.shipment(carrier: "seur", trackingNumber: "10000000000002") })
        _ = try await store.write(serialized: false) {
            try $0.shipments.apply(
                TrackingUpdate(
                    shipmentID: parcel.id, events: [event("10000000000002", hoursAgo: 1, raw: "Entregado", status: .delivered)],
                    estimatedDelivery: nil, checkedAt: fixtureNow, schedule: .standard))
        }
        let history = try await store.read { try $0.cases.incidentHistory(id: incident.id) }
        #expect(history.last?.action == "delivered")
        #expect(history.last?.detail.contains("the carrier now reports delivered") == true)
    }

    @Test(arguments: StoreKind.all) func eachBreachIsEscalatedExactlyOnce(kind: StoreKind) async throws {
        let store = try await Self.store(kind)
        let plan = IncidentPlanner(config: .defaults).plan(kind: .damagedOrLost, value: nil, now: local("2026-11-20 10:00"))
        let awaited6 = try await Self.trigger(store, "10000000000001")
        guard case .opened(let incident) = try await store.write({ try $0.cases.raise(awaited6, plan: plan, at: local("2026-11-20 10:00")) })
        else {
            Issue.record("not opened"); return
        }
        #expect(try await store.write { try $0.cases.escalate(now: local("2026-11-20 10:30")) }.isEmpty)
        let notice = try await store.write { try $0.cases.escalate(now: local("2026-11-20 11:30")) }
        #expect(notice.map(\.clock) == [.notice] && notice.first?.owner == "anna")
        #expect(try await store.write { try $0.cases.escalate(now: local("2026-11-20 12:00")) }.isEmpty)
        let later = try await store.write { try $0.cases.escalate(now: local("2026-11-25 12:00")) }
        #expect(Set(later.map(\.clock)) == [.firstTouch, .resolution])
        #expect(try await store.write { try $0.cases.escalate(now: local("2026-11-26 12:00")) }.isEmpty)
        #expect(try await store.read { try $0.cases.incident(id: incident.id) }?.breaches.count == 3)
        #expect(
            try await store.read { try $0.console.auditLog(limit: 20, subject: "incident:\(incident.id)") }.filter { $0.action == "incident.escalate" }.count
                == 3)
    }

    @Test(arguments: StoreKind.all) func theEngineOpensNothingTwiceOverRepeatedSweeps(kind: StoreKind) async throws {
        let store = try await Self.store(kind)
        let parcel = try #require(try await store.read { try $0.shipments.shipment(carrier: "seur", trackingNumber: "10000000000003") })
        _ = try await store.write(serialized: false) {
            try $0.shipments.apply(
                TrackingUpdate(
                    shipmentID: parcel.id,
                    events: [
                        event(
                            "10000000000003", hoursAgo: 2, raw: "Deterioro o extravío",
                            status: .exception, reason: .damagedOrLost)
                    ],
                    estimatedDelivery: nil, checkedAt: fixtureNow, schedule: .standard))
        }
        _ = try await store.write {
            try $0.shipments.importRows(
                [
                    ImportRow(
                        line: 9, order: promisedOrder("never", promised: "2026-11-30", paid: "2026-11-16 09:00"), carrier: nil,
                        trackingNumber: nil)
                ], dryRun: false, actor: "setup", at: fixtureNow)
        }
        let engine = IncidentEngine(store: store, config: .defaults, registry: try CarrierRegistry.load(directory: PackagePaths.carriers))
        let first = try await engine.run(now: fixtureNow)
        // o1 and o2 were paid two business days ago and their labels were never scanned; "never" has no shipment.
        #expect(first.opened == ["damagedOrLost": 1, "notDispatched": 3])
        for hours in [1.0, 2, 3] {
            let again = try await engine.run(now: fixtureNow.addingTimeInterval(hours * 60))
            #expect(again.opened.isEmpty && again.retriggered == 0)
        }
        #expect(try await store.read { try $0.cases.incidents(IncidentFilter()) }.count == 4)
    }
}
