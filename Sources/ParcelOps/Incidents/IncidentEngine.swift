import Foundation
import ParcelCore
import ParcelStore

/// Runs the incident rules over the orders and shipments that are due (their next instant came
/// or their facts changed) and escalates breached SLA clocks; the sweep calls it after its
/// fetches, and it can run on its own on a clock.
public struct IncidentEngine: Sendable {
    private let store: Store
    private let detector: IncidentDetector
    private let planner: IncidentPlanner
    private let composer: NoticeComposer?
    private let workflows: WorkflowPolicy
    private let escalation: EscalationPolicy
    private let pageSize: Int
    /// The lane model's configuration (`estimates.window_days`).
    private let lanes: LaneModel.Configuration
    /// The shop's country and the carriers' countries and names: what places a parcel in its
    /// lane for the lateRisk rule's estimate (as `track` and /api place it).
    private let originCountry: String
    private let carrierCountries: [String: String]
    private let carrierNames: [String: String]

    /// Creates an engine for the shop's settings and carriers; with `templates`, every new
    /// customer-facing case queues its customer notice in the same transaction.
    public init(store: Store, config: ShopConfig, registry: CarrierRegistry, templates: NoticeTemplates? = nil, pageSize: Int = 500) {
        self.store = store
        var countries: [String: String] = [:]
        var names: [String: String] = [:]
        for carrier in registry.carriers {
            countries[carrier.id] = carrier.country
            names[carrier.id] = carrier.name
        }
        detector = IncidentDetector(config: config, carrierCountries: countries)
        planner = IncidentPlanner(config: config)
        composer = templates.map { NoticeComposer(templates: $0, config: config, carrierNames: names) }
        workflows = config.workflows
        escalation = config.escalation
        lanes = config.estimates.modelConfiguration
        originCountry = config.country
        carrierCountries = countries
        carrierNames = names
        self.pageSize = pageSize
    }

    /// Raises one trigger with its plan and, for customer-facing kinds, its notice; `estimate`
    /// (lateRisk) gives the notice the new expected window.
    ///
    /// The notice is rendered only for a finding the store does not know yet, and outside the
    /// write: a case that is already open, or was closed with this very evidence, needs none.
    private func raise(
        _ trigger: IncidentTrigger, order: Order?, shipment: Shipment?, estimate: DeliveryEstimate? = nil, now: Date
    ) async throws(StoreError) -> RaiseOutcome {
        let plan = planner.plan(kind: trigger.kind, value: order?.value, now: now)
        let decision = order.map { workflows.decide(kind: trigger.kind, order: $0) } ?? .wait
        var notice: NoticeDraft?
        if let order, composer != nil, try await !store.read({ try $0.cases.knows(trigger) }) {
            // The notice states the whole order as it stands (its other parcels, what the shop did).
            let story = plan.customerFacing ? try await store.read { try $0.cases.orderStory(orderId: order.id) } : nil
            notice = try composeNotice(
                trigger, order: order, shipment: shipment, plan: plan, decision: decision, story: story, estimate: estimate, now: now)
        }
        // The case, its notice and its policy action commit together: a crash leaves all or none.
        // The policy acts (or proposes) on new cases only; staff decide everything else.
        let outcome = try await store.write { [notice] tx in
            let outcome = try tx.cases.raise(trigger, plan: plan, notice: notice, at: now)
            if case .opened(let incident) = outcome, let order {
                if notice == nil, incident.customerFacing {
                    // Another worker closed the case it knew between the look and this write: the
                    // new case gets its notice here, in the same transaction.
                    let story = try tx.cases.orderStory(orderId: order.id)
                    if let late = try composeNotice(
                        trigger, order: order, shipment: shipment, plan: plan, decision: decision, story: story, estimate: estimate, now: now)
                    {
                        try tx.outbox.enqueue(late, incidentId: incident.id)
                    }
                }
                try Self.requestPolicyAction(decision, incident: incident.id, order: order, tx: tx, at: now)
            }
            return outcome
        }
        if case .opened = outcome { Failpoint.hit("case-opened") }
        return outcome
    }

    /// The customer's notice of a new case, nil without templates.
    private func composeNotice(
        _ trigger: IncidentTrigger, order: Order, shipment: Shipment?, plan: IncidentPlan, decision: WorkflowPolicy.Decision,
        story: OrderStory?, estimate: DeliveryEstimate? = nil, now: Date
    ) throws(StoreError) -> NoticeDraft? {
        guard let composer else { return nil }
        do throws(NoticeError) {
            return try composer.notice(
                kind: trigger.kind, dedupeKey: "incident:\(trigger.subject.key):\(trigger.kind.rawValue):\(trigger.evidence)", order: order,
                shipment: shipment, plan: plan, now: now, decision: decision, story: story, estimate: estimate)
        } catch { throw .notice(error) }
    }

