import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

/// SLA breaches reach staff as one digest per person per run; a case that breaches a second
/// time reaches the lead, once.
@Suite struct EscalationDigestTests {
    struct NotOpened: Error { var outcome: RaiseOutcome }

    static let start = local("2026-11-20 10:00")
    static let policy = EscalationPolicy(lead: "lena", consoleURL: "https://shop.example/parcelwatch/")

    static func hours(_ count: Double) -> Date { start.addingTimeInterval(count * 3600) }

    static func number(_ parcel: Int) -> String { String(format: "1000000000000%d", parcel) }

    /// Six SEUR parcels; `staff` (each with an e-mail) own new cases round-robin.
    static func store(_ kind: StoreKind, staff: [String]) async throws -> Store {
        let store = try await kind.open()
        for name in staff { try await addStaff(store, name) }
        let rows = (1...6).map { ImportRow(line: $0 + 1, order: order("o\($0)"), carrier: "seur", trackingNumber: number($0)) }
        _ = try await store.write { try $0.shipments.importRows(rows, dryRun: false, actor: "setup", at: start) }
        return store
    }

    static func addStaff(_ store: Store, _ name: String) async throws {
        try await store.write {
            try $0.console.addStaff(StaffMember(name: name, displayName: name.capitalized, email: "\(name)@shop.example"), actor: "setup", at: start)
        }
    }

    /// Opens a case on `parcel` whose clocks run out the given hours after ``start`` (no notice
    /// clock unless `notice` is given).
    static func open(_ store: Store, parcel: Int, firstTouch: Double, resolution: Double, notice: Double? = nil) async throws -> Incident {
        var plan = IncidentPlanner(config: .defaults).plan(kind: .damagedOrLost, value: nil, now: start)
        plan.customerFacing = notice != nil
        plan.noticeDue = notice.map(hours)
        plan.firstTouchDue = hours(firstTouch)
        plan.resolutionDue = hours(resolution)
        let awaited1 = try await IncidentStoreTests.trigger(store, number(parcel))
        let outcome = try await store.write { [plan] tx in try tx.cases.raise(awaited1, plan: plan, at: start) }
        guard case .opened(let incident) = outcome else { throw NotOpened(outcome: outcome) }
        return incident
    }

    /// The escalation mails, oldest first.
    static func mails(_ store: Store) async throws -> [OutboxNotice] {
        try await store.read { try $0.outbox.notices(.all, limit: 200) }.filter { $0.template == "escalation" }.sorted { $0.id < $1.id }
    }

    /// The case ids a digest links to with `parcelwatch incident show ID`.
    static func linked(_ mail: OutboxNotice?) -> Set<Int64> {
        Set(
            (mail?.body ?? "").split(separator: "\n").compactMap { line in
                line.trimmingCharacters(in: .whitespaces).hasPrefix("parcelwatch incident show ")
                    ? Int64(line.trimmingCharacters(in: .whitespaces).dropFirst("parcelwatch incident show ".count)) : nil
            })
    }

