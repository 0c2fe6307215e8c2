import Curl
import Foundation

/// Everything Parcelwatch remembers, behind one protocol so the embedded SQLite store and the
/// shared PostgreSQL store pass the same test suite.
///
/// Each method is one transaction: a crash between two calls loses nothing committed and a
/// repeated call duplicates nothing (events are unique by fingerprint, imports are upserts).
public protocol Store: Sendable {
    /// A short description for people (`sqlite:/var/lib/parcelwatch/parcelwatch.sqlite`), never
    /// carrying a password.
    var displayName: String { get }

    // MARK: Orders and import

    /// Upserts validated rows in one transaction, each row in a savepoint of its own so a
    /// conflicting row is rejected alone. `dryRun` rolls everything back and reports what would
    /// have happened. One audit entry records the import.
    func importRows(_ rows: [ImportRow], dryRun: Bool, actor: String, at: Date) async throws(StoreError) -> [ImportOutcome]

    /// The order with `id`.
    func order(id: String) async throws(StoreError) -> Order?

    /// The shipment of `carrier` with `trackingNumber`.
    func shipment(carrier: String, trackingNumber: String) async throws(StoreError) -> Shipment?

    /// Shipments matching `filter`, ordered by id.
    func shipments(_ filter: ShipmentFilter) async throws(StoreError) -> [Shipment]

    /// A shipment's stored events, oldest first.
    func events(shipmentID: Int64) async throws(StoreError) -> [TrackingEvent]

    // MARK: Sweeps

    /// Leases up to `limit` shipments due at `now` (or every shipment with `all`) with an id
    /// above `after`, ordered by id, skipping those another worker holds: each is leased to
    /// `worker` until `now + lease`. Sweep workers on one database share the work this way
    /// (PostgreSQL skips rows another worker is claiming, `FOR UPDATE SKIP LOCKED`), and a dead
    /// worker's parcels are taken up again once its lease runs out. Saving a check
    /// (``apply(_:)``, ``recordUnchanged(shipmentID:checkedAt:nextCheckAt:)``,
    /// ``recordFailure(shipmentID:checkedAt:error:nextCheckAt:)``) or
    /// ``releaseShipments(_:)`` ends the lease. The sweep pages by `after`, so memory stays flat.
    func claimDueShipments(now: Date, all: Bool, after: Int64, limit: Int, worker: String, lease: TimeInterval) async throws(StoreError) -> [DueShipment]

    /// Ends the leases on shipments a worker claimed but will not check (it was stopped, or their
    /// carrier is paused), so another worker need not wait for the lease to run out.
    func releaseShipments(_ ids: [Int64]) async throws(StoreError)

    /// How many shipments ``claimDueShipments(now:all:after:limit:worker:lease:)`` could lease now.
    func countDue(now: Date, all: Bool) async throws(StoreError) -> Int

    /// Merges a carrier answer into a shipment in one transaction: new events inserted by
    /// fingerprint, status and reason recomputed from the newest mapped stored event, validators
    /// and next check stored, failures reset.
    func apply(_ update: TrackingUpdate) async throws(StoreError) -> AppliedUpdate

    /// Records that the carrier answered `304 Not Modified` (or an unchanged feed): only the check
    /// time, the next check and the failure count change.
    func recordUnchanged(shipmentID: Int64, checkedAt: Date, nextCheckAt: Date?) async throws(StoreError)

    /// Records a failed check; status and events stay as they were.
    func recordFailure(shipmentID: Int64, checkedAt: Date, error: String, nextCheckAt: Date) async throws(StoreError)

    /// What the store remembers about each carrier's health (circuit breaker, format changes).
    func carrierHealth() async throws(StoreError) -> [CarrierHealth]

    /// Saves one carrier's health.
    func saveCarrierHealth(_ health: CarrierHealth) async throws(StoreError)

    /// Takes one request from each of `windows` (`day:…`/`hour:…` with its quota) for `carrier`,
    /// atomically across every process and worker: all or none. False when any window is spent.
    func takeQuota(carrier: String, windows: [QuotaWindow]) async throws(StoreError) -> Bool

    /// What has been used of each carrier's quota windows named in `windows`.
    func quotaUsage(windows: [String]) async throws(StoreError) -> [QuotaUsage]

    /// Raw statuses no rule mapped, with how many stored events carry each.
    func unmappedStatuses() async throws(StoreError) -> [UnmappedStatus]

    // MARK: Incidents