    /// Requests what the policy decided for a new case (nothing for `.wait`), inside `tx`.
    private static func requestPolicyAction(
        _ decision: WorkflowPolicy.Decision, incident: Int64, order: Order, tx: StoreTransaction, at now: Date
    ) throws {
        switch decision {
        case .act(let action):
            _ = try tx.actions.requestAction(incidentId: incident, kind: action, amount: order.value, state: .pending, actor: "policy", at: now)
        case .propose(let action):
            _ = try tx.actions.requestAction(incidentId: incident, kind: action, amount: order.value, state: .proposed, actor: "policy", at: now)
        case .wait:
            break
        }
    }

    /// Open cases a crash left without the action their policy calls for (a store an older
    /// version wrote, which committed the two apart) get it now, once: each request is idempotent
    /// and audited as `action.repaired`.
    private func repairMissingActions(now: Date) async throws(StoreError) -> Int {
        var repaired = 0
        var after: Int64 = 0
        // Paged: cases whose policy says wait stay without an action and must not hide later ones.
        while true {
            let page = try await store.read { [after, pageSize] tx in try tx.cases.openWithoutActions(after: after, limit: pageSize) }
            guard let last = page.last else { return repaired }
            after = last.incident.id
            for (incident, order) in page {
                let decision = workflows.decide(kind: incident.kind, order: order)
                guard decision != .wait else { continue }
                try await store.write { tx in
                    try Self.requestPolicyAction(decision, incident: incident.id, order: order, tx: tx, at: now)
                    try tx.console.audit(
                        AuditEntry(
                            at: now, actor: "policy", action: "action.repaired", subject: "incident:\(incident.id)",
                            detail: "the case had no action; the policy's was requested"))
                }
                repaired += 1
            }
        }
    }

    /// A carrier the sweep found in trouble.
    public struct CarrierSignal: Sendable, Equatable {
        public var carrier: String
        public var paused: Bool
        public var formatChanged: Int
        public var lastError: String?

        /// Creates a signal.
        public init(carrier: String, paused: Bool, formatChanged: Int, lastError: String?) {
            self.carrier = carrier
            self.paused = paused
            self.formatChanged = formatChanged
            self.lastError = lastError
        }
    }

    /// What one run did.
    public struct Summary: Sendable, Equatable, Codable {
        /// New cases by kind.
        public var opened: [String: Int] = [:]
        /// Open cases that got new evidence.
        public var retriggered = 0
        /// SLA breaches escalated (each exactly once).
        public var escalated = 0
        /// Follow-up notices sent because a promised update was due.
        public var followUps = 0
        /// Cases closed by themselves because their evidence went (`resolvedByCarrier`).
        public var resolvedByCarrier = 0
        /// Cases whose evidence went while an action was pending or done: flagged for staff.
        public var flagged = 0
        /// Findings taken into a more severe open case of the same parcel.
        public var absorbed = 0
        /// Open cases that had no action though their policy calls for one (a crash under an
        /// older version), given it now.
        public var repairedActions = 0
        /// Parcels and orders whose rules were due (their instant came or their facts changed):
        /// the work of the run, which does not grow with the table.
        public var looked = 0

        /// Creates an empty summary.
        public init() {}
    }

