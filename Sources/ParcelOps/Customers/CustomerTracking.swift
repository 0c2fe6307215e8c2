import Foundation
import ParcelCore
import ParcelStore

/// What a customer may see about their own parcel, and nothing else: status, carrier events,
/// the promised date and, when something is wrong, what the shop is doing and when they will
/// hear next. No staff names, no internal notes, no other customer's data.
///
/// A customer proves the parcel is theirs with the order's postcode or e-mail (``CustomerProof``:
/// a postcode without letters or digits proves nothing). A wrong one reads exactly like an
/// unknown number, in answer and in timing, so numbers cannot be enumerated.
public struct CustomerTracking: Sendable {
    private let store: Store
    private let config: ShopConfig
    private let composer: NoticeComposer?
    /// Carrier ids to the countries they deliver in, for the estimate's lane.
    private let carrierCountries: [String: String]
    /// Carrier ids to the names customers read, for the estimate's explanation.
    private let carrierNames: [String: String]

    /// Creates the customer view of `store`; with a composer, a report is acknowledged by notice.
    /// `carrierCountries` (carrier id to its files' `country`) places a parcel in its lane for the
    /// estimate; a carrier missing from it is taken to deliver in the shop's country. `carrierNames`
    /// names carriers in the estimate's explanation (the id without one).
    public init(
        store: Store, config: ShopConfig, composer: NoticeComposer? = nil, carrierCountries: [String: String] = [:],
        carrierNames: [String: String] = [:]
    ) {
        self.store = store
        self.config = config
        self.composer = composer
        self.carrierCountries = carrierCountries
        self.carrierNames = carrierNames
    }

    /// The parcel with `number`, when `postcode` or `email` matches its order; nil otherwise
    /// (unknown number and wrong proof are indistinguishable on purpose).
    public func lookup(number: String, postcode: String?, email: String?, now: Date) async throws(StoreError) -> CustomerParcel? {
        guard let (shipment, order) = try await owned(number: number, postcode: postcode, email: email) else { return nil }
        let phrases = CustomerPhrases(language: order.language)
        let configuration = config.estimates.modelConfiguration
        let (stored, model) = try await store.read { tx in
            (try tx.shipments.events(shipmentID: shipment.id), try tx.lanes.model(configuration: configuration))
        }
        let estimator = ParcelEstimator(
            model: model, originCountry: config.country, carrierCountries: carrierCountries, carrierNames: carrierNames)
        let events = stored.map {
            TrackingReport.Event(
                time: $0.time.utcText, status: $0.status.rawValue, reason: $0.reason?.rawValue,
                rawStatus: $0.rawStatus, rawCode: $0.rawCode, location: $0.location)
        }
        // The parcel's own cases and its order's (not dispatched, late before shipping).
        let cases = try await store.read { try $0.cases.incidents(IncidentFilter(orderId: order.id)) }
            .filter { $0.customerFacing && ($0.shipmentId == shipment.id || $0.shipmentId == nil) }
        let urgent = cases.sorted { ($0.priority, $1.nextDeadline) > ($1.priority, $0.nextDeadline) }.first
        let story = try await store.read { try $0.cases.orderStory(orderId: order.id) }
        // No date for a parcel of a refunded order: the customer has their money back, and a
        // delivery day beside "refund issued" would be news about a parcel already settled.
        let estimate = story.refunded ? nil : estimator.estimate(shipment, order: order, eventTimes: stored.map(\.time.date), now: now)
        return CustomerParcel(
            trackingNumber: shipment.trackingNumber, carrier: shipment.carrier, status: shipment.status.rawValue,
            reason: shipment.reason?.rawValue, promisedDate: shipment.promise(order: order), language: phrases.language, events: events,
            incident: urgent.map {
                CustomerParcel.Incident(
                    kind: $0.kind.rawValue, message: Self.message(for: $0, story: story, phrases: phrases),
                    nextUpdateBy: ISOTime.utc(Self.nextUpdate(for: $0, now: now)))
            },
            order: story, estimate: estimate.map { EstimateView($0, language: phrases.language) })
    }

