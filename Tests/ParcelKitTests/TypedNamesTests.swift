import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

/// Names code branches on are types: SLA clocks, number rejections, "no such incident". Their
/// stored and printed text stays what it was.
@Suite struct TypedNamesTests {
    static func incident(
        status: IncidentStatus = .open, notice: Double?, firstTouch: Double, resolution: Double, notifiedAt: Double? = nil,
        firstTouchedAt: Double? = nil, breaches: [SLAClock] = []
    ) -> Incident {
        func at(_ hours: Double) -> Date { fixtureNow.addingTimeInterval(hours * 3600) }
        return Incident(
            id: 7, kind: .late, status: status, orderId: "1001", shipmentId: 1, carrier: "seur", trackingNumber: "12345678901234",
            customerFacing: notice != nil, owner: nil, priority: 1, summary: "late", detectedAt: fixtureNow,
            noticeDue: notice.map(at), firstTouchDue: at(firstTouch), resolutionDue: at(resolution), firstTouchedAt: firstTouchedAt.map(at),
            notifiedAt: notifiedAt.map(at), closedAt: status.isClosed ? at(0.5) : nil, breaches: breaches)
    }

    @Test func overdueClocksAreThoseUnmetPastTheirDeadline() {
        let now = fixtureNow.addingTimeInterval(10 * 3600)
        #expect(SLAClock.allCases.map(\.rawValue) == ["notice", "firstTouch", "resolution"])
        #expect(Self.incident(notice: 1, firstTouch: 2, resolution: 9).overdueClocks(at: now) == [.notice, .firstTouch, .resolution])
        #expect(Self.incident(notice: nil, firstTouch: 2, resolution: 48).overdueClocks(at: now) == [.firstTouch])  // staff only: no notice clock
        #expect(Self.incident(notice: 1, firstTouch: 2, resolution: 48, notifiedAt: 0.5, firstTouchedAt: 3).overdueClocks(at: now).isEmpty)
        #expect(Self.incident(notice: 10, firstTouch: 11, resolution: 48).overdueClocks(at: now).isEmpty)  // a deadline at now has not passed
        #expect(Self.incident(status: .resolved, notice: 1, firstTouch: 2, resolution: 9).overdueClocks(at: now).isEmpty)
        let incident = Self.incident(notice: 1, firstTouch: 2, resolution: 9, notifiedAt: 1.5)
        #expect(SLAClock.allCases.map(incident.due) == [1, 2, 9].map { fixtureNow.addingTimeInterval($0 * 3600) })
        #expect(SLAClock.allCases.map(incident.met) == [fixtureNow.addingTimeInterval(1.5 * 3600), nil, nil])
    }