    /// Evaluates every rule at `now` on what is due, opens or updates cases, escalates breaches.
    public func run(now: Date, carriers signals: [CarrierSignal] = []) async throws(StoreError) -> Summary {
        var summary = Summary()
        func record(_ outcome: RaiseOutcome) {
            switch outcome {
            case .opened(let incident): summary.opened[incident.kind.rawValue, default: 0] += 1
            case .retriggered: summary.retriggered += 1
            case .absorbed: summary.absorbed += 1
            case .unchanged, .suppressed: break
            }
        }
        // The lane model folds in this sweep's deliveries and is saved, once per run: estimates
        // read between sweeps (track, /api, shipments) then fold only what came since.
        // The lateRisk rule estimates the due parcels with this same model.
        let model = try await store.write { [lanes] tx in try tx.lanes.model(configuration: lanes) }
        let estimator = ParcelEstimator(model: model, originCountry: originCountry, carrierCountries: carrierCountries, carrierNames: carrierNames)
        // Settings the stored instants were computed under changed: everything is due again.
        _ = try await store.write { [detector] tx in try tx.cases.adoptRuleSettings(detector.scheduleFingerprint) }
        // Only what is due: a parcel or order whose instant came or whose facts just changed.
        var shipmentsNext: [RulesNext<Int64>] = []
        var after: (due: Double, id: Int64) = (-1, 0)
        while true {
            let page = try await store.read { [after, pageSize] tx in try tx.cases.shipmentsDueForRules(at: now, after: after, limit: pageSize) }
            guard let last = page.last else { break }
            after = (last.due, last.candidate.shipment.id)
            // The event times the lateRisk estimates need, for the whole page in one read.
            let watched = page.filter(\.watched).map(\.candidate.shipment.id)
            let facts = try await store.read { tx in try tx.lanes.estimateFacts(shipmentIDs: watched) }
            for due in page {
                let (shipment, order) = (due.candidate.shipment, due.candidate.order)
                var next: Date?
                if due.watched {
                    for trigger in detector.triggers(shipment: shipment, order: order, now: now) {
                        record(try await raise(trigger, order: order, shipment: shipment, now: now))
                    }
                    next = detector.nextDue(shipment: shipment, order: order, now: now)
                    let times = [facts[shipment.id]?.firstEventAt, facts[shipment.id]?.lastEventAt].compactMap { $0 }
                    let estimate = estimator.estimate(shipment, order: order, eventTimes: times, now: now)
                    switch detector.lateRisk(shipment: shipment, order: order, estimate: estimate) {
                    case .atRisk(let trigger):
                        record(try await raise(trigger, order: order, shipment: shipment, estimate: estimate, now: now))
                    case .caughtUp(let reason):
                        if try await closeLateRisk(shipment: shipment, order: order, reason: reason, now: now) { summary.resolvedByCarrier += 1 }
                    case .unchanged:
                        break
                    }
                    // A day passing lowers the chance: while the lane gives one, look again tomorrow.
                    if estimate?.probabilityByPromise != nil, let look = detector.nextLateRiskLook(shipment: shipment, order: order, now: now) {
                        next = min(next ?? look, look)
                    }
                }
                shipmentsNext.append(RulesNext(id: shipment.id, version: due.version, next: next))
            }
        }
        var ordersNext: [RulesNext<String>] = []
        var afterOrder: (due: Double, id: String) = (-1, "")
        while true {
            let page = try await store.read { [afterOrder, pageSize] tx in try tx.cases.ordersDueForRules(at: now, after: afterOrder, limit: pageSize) }
            guard let last = page.last else { break }
            afterOrder = (last.due, last.candidate.order.id)
            for due in page {
                let (order, shipments) = (due.candidate.order, due.candidate.shipments)
                var next: Date?
                if due.watched {
                    for trigger in detector.triggers(order: order, shipments: shipments, now: now) {
                        record(try await raise(trigger, order: order, shipment: nil, now: now))
                    }
                    next = detector.nextDue(order: order, shipments: shipments, now: now)
                }
                ordersNext.append(RulesNext(id: order.id, version: due.version, next: next))
            }
        }
        for signal in signals {
            guard
                let trigger = detector.triggers(
                    carrier: signal.carrier, paused: signal.paused, formatChanged: signal.formatChanged,
                    lastError: signal.lastError, now: now)
            else { continue }
            record(try await raise(trigger, order: nil, shipment: nil, now: now))
        }
        summary.repairedActions = try await repairMissingActions(now: now)
        // Cases whose evidence went close before any clock is looked at: they escalate no more.
        let (closed, flagged) = try await closeWhereEvidenceWent(now: now)
        summary.resolvedByCarrier += closed
        summary.flagged += flagged
        // One digest per staff member for the run; the count stays "breaches escalated".
        summary.escalated = try await store.write { try $0.cases.escalate(now: now, policy: escalation) }.count
        summary.followUps = try await followUps(now: now)
        // Last, once the cases of due parcels were reviewed: when each looked-at row is next due.
        summary.looked = shipmentsNext.count + ordersNext.count
        for start in stride(from: 0, to: max(shipmentsNext.count, ordersNext.count), by: pageSize) {
            let shipments = Array(shipmentsNext[min(start, shipmentsNext.count)..<min(start + pageSize, shipmentsNext.count)])
            let orders = Array(ordersNext[min(start, ordersNext.count)..<min(start + pageSize, ordersNext.count)])
            try await store.write(serialized: false) { try $0.cases.schedule(shipments: shipments, orders: orders) }
        }
        return summary
    }