    /// Shipments incident rules look at (everything not delivered or expired), with their
    /// orders, `limit` at a time after shipment id `after`.
    func detectionCandidates(after: Int64, limit: Int) async throws(StoreError) -> [DetectionCandidate]

    /// Paid orders none of whose shipments the carrier has accepted yet (none, or label only),
    /// `limit` at a time after order id `after`.
    func ordersAwaitingCarrier(after: String, limit: Int) async throws(StoreError) -> [OrderCandidate]

    /// Opens a case for `trigger`, or adds to the open one of the same subject and kind, in one
    /// transaction; a new customer-facing case's `notice` goes into the outbox in that same
    /// transaction. A closed case with the same evidence is not opened again. New cases get an
    /// owner round-robin over active staff.
    func raise(_ trigger: IncidentTrigger, plan: IncidentPlan, notice: NoticeDraft?, at: Date) async throws(StoreError) -> RaiseOutcome

    /// Cases matching `filter`.
    func incidents(_ filter: IncidentFilter) async throws(StoreError) -> [Incident]

    /// One case.
    func incident(id: Int64) async throws(StoreError) -> Incident?

    /// A case's history, oldest first.
    func incidentHistory(id: Int64) async throws(StoreError) -> [IncidentNote]

    /// A staff action on a case, audited, in one transaction with its customer `notice` (the
    /// "resolved" message). The actor must be staff. An action that would change nothing is
    /// refused and writes nothing: assigning a case to its owner, closing a closed case.
    func act(_ action: IncidentAction, on id: Int64, actor: String, notice: NoticeDraft?, at: Date) async throws(StoreError) -> Incident

    /// Open customer-facing cases whose promised next update is due: the customer was told
    /// "you will hear from us by …", and that time has come.
    func dueFollowUps(now: Date, limit: Int) async throws(StoreError) -> [Incident]

    /// Queues a follow-up notice and moves the promise to `nextUpdateDue`, in one transaction.
    func recordFollowUp(incidentId: Int64, notice: NoticeDraft, nextUpdateDue: Date, at: Date) async throws(StoreError)

    /// Records every SLA clock of an open case that ran out by `now` and was not recorded yet:
    /// each breach is escalated exactly once, however often this runs. Staff hear of a run's new
    /// breaches in one digest each: an owner of their cases; `policy.lead` (when a staff member)
    /// of cases nobody owns and, once per case, of a case breaching a second time (recorded as
    /// an escalation with clock `lead`, not returned). Returns the new breaches.
    func escalate(now: Date, policy: EscalationPolicy) async throws(StoreError) -> [Escalation]

    /// Adds (or renames) a staff member.
    func addStaff(_ member: StaffMember, actor: String, at: Date) async throws(StoreError)

    /// Active staff, by name.
    func staff() async throws(StoreError) -> [StaffMember]

    /// Orders, shipments and cases matching an order id, tracking number, e-mail, phone or name.
    func find(_ query: String) async throws(StoreError) -> FindResult

    // MARK: Workflows

    /// Records an action on a case (one per case and kind): `proposed` waits for staff, `pending`
    /// goes to the executor. A pending request for a proposed one approves it. Asking again
    /// otherwise changes nothing: staff are refused (``StoreError/rejected(_:)``, nothing
    /// written), while the policy (`actor` `policy`) gets the existing action back, so its
    /// retries stay idempotent. The case moves to `actionProposed`. Audited.
    func requestAction(incidentId: Int64, kind: ActionKind, amount: Money?, state: ActionState, actor: String, at: Date) async throws(StoreError)
        -> WorkflowAction

    /// Takes up to `limit` actions due at `now` for execution, leasing them for `lease` seconds so
    /// a second worker skips them and a dead worker's lease runs out.
    func claimActions(now: Date, lease: TimeInterval, limit: Int) async throws(StoreError) -> [WorkflowAction]

    /// The shop's backend acknowledged the action: done, the case moves to `actionTaken`, and the
    /// customer's `notice` (refund issued …) is queued in the same transaction.
    /// With `replacement` (a reship the backend shipped), the replacement parcel is linked in the
    /// same transaction.
    func completeAction(id: Int64, result: String, notice: NoticeDraft?, replacement: ReplacementLink?, at: Date) async throws(StoreError)

    /// The backend's reply cannot be used (its replacement belongs to another order, …): the
    /// action is `failed` with the reason, in the case's history for staff; never retried alone.
    func refuseAction(id: Int64, error: String, at: Date) async throws(StoreError)

    /// The attempt failed; try again at `retryAt`.
    func failAction(id: Int64, error: String, retryAt: Date) async throws(StoreError)