    @Test func clocksAreWrittenAsTheirNames() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(
            decoding: try encoder.encode(Self.incident(notice: 1, firstTouch: 2, resolution: 9, breaches: [.firstTouch, .resolution])), as: UTF8.self)
        #expect(json.contains(#""breaches":["firstTouch","resolution"]"#))
        let escalation = Escalation(incidentId: 7, clock: .notice, due: fixtureNow, owner: nil)
        #expect(String(decoding: try encoder.encode(escalation), as: UTF8.self).contains(#""clock":"notice""#))
        #expect(try JSONDecoder().decode(Escalation.self, from: try encoder.encode(escalation)) == escalation)
        // A report's SLA clock keeps its name, and a name this version does not know is an error.
        let compliance = ShopReport.ClockCompliance(clock: .firstTouch, cases: 4, breached: 1)
        #expect(String(decoding: try encoder.encode(compliance), as: UTF8.self).contains(#""clock":"firstTouch""#))
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ShopReport.ClockCompliance.self, from: Data(#"{"clock":"lunch","cases":1,"breached":0}"#.utf8))
        }
    }

    @Test func numberRejectionsSayWhy() throws {
        let s10 = NumberRule(pattern: try TextPattern("^[A-Z]{2}[0-9]{9}[A-Z]{2}$", whole: true), check: .s10)
        #expect(s10.rejection(of: "RR123456785PL") == nil)
        #expect(s10.rejection(of: "RR123456784PL") == .wrongCheckDigit(check: .s10, expected: "5", got: "4"))
        let mismatch = try #require(s10.rejection(of: "RR12345678PL"))
        #expect(mismatch == .patternMismatch(pattern: "^[A-Z]{2}[0-9]{9}[A-Z]{2}$") && mismatch.isPatternMismatch)
        #expect(mismatch.description == "does not match the pattern ^[A-Z]{2}[0-9]{9}[A-Z]{2}$")
        let payload = NumberRule(pattern: try TextPattern("^1Z.*$", whole: true), check: .mod10, payload: try TextPattern("^1Z([0-9]{15})", whole: false))
        #expect(payload.rejection(of: "1ZABC") == .payloadMismatch(pattern: "^1Z([0-9]{15})"))
        #expect(payload.rejection(of: "1ZABC")?.description == "payload pattern ^1Z([0-9]{15}) does not match")
        let short = NumberRule(pattern: try TextPattern("^[0-9]*$", whole: true), check: .mod10, checkAt: 5)
        #expect(short.rejection(of: "123") == .tooShortForCheckDigit)
        #expect(short.rejection(of: "123")?.description == "too short for a check digit")
        let digits = NumberRule(pattern: try TextPattern("^.*$", whole: true), check: .mod11)
        #expect(digits.rejection(of: "AB1") == .uncheckableCharacters(check: .mod11))
        #expect(digits.rejection(of: "AB1")?.description == "characters the mod11 check cannot use")
        #expect(!(digits.rejection(of: "AB1")?.isPatternMismatch ?? true))
    }

    @Test func aCarrierSaysTheTellingReasonFirst() throws {
        let registry = try CarrierRegistry.load(directory: PackagePaths.carriers)
        let poczta = try registry.carrier("poczta-polska")  // S10 numbers and SSCC numbers
        // The rule whose shape fits speaks (its check digit), not the other rule's pattern.
        #expect(registry.rejection(of: "RR123456784PL", carrier: poczta) == "s10 check digit expected 5, got 4")
        let candidate = registry.detect("RR123456784PL").first { $0.carrier == "poczta-polska" }
        #expect(candidate?.valid == false && candidate?.reason == "s10 check digit expected 5, got 4")
        // No shape fits: every pattern is named.
        #expect(
            registry.rejection(of: "XYZ", carrier: poczta)
                == "does not match the pattern ^[A-Z]{2}[0-9]{9}[A-Z]{2}$; does not match the pattern ^00[0-9]{18}$")
        #expect(!registry.detect("XYZ").contains { $0.carrier == "poczta-polska" })
    }

    @Test(arguments: StoreKind.all) func anUnknownCaseIsNoSuchIncident(kind: StoreKind) async throws {
        let store = try await kind.open()
        try await store.write { try $0.console.addStaff(StaffMember(name: "anna", displayName: "Anna"), actor: "setup", at: fixtureNow) }
        await #expect(throws: StoreError.noSuchIncident(404)) {
            try await store.write { try $0.cases.act(.note("hello"), on: 404, actor: "anna", notice: nil, at: fixtureNow) }
        }
        await #expect(throws: StoreError.noSuchIncident(404)) {
            try await store.write { try $0.actions.requestAction(incidentId: 404, kind: .refund, amount: nil, state: .pending, actor: "anna", at: fixtureNow) }
        }
        await #expect(throws: StaffDeskError.store(.noSuchIncident(404))) {
            try await StaffDesk(store: store, config: .defaults).request(.refund, on: 404, amount: nil, actor: "anna", now: fixtureNow)
        }
        #expect(StoreError.noSuchIncident(404).description == "no incident 404")
    }
}