    @Test(arguments: StoreKind.all) func oneDigestPerOwnerPerRunAndASecondBreachReachesTheLeadOnce(kind: StoreKind) async throws {
        let store = try await Self.store(kind, staff: ["anna", "marek"])
        // Round-robin: anna owns cases on parcels 1, 3, 5; marek on 2, 4. Every first touch runs out
        // at +1 h; parcel 1 also breaches resolution at +48 h and its notice at +96 h, parcel 2 its
        // resolution at +96 h; the others their resolution at +150 h.
        let cases = [
            try await Self.open(store, parcel: 1, firstTouch: 1, resolution: 48, notice: 96),
            try await Self.open(store, parcel: 2, firstTouch: 1, resolution: 96),
            try await Self.open(store, parcel: 3, firstTouch: 1, resolution: 150),
            try await Self.open(store, parcel: 4, firstTouch: 1, resolution: 150),
            try await Self.open(store, parcel: 5, firstTouch: 1, resolution: 150),
        ]
        #expect(cases.map(\.owner) == ["anna", "marek", "anna", "marek", "anna"])
        try await Self.addStaff(store, "lena")  // the lead, owning nothing
        let anna = Set(cases.filter { $0.owner == "anna" }.map(\.id)), marek = Set(cases.filter { $0.owner == "marek" }.map(\.id))

        // One sweep: five breaches, two messages.
        let first = try await store.write { try $0.cases.escalate(now: Self.hours(2), policy: Self.policy) }
        #expect(first.count == 5 && first.allSatisfy { $0.clock == .firstTouch })
        var mails = try await Self.mails(store)
        #expect(mails.count == 2)
        let toAnna = mails.first { $0.recipient == "anna@shop.example" }, toMarek = mails.first { $0.recipient == "marek@shop.example" }
        #expect(Self.linked(toAnna) == anna && Self.linked(toMarek) == marek)
        #expect(toAnna?.subject == "[Parcelwatch] 3 SLA breaches on your cases" && toMarek?.subject == "[Parcelwatch] 2 SLA breaches on your cases")
        for id in anna { #expect(toAnna?.body.contains("https://shop.example/parcelwatch/staff/incidents/\(id)\n") == true) }
        #expect(toAnna?.dedupeKey.hasPrefix("escalation-digest:anna:\(ISOTime.utc(Self.hours(2))):") == true)
        // Per breach as before: one escalation row, one history entry, one audit entry each.
        for incident in cases {
            #expect(try await store.read { try $0.cases.incident(id: incident.id) }?.breaches == [.firstTouch])
            #expect(try await store.read { try $0.cases.incidentHistory(id: incident.id) }.filter { $0.action == "escalated" }.count == 1)
            #expect(
                try await store.read { try $0.console.auditLog(limit: 50, subject: "incident:\(incident.id)") }.filter { $0.action == "incident.escalate" }
                    .count == 1)
        }

        // The same sweep again: nothing more.
        #expect(try await store.write { try $0.cases.escalate(now: Self.hours(2), policy: Self.policy) }.isEmpty)
        #expect(try await Self.mails(store).count == 2)

        // Parcel 1's case breaches a second time: its owner hears, and the lead hears of it once.
        let second = try await store.write { try $0.cases.escalate(now: Self.hours(50), policy: Self.policy) }
        #expect(second.map(\.incidentId) == [cases[0].id] && second.map(\.clock) == [.resolution])
        mails = try await Self.mails(store)
        #expect(mails.count == 4)
        let toLena = mails.filter { $0.recipient == "lena@shop.example" }
        #expect(toLena.count == 1 && Self.linked(toLena.first) == [cases[0].id])
        #expect(toLena.first?.subject == "[Parcelwatch] 1 case breached again")
        #expect(toLena.first?.body.contains("owner anna: resolution deadline") == true && toLena.first?.body.contains("breached before: firstTouch") == true)
        #expect(Self.linked(mails.filter { $0.recipient == "anna@shop.example" }.last) == [cases[0].id])
        #expect(try await store.write { try $0.cases.escalate(now: Self.hours(50), policy: Self.policy) }.isEmpty)
        #expect(try await Self.mails(store).count == 4)

        // A third breach of that case and a second one of parcel 2's: the owners hear of theirs, the
        // lead of parcel 2's case only — never twice of the same case.
        let third = try await store.write { try $0.cases.escalate(now: Self.hours(100), policy: Self.policy) }
        #expect(Set(third.map { "\($0.incidentId):\($0.clock)" }) == ["\(cases[0].id):notice", "\(cases[1].id):resolution"])
        mails = try await Self.mails(store)
        #expect(mails.count == 7)
        let leadMails = mails.filter { $0.recipient == "lena@shop.example" }
        #expect(leadMails.count == 2 && Self.linked(leadMails.last) == [cases[1].id])
        #expect(try await store.read { try $0.cases.incident(id: cases[0].id) }?.breaches.count == 3)
        #expect(try await store.read { try $0.cases.incidentHistory(id: cases[0].id) }.filter { $0.action == "escalatedToLead" }.count == 1)
        #expect(
            try await store.read { try $0.console.auditLog(limit: 50, subject: "incident:\(cases[0].id)") }.filter { $0.action == "incident.escalateToLead" }
                .count == 1)
        #expect(
            try await store.write { try $0.cases.escalate(now: Self.hours(200), policy: Self.policy) }.map(\.clock) == [.resolution, .resolution, .resolution])
        #expect(try await Self.mails(store).filter { $0.recipient == "lena@shop.example" }.count == 3)  // parcels 3–5 now breached twice
    }

    @Test(arguments: StoreKind.all) func unassignedBreachesGoToTheLeadAndAnUnknownLeadIsRecorded(kind: StoreKind) async throws {
        let store = try await Self.store(kind, staff: [])
        let nobodys = try await Self.open(store, parcel: 1, firstTouch: 1, resolution: 48)
        #expect(nobodys.owner == nil)
        try await Self.addStaff(store, "anna")
        let annas = try await Self.open(store, parcel: 2, firstTouch: 1, resolution: 48)

        // The configured lead is nobody on the staff: the owner still hears; the case records why no lead did.
        let ghost = EscalationPolicy(lead: "ghost")
        #expect(try await store.write { try $0.cases.escalate(now: Self.hours(2), policy: ghost) }.count == 2)
        var mails = try await Self.mails(store)
        #expect(mails.count == 1 && mails.first?.recipient == "anna@shop.example" && Self.linked(mails.first) == [annas.id])
        #expect(mails.first?.body.contains("/staff/incidents/") == false, "no console URL configured: the CLI command only")
        let history = try await store.read { try $0.cases.incidentHistory(id: nobodys.id) }
        #expect(history.contains { $0.action == "leadNotStaff" && $0.detail.contains("lead ghost not a staff member") })

        // With anna as the lead, she gets one message: her own case and the unassigned one breached again.
        #expect(try await store.write { try $0.cases.escalate(now: Self.hours(50), policy: EscalationPolicy(lead: "anna")) }.count == 2)
        mails = try await Self.mails(store)
        #expect(mails.count == 2)
        let digest = try #require(mails.last)
        #expect(digest.recipient == "anna@shop.example" && Self.linked(digest) == [annas.id, nobodys.id])
        #expect(digest.subject == "[Parcelwatch] 1 SLA breach on your cases, 2 cases breached again")
    }

    @Test func theEscalationSectionIsStrict() throws {
        let config = try ShopConfig.parse(
            yaml: """
                escalation:
                  lead: anna
                  console_url: https://shop.example/parcelwatch
                """, file: "shop.yaml")
        #expect(config.escalation == EscalationPolicy(lead: "anna", consoleURL: "https://shop.example/parcelwatch"))
        #expect(config.escalation.consoleLink(incident: 7) == "https://shop.example/parcelwatch/staff/incidents/7")
        #expect(ShopConfig.defaults.escalation == EscalationPolicy())
        #expect(throws: ConfigError.badValue(file: "bad.yaml", line: 1, key: "escalation.leader", detail: "unknown key (known: console_url, lead)")) {
            try ShopConfig.parse(yaml: "escalation: { leader: anna }", file: "bad.yaml")
        }
        for bad in ["escalation: { console_url: 'ftp://shop.example' }", "escalation: { lead: [anna] }", "escalation: anna"] {
            #expect(throws: ConfigError.self, "\(bad)") { try ShopConfig.parse(yaml: bad, file: "bad.yaml") }
        }
    }
}