    /// Actions of one case, or every action in `states`.
    func actions(incidentId: Int64?, states: Set<ActionState>) async throws(StoreError) -> [WorkflowAction]

    /// The order as it stands: its parcels (replacements included) and the refunds and reships
    /// under way or done, as every customer-facing text must state it.
    func orderStory(orderId: String) async throws(StoreError) -> OrderStory

    /// Every order (or only `orderId`) in a line for staff: parcels, customer messages, cases and
    /// what the shop did, read in one query per table whatever the number of orders.
    func orderOverviews(orderId: String?) async throws(StoreError) -> [OrderOverview]

    /// Open cases whose evidence may go by itself (``CaseReview/kinds``), by id after `after`.
    func casesToReview(after: Int64, limit: Int) async throws(StoreError) -> [CaseReview]

    /// Closes a case whose evidence went as `resolvedByCarrier`, with `reason` in its history,
    /// its unsent notices superseded and `goodNews` queued when the customer had been told, all
    /// in one transaction; a case with a pending or done action is flagged for staff (once) instead.
    func resolveByCarrier(incidentId: Int64, reason: String, goodNews: NoticeDraft?, at: Date) async throws(StoreError) -> CarrierResolution

    /// A replacement parcel for a case: a new shipment of the same order, linked in the history,
    /// with the customer's "replacement sent" `notice` in the same transaction. It gets its own
    /// promised day by `promise` (late is judged against it, never against the original's).
    func linkReplacement(
        incidentId: Int64, carrier: String, trackingNumber: String, notice: NoticeDraft?, promise: ReplacementPromise,
        actor: String, at: Date
    ) async throws(StoreError) -> Shipment

    // MARK: Outbox

    /// Queues a notice; a second one with the same dedupe key is ignored.
    func enqueue(_ notice: NoticeDraft, incidentId: Int64?) async throws(StoreError)

    /// Leases up to `limit` unsent notices due at `now`, oldest first, for `lease` seconds: a
    /// second worker skips them, and a dead worker's notices go out once the lease runs out.
    /// ``markNoticeSent(id:at:)`` and ``markNoticeFailed(id:error:retryAt:)`` end the lease.
    func claimNotices(now: Date, lease: TimeInterval, limit: Int) async throws(StoreError) -> [OutboxNotice]

    /// Marks a notice delivered; its case moves from `open` to `notified` (audited).
    func markNoticeSent(id: Int64, at: Date) async throws(StoreError)

    /// Records a failed delivery and when to try again.
    func markNoticeFailed(id: Int64, error: String, retryAt: Date) async throws(StoreError)

    /// Notices by state, newest first.
    func notices(_ state: NoticeState, limit: Int) async throws(StoreError) -> [OutboxNotice]

    // MARK: Customer data

    /// Everything held about the customer with `email`: orders, shipments, carrier events, cases
    /// (without staff notes) and the notices sent to them.
    func customerData(email: String) async throws(StoreError) -> CustomerExport

    /// Replaces the customer's personal data (name, e-mail, phone, postcode, notice texts) with an
    /// erased marker; orders, parcels, cases and figures stay. Audited. Returns the orders changed.
    func eraseCustomer(email: String, actor: String, at: Date) async throws(StoreError) -> Int

    /// Deletes closed orders (every parcel delivered, returned or expired, no open case) with no
    /// activity since `before`, with everything that hangs off them. Audited.
    func purge(before: Date, actor: String, at: Date) async throws(StoreError) -> Int

    // MARK: Reports

    /// The shop's figures for shipments and cases created at or after `since` (see
    /// ``ShopReport`` for every definition): per carrier on-time, damage and loss rates, cases by
    /// kind, the median time to the customer's first notice, SLA compliance per clock and the
    /// money refunded, compensated and reshipped per currency. Delivery days are judged in
    /// `timeZone` (the shop's); clocks still unmet are judged at `now`. Read from one snapshot.
    func report(since: Date, now: Date, timeZone: TimeZone) async throws(StoreError) -> ShopReport

    // MARK: Serving

    /// Adds to named counters (created at zero), in one transaction: sweeps on any machine add
    /// their fetch counts and latencies here, and `/metrics` reads them back.
    func addToCounters(_ increments: [CounterValue]) async throws(StoreError)

    /// Every counter, by name and labels.
    func counters() async throws(StoreError) -> [CounterValue]

    /// How many notices wait in the outbox, and how many of them are already due at `now`
    /// (counted in the database: a scrape never loads the backlog).
    func outboxBacklog(now: Date) async throws(StoreError) -> (waiting: Int, overdue: Int)

