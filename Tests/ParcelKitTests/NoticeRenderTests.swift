import Curl
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

/// A template that cannot render fails loudly, naming itself and its language: never a notice
/// silently left out.
@Suite struct NoticeRenderFailureTests {
    /// The shipped templates with `name` broken (no `Subject:` line) in every language.
    static func broken(_ name: String) throws -> NoticeTemplates {
        var sources = try NoticeTemplates().sources
        for language in sources.keys { sources[language]?[name] = "{{%CONTENT_TYPE:TEXT}}\nHello {{customerName}}, your parcel is on its way.\n" }
        return try NoticeTemplates(sources: sources)
    }

    @Test func composingWithABrokenTemplateThrowsItsNameAndLanguage() throws {
        let composer = NoticeComposer(templates: try Self.broken("shipped"), config: .defaults, carrierNames: [:])
        let order = order("R-1")
        #expect(throws: NoticeError.render(template: "shipped", language: "pl", detail: "the rendered text does not start with a Subject: line")) {
            try composer.milestone("shipped", dedupeKey: "shipped:1", order: order, shipment: nil, nextUpdateBy: fixtureNow, now: fixtureNow)
        }
        // The others still render.
        #expect(
            try composer.milestone("outForDelivery", dedupeKey: "ofd:1", order: order, shipment: nil, nextUpdateBy: fixtureNow, now: fixtureNow)
                .template == "outForDelivery")
        // An unknown milestone is an error too, not a nil.
        #expect(throws: NoticeError.self) {
            try composer.milestone("shiped", dedupeKey: "x", order: order, shipment: nil, nextUpdateBy: fixtureNow, now: fixtureNow)
        }
        let text = NoticeError.render(template: "shipped", language: "pl", detail: "x").description
        #expect(text == "notice template pl/shipped cannot render: x")
        #expect(StoreError.notice(.render(template: "shipped", language: "pl", detail: "x")).description.hasPrefix(text))
    }

    @Test func aCustomerFacingCaseWithoutATemplateIsAnErrorNotASilentNil() throws {
        var sources = try NoticeTemplates().sources
        for language in sources.keys { sources[language]?["lost"] = nil }
        let composer = NoticeComposer(templates: try NoticeTemplates(sources: sources), config: .defaults, carrierNames: [:])
        let planner = IncidentPlanner(config: .defaults)
        let plan = planner.plan(kind: .lost, value: order("R-2").value, now: fixtureNow)
        #expect(plan.customerFacing)
        #expect(throws: NoticeError.self) {
            try composer.notice(kind: .lost, dedupeKey: "k", order: order("R-2"), shipment: nil, plan: plan, now: fixtureNow)
        }
        // Staff-only kinds have no notice, and that is no error.
        let staffOnly = planner.plan(kind: .stalled, value: order("R-2").value, now: fixtureNow)
        #expect(try composer.notice(kind: .stalled, dedupeKey: "k", order: order("R-2"), shipment: nil, plan: staffOnly, now: fixtureNow) == nil)
    }

    @Test func aTemplateThatDoesNotParseIsNamedWhenLoading() throws {
        let error = try #require(#expect(throws: NoticeError.self) { try NoticeTemplates(sources: ["en": ["shipped": "Subject: {{#open}} x"]]) })
        #expect(error.description.hasPrefix("notice templates: en/shipped.mustache does not parse: "), "\(error)")
    }

    @Test(arguments: StoreKind.all) func theEngineStopsOnABrokenTemplateAndWritesNothingForThatCase(kind: StoreKind) async throws {
        let (store, _) = try await NoticeOutboxTests.store(kind)
        try await NoticeOutboxTests.damage(store, at: fixtureNow)
        let engine = IncidentEngine(
            store: store, config: .defaults, registry: try CarrierRegistry.load(directory: PackagePaths.carriers),
            templates: try Self.broken("damagedOrLost"))
        await #expect(
            throws: StoreError.notice(
                .render(
                    template: "damagedOrLost", language: "pl",
                    detail: "the rendered text does not start with a Subject: line"))
        ) {
            try await engine.run(now: fixtureNow)
        }
        #expect(try await store.read { try $0.cases.incidents(IncidentFilter()) }.isEmpty)
        #expect(try await store.read { try $0.outbox.notices(.pending, limit: 10) }.isEmpty)
        // Fixed, the next run opens the case with its notice.
        let summary = try await NoticeOutboxTests.engine(store).run(now: fixtureNow)
        #expect(summary.opened["damagedOrLost"] == 1)
        #expect(try await store.read { try $0.outbox.notices(.pending, limit: 10) }.map(\.template) == ["damagedOrLost"])
    }

    @Test func theSweepStopsOnABrokenMilestoneAndKeepsTheParcelAsItWas() async throws {
        let number = SweepTests.seurNumber()
        let setup = try await SweepTests.setup([("seur", number, "in-transit")])
        let composer = NoticeComposer(templates: try Self.broken("shipped"), config: .defaults, carrierNames: ["seur": "SEUR"])
        let sweeper = Sweeper(store: setup.store, registry: setup.registry, fetcher: setup.fetcher, clock: .fixed(fixtureNow), milestones: composer)
        await #expect(
            throws: StoreError.notice(
                .render(
                    template: "shipped", language: "pl",
                    detail: "the rendered text does not start with a Subject: line"))
        ) {
            try await sweeper.run()
        }
        // The change and its notice are one transaction: neither was written.
        let parcel = try #require(try await setup.store.read { try $0.shipments.shipment(carrier: "seur", trackingNumber: number) })
        #expect(parcel.status == .pending && parcel.lastEventAt == nil)
        #expect(try await setup.store.read { try $0.outbox.notices(.all, limit: 10) }.isEmpty)
    }

    /// Found in the demo (PW-1005): an order late before it ever shipped was told "we have asked
    /// the carrier  to check on parcel ." with no carrier and no number. In every language, the
    /// carrier is named only when there is a parcel.
    @Test(arguments: ["pl", "en", "es", "lt"]) func aLateOrderThatNeverShippedAsksNoCarrier(language: String) throws {
        let composer = NoticeComposer(templates: try NoticeTemplates(), config: .defaults, carrierNames: ["seur": "SEUR"])
        let plan = IncidentPlanner(config: .defaults).plan(kind: .late, value: nil, now: fixtureNow)
        var unshipped = order("L-1")
        unshipped.language = language
        let notice = try #require(try composer.notice(kind: .late, dedupeKey: "k", order: unshipped, shipment: nil, plan: plan, now: fixtureNow))
        #expect(!notice.body.contains(" ."), "\(notice.body)")
        #expect(!notice.body.contains("  "), "\(notice.body)")
        let shipped = Shipment(id: 1, orderId: "L-1", carrier: "seur", trackingNumber: "20000000000001", status: .inTransit)
        let asked = try #require(
            try composer.notice(kind: .late, dedupeKey: "k2", order: unshipped, shipment: shipped, plan: plan, now: fixtureNow))
        #expect(asked.body.contains("SEUR") && asked.body.contains("20000000000001"), "\(asked.body)")
    }
}