    /// What the shop is doing about a case: once it acted (a replacement sent or under way, a
    /// refund issued), that, never the "we are sorting it out" it said before.
    static func message(for incident: Incident, story: OrderStory, phrases: CustomerPhrases) -> String {
        guard let latest = story.shop.last else { return phrases.incident(incident.kind) }
        return story.action(phrases, latest)
    }

    /// Opens a `customerReport` case for the customer's own parcel; nil when the proof fails
    /// (the same answer as an unknown number). Returns the case and when the customer hears next.
    public func report(
        number: String, postcode: String?, email: String?, problem: CustomerProblem, message: String?,
        now: Date
    ) async throws(StoreError) -> (incident: Incident, nextUpdateBy: Date)? {
        guard let (shipment, order) = try await owned(number: number, postcode: postcode, email: email) else { return nil }
        let text = message.map { String($0.prefix(2000)) } ?? ""
        let trigger = IncidentTrigger(
            kind: .customerReport,
            subject: .shipment(id: shipment.id, orderId: order.id, carrier: shipment.carrier, trackingNumber: shipment.trackingNumber),
            evidence: "report:\(problem.rawValue):\(ISOTime.utc(now))",
            summary: "customer reports \(problem.rawValue) for \(shipment.carrier) \(shipment.trackingNumber)" + (text.isEmpty ? "" : ": \(text)"))
        let plan = IncidentPlanner(config: config).plan(kind: .customerReport, value: order.value, now: now)
        let notice: NoticeDraft?
        do throws(NoticeError) {
            notice = try composer?.notice(
                kind: .customerReport, dedupeKey: "report:\(shipment.id):\(trigger.evidence)", order: order,
                shipment: shipment, plan: plan, now: now, problem: problem)
        } catch { throw .notice(error) }
        switch try await store.write({ try $0.cases.raise(trigger, plan: plan, notice: notice, at: now) }) {
        case .opened(let incident):
            return (incident, Self.nextUpdate(for: incident, now: now))
        case .retriggered(let id), .unchanged(let id), .absorbed(let id):
            guard let incident = try await store.read({ try $0.cases.incident(id: id) }) else { return nil }
            return (incident, Self.nextUpdate(for: incident, now: now))
        case .suppressed:
            return nil
        }
    }

    /// When the customer hears next: the notice deadline until they have been told, then the
    /// resolution deadline.
    static func nextUpdate(for incident: Incident, now: Date) -> Date {
        if incident.notifiedAt == nil, let notice = incident.noticeDue, notice > now { return notice }
        return max(incident.nextUpdateDue ?? incident.resolutionDue, now)
    }

    /// The parcel and order `number` names, when the proof matches. A wrong proof and an unknown
    /// number take the same path: one statement (``Store/parcelProofs(trackingNumber:)``), then
    /// a comparison that costs the same against a real order as against the stand-in an unknown
    /// number gets (``CustomerProof``). Only a match reads more.
    private func owned(number: String, postcode: String?, email: String?) async throws(StoreError) -> (Shipment, Order)? {
        let normalized = CarrierRegistry.normalize(number)
        let proof = CustomerProof(postcode: postcode, email: email)
        guard !normalized.isEmpty, !proof.isEmpty else { return nil }
        // One snapshot: the proofs, then (only on a match) the parcel and its order.
        let started = ContinuousClock.now
        let found = try await store.read { tx -> (Shipment, Order)? in
            let candidates = try tx.customers.parcelProofs(trackingNumber: normalized)
            var owned: ParcelProof?
            if candidates.isEmpty {
                _ = proof.checkAgainstNothing()
            } else {
                for candidate in candidates where proof.matches(postcode: candidate.postcode, email: candidate.email) && owned == nil {
                    owned = candidate
                }
            }
            guard let owned,
                let shipment = try tx.shipments.shipments(ShipmentFilter(trackingNumber: normalized)).first(where: { $0.id == owned.shipmentId }),
                let order = try tx.shipments.order(id: owned.orderId)
            else { return nil }
            return (shipment, order)
        }
        if found == nil { await Self.padMiss(since: started) }
        return found
    }