    /// Records a shop API token by the SHA-256 of its secret (the secret itself is never stored).
    /// The actor must be staff; a name in use is refused.
    func addToken(name: String, tokenHash: String, actor: String, at: Date) async throws(StoreError)

    /// Revokes a token; false when there is no active token of that name. Audited.
    func revokeToken(name: String, actor: String, at: Date) async throws(StoreError) -> Bool

    /// Every token, active and revoked, without secrets.
    func tokens() async throws(StoreError) -> [APIToken]

    /// The name of the active token whose secret hashes to `tokenHash` (its last use is noted), or nil.
    func tokenName(hash tokenHash: String, at: Date) async throws(StoreError) -> String?

    /// Cancels an order: its parcels are no longer checked and its open cases are dismissed, in
    /// one audited transaction. False when there is no such order.
    func cancelOrder(id: String, actor: String, at: Date) async throws(StoreError) -> Bool

    /// Cancels one parcel of an order (it will not be sent, or it was replaced by another
    /// number): no more checks, its open cases dismissed, audited. False when the order has no
    /// such parcel.
    func cancelShipment(orderId: String, carrier: String, trackingNumber: String, actor: String, at: Date) async throws(StoreError) -> Bool

    // MARK: Staff console

    /// Sets a staff member's console password (its bcrypt hash) and lifts any lockout. The actor
    /// must be staff. Audited.
    func setStaffPassword(name: String, passwordHash: String, actor: String, at: Date) async throws(StoreError)

    /// What signing in checks: the member's password hash and lockout, nil for no such member.
    func staffCredentials(name: String) async throws(StoreError) -> StaffCredentials?

    /// Records a sign-in attempt: a success clears the failure count; the `lockAfter`-th failure
    /// in a row locks the member out until `at + lockFor`. Failures and lockouts are audited.
    func recordSignIn(name: String, succeeded: Bool, at: Date, lockAfter: Int, lockFor: TimeInterval) async throws(StoreError)

    /// Records a failed console sign-in from `client` (an IP address) without locking anyone out.
    /// For a member: their failure count goes up and one audit entry names the address as actor
    /// (`client:ADDRESS`), not the member. For a name that is no member: one audit entry per
    /// address per `window` (aligned to multiples of it) counts the attempts; the names typed are
    /// not kept (they are often a password typed in the wrong field).
    func recordFailedSignIn(name: String, client: String, at: Date, window: TimeInterval) async throws(StoreError)

    /// Stores a console session by the SHA-256 of its cookie value, with its CSRF token.
    func createSession(_ session: StaffSession) async throws(StoreError)

    /// The unexpired session whose cookie hashes to `idHash` (its last use is noted), or nil.
    func session(idHash: String, at: Date) async throws(StoreError) -> StaffSession?

    /// Ends a session (sign-out).
    func deleteSession(idHash: String) async throws(StoreError)

    // MARK: Audit

    /// Appends to the audit log.
    func audit(_ entry: AuditEntry) async throws(StoreError)

    /// The newest audit entries first, optionally only those about `subject` (`incident:7`).
    func auditLog(limit: Int, subject: String?) async throws(StoreError) -> [AuditEntry]
}

extension Store {
    /// ``act(_:on:actor:notice:at:)`` without a notice.
    public func act(_ action: IncidentAction, on id: Int64, actor: String, at: Date) async throws(StoreError) -> Incident {
        try await act(action, on: id, actor: actor, notice: nil, at: at)
    }

    /// ``raise(_:plan:notice:at:)`` without a notice.
    public func raise(_ trigger: IncidentTrigger, plan: IncidentPlan, at: Date) async throws(StoreError) -> RaiseOutcome {
        try await raise(trigger, plan: plan, notice: nil, at: at)
    }

    /// ``escalate(now:policy:)`` with owners only: no lead, no console links.
    public func escalate(now: Date) async throws(StoreError) -> [Escalation] {
        try await escalate(now: now, policy: EscalationPolicy())
    }

    /// The newest audit entries first.
    public func auditLog(limit: Int) async throws(StoreError) -> [AuditEntry] {
        try await auditLog(limit: limit, subject: nil)
    }
}

extension Store {
    /// ``completeAction(id:result:notice:replacement:at:)`` without a replacement.
    public func completeAction(id: Int64, result: String, notice: NoticeDraft?, at: Date) async throws(StoreError) {
        try await completeAction(id: id, result: result, notice: notice, replacement: nil, at: at)
    }
}