    /// Cases close themselves when their evidence goes: a stalled parcel moves again, a late or
    /// lost one arrives, an order not dispatched gets its first scan. No clock runs on them
    /// after that; a customer who heard of the problem hears the good news once.
    private func closeWhereEvidenceWent(now: Date) async throws(StoreError) -> (closed: Int, flagged: Int) {
        var closed = 0, flagged = 0
        var after: Int64 = 0
        while true {
            let page = try await store.read { [after, pageSize] tx in try tx.cases.casesToReview(dueBy: now, after: after, limit: pageSize) }
            guard let last = page.last else { break }
            after = last.incident.id
            for review in page {
                guard let reason = detector.evidenceGone(review) else { continue }
                let parcel = review.shipment ?? review.orderShipments.first { $0.status != .pending && $0.status != .infoReceived }
                switch try await resolveByItself(review.incident, order: review.order, parcel: parcel, reason: reason, now: now) {
                case .closed: closed += 1
                case .flagged: flagged += 1
                case .unchanged: break
                }
            }
        }
        return (closed, flagged)
    }

    /// Closes `incident` as resolved by the carrier with `reason`, queuing the good news for a
    /// customer who heard of the problem (or flags it for staff when an action is under way);
    /// `caughtUp` makes the good news say the parcel is back on time for its promise.
    private func resolveByItself(
        _ incident: Incident, order: Order?, parcel: Shipment?, reason: String, caughtUp: Bool = false, now: Date
    ) async throws(StoreError) -> CarrierResolution {
        var story: OrderStory?
        if let order, composer != nil { story = try await store.read { try $0.cases.orderStory(orderId: order.id) } }
        var goodNews: NoticeDraft?
        if let order, let composer {
            do throws(NoticeError) {
                goodNews = try composer.milestone(
                    "goodNews", dedupeKey: "goodnews:\(incident.id)", order: order, shipment: parcel,
                    nextUpdateBy: now, now: now, extra: ["delivered": parcel?.status == .delivered, "caughtUp": caughtUp], story: story)
            } catch { throw .notice(error) }
        }
        return try await store.write { [goodNews] tx in
            try tx.cases.resolveByCarrier(incidentId: incident.id, reason: reason, goodNews: goodNews, at: now)
        }
    }

    /// The parcel's open lateRisk case closes by itself once its chance is back at the clear
    /// threshold; true when one closed.
    private func closeLateRisk(shipment: Shipment, order: Order, reason: String, now: Date) async throws(StoreError) -> Bool {
        let filter = IncidentFilter(kinds: [.lateRisk], shipmentId: shipment.id, openOnly: true, limit: 1)
        guard let open = try await store.read({ try $0.cases.incidents(filter) }).first else { return false }
        return try await resolveByItself(open, order: order, parcel: shipment, reason: reason, caughtUp: true, now: now) == .closed
    }

    /// Keeps the promise of every notice: when "you will hear from us by …" comes and the case is
    /// still open, the customer gets an update and a new promise (one business day later).
    private func followUps(now: Date) async throws(StoreError) -> Int {
        guard let composer else { return 0 }
        var sent = 0
        for incident in try await store.read({ try $0.cases.dueFollowUps(now: now, limit: pageSize) }) {
            guard let orderId = incident.orderId, let order = try await store.read({ try $0.shipments.order(id: orderId) }),
                let promised = incident.nextUpdateDue
            else { continue }
            var shipment: Shipment?
            if let number = incident.trackingNumber {
                shipment = try await store.read { try $0.shipments.shipments(ShipmentFilter(carrier: incident.carrier, trackingNumber: number)) }.first
            }
            let next = planner.afterBusinessDays(1, from: now)
            let story = try await store.read { try $0.cases.orderStory(orderId: order.id) }
            let notice: NoticeDraft
            do throws(NoticeError) {
                notice = try composer.milestone(
                    "stillWorking", dedupeKey: "followup:\(incident.id):\(ISOTime.utc(promised))", order: order,
                    shipment: shipment, nextUpdateBy: next, now: now,
                    extra: ["askedCarrier": incident.trackingNumber != nil], story: story)
            } catch { throw .notice(error) }
            try await store.write { try $0.cases.recordFollowUp(incidentId: incident.id, notice: notice, nextUpdateDue: next, at: now) }
            sent += 1
        }
        return sent
    }
}