    /// The same statements still leave the storage's own difference (a known number's order row
    /// is read from its page, an unknown one's is not: about 20 µs on a 1 ms lookup). A miss ends
    /// on the next whole millisecond since it began, so its duration says nothing about why.
    private static func padMiss(since started: ContinuousClock.Instant) async {
        let quantum = Duration.milliseconds(1)
        let slots = (started.duration(to: .now) / quantum).rounded(.up)
        try? await Task.sleep(until: started + quantum * max(1, slots), clock: .continuous)
    }
}

/// The answer to a customer's report (`report-problem --json`, `POST /api/track/{number}/report`):
/// their case number and when they hear next.
public struct CustomerReportReceipt: Sendable, Codable, Equatable {
    /// Always true: the report was recorded.
    public var reported = true
    /// The case number, to quote when writing to the shop.
    public var incident: Int64
    /// When the customer hears from the shop next (ISO 8601, UTC).
    public var nextUpdateBy: String

    /// A receipt for case `incident`, with the next update due at `nextUpdateBy`.
    public init(incident: Int64, nextUpdateBy: Date) {
        self.incident = incident
        self.nextUpdateBy = ISOTime.utc(nextUpdateBy)
    }
}

/// A parcel as its customer sees it (`parcelwatch track --postcode … --json`).
public struct CustomerParcel: Sendable, Equatable, Encodable {
    /// The most urgent customer-facing case, in the customer's words.
    public struct Incident: Sendable, Equatable, Codable {
        public var kind: String
        public var message: String
        public var nextUpdateBy: String
    }

    public var trackingNumber: String
    public var carrier: String
    public var status: String
    public var reason: String?
    public var promisedDate: String?
    /// The language the texts are in (the order's, or English).
    public var language: String
    public var events: [TrackingReport.Event]
    public var incident: Incident?
    /// The whole order as it stands: every parcel (replacements included) and what the shop did.
    public var order: OrderStory?
    /// When it will probably arrive, with where that comes from, in the customer's language;
    /// nil once delivered or with nothing to go on.
    public var estimate: EstimateView?

    /// Writes exactly the documented keys, nulls included (the language is for people only:
    /// the texts in `incident` are already in it).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(trackingNumber, forKey: .trackingNumber)
        try container.encode(carrier, forKey: .carrier)
        try container.encode(status, forKey: .status)
        try container.encode(reason, forKey: .reason)
        try container.encode(promisedDate, forKey: .promisedDate)
        try container.encode(events, forKey: .events)
        try container.encode(incident, forKey: .incident)
        try container.encode(order, forKey: .order)
        try container.encode(estimate, forKey: .estimate)
    }

    enum CodingKeys: String, CodingKey {
        case trackingNumber, carrier, status, reason, promisedDate, events, incident, order, estimate
    }
}

extension CustomerParcel: Decodable {
    /// Reads what ``encode(to:)`` wrote; the language is not in the JSON (a server sends it as
    /// `Content-Language`), so it reads as English until the caller sets it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            trackingNumber: try container.decode(String.self, forKey: .trackingNumber),
            carrier: try container.decode(String.self, forKey: .carrier),
            status: try container.decode(String.self, forKey: .status),
            reason: try container.decodeIfPresent(String.self, forKey: .reason),
            promisedDate: try container.decodeIfPresent(String.self, forKey: .promisedDate), language: "en",
            events: try container.decode([TrackingReport.Event].self, forKey: .events),
            incident: try container.decodeIfPresent(Incident.self, forKey: .incident),
            order: try container.decodeIfPresent(OrderStory.self, forKey: .order),
            estimate: try container.decodeIfPresent(EstimateView.self, forKey: .estimate))
    }
}
