import Curl
import Foundation
import ParcelCore
import ParcelStore

/// One tracking sweep: select due shipments, fetch them politely and concurrently, merge what
/// carriers say, schedule the next look (README, "Sweeps").
///
/// Every shipment's update is one store transaction, so a sweep killed at any moment loses no
/// committed event and the next sweep duplicates nothing (events are unique by fingerprint).
/// Carrier errors are data: they are counted in the summary, never thrown.
public struct Sweeper: Sendable {
    private let store: Store
    private let registry: CarrierRegistry
    private let fetcher: CarrierFetcher
    private let clock: ParcelClock
    private let options: SweepOptions
    private let progress: (@Sendable (SweepProgress) -> Void)?
    private let shouldStop: @Sendable () -> Bool
    private let incidents: IncidentEngine?
    private let notices: NoticeDeliverer?
    private let actions: ActionExecutor?
    private let milestones: NoticeComposer?
    /// The shop's country, where parcels are handed over: the lane model's origin.
    private let originCountry: String?
    /// The shop's zone, the report's summaries are kept in.
    private let reportTimeZone: TimeZone?

    /// Creates a sweeper. `shouldStop` is asked before each new shipment starts (a signal sets
    /// it); in-flight work always finishes and commits.
    /// With `incidents`, the incident rules run over all open orders and shipments after the
    /// fetches, and breached SLA clocks are escalated; with `notices`, the outbox is delivered.
    /// `originCountry` is the shop's country, the origin of the lanes deliveries are learnt in
    /// (nil: each carrier's own country, for a shop shipping within one country). With
    /// `reportTimeZone` (the shop's), the report's per-day summaries take in what the sweep changed.
    public init(
        store: Store, registry: CarrierRegistry, fetcher: CarrierFetcher, clock: ParcelClock, options: SweepOptions = SweepOptions(),
        incidents: IncidentEngine? = nil, actions: ActionExecutor? = nil, notices: NoticeDeliverer? = nil,
        milestones: NoticeComposer? = nil, originCountry: String? = nil, reportTimeZone: TimeZone? = nil,
        progress: (@Sendable (SweepProgress) -> Void)? = nil, shouldStop: @escaping @Sendable () -> Bool = { false }
    ) {
        self.incidents = incidents
        self.milestones = milestones
        self.originCountry = originCountry
        self.reportTimeZone = reportTimeZone
        self.actions = actions
        self.notices = notices
        self.store = store
        self.registry = registry
        self.fetcher = fetcher
        self.clock = clock
        self.options = options
        self.progress = progress
        self.shouldStop = shouldStop
    }

    /// Runs the sweep.
    /// - Throws: ``StoreError`` only when the store itself fails; carrier failures are in the summary.
    public func run() async throws(StoreError) -> SweepSummary {
        let started = ContinuousClock.now
        let now = clock.now
        let tally = Tally(now: now, total: try await store.read { try $0.shipments.countDue(now: now, all: options.all) }, started: started, progress: progress)
        var health: [String: CarrierHealth] = [:]
        for record in try await store.read({ try $0.shipments.carrierHealth() }) { health[record.carrier] = record }
        var gates: [String: CarrierGate] = [:]
        for carrier in registry.carriers {
            gates[carrier.id] = CarrierGate(
                limits: carrier.limits, rateOverride: options.rateOverride(for: carrier.id),
                concurrencyOverride: options.concurrencyOverride(for: carrier.id),
                consecutiveFailures: health[carrier.id]?.consecutiveFailures ?? 0,
                probeFirst: carrier.source.auth != nil)
        }
        let context = Context(
            store: store, fetcher: fetcher, options: options, now: now, gates: gates, tally: tally, milestones: milestones,
            originCountry: originCountry)

        // The stages: select the due parcels and fetch and apply each (single requests side by
        // side, feeds and batches collected), then the feeds and batches, then what the carriers'
        // health became; then decide (incidents), act (workflows) and deliver (notices).
        let grouped = try await selectAndCheck(context, health: health, tally: tally)
        try await checkGrouped(grouped, context: context, tally: tally)
        try await recordHealth(health, gates: gates, tally: tally, now: now)
        // Fetch counts and latencies go into the store, where /metrics finds them from any machine.
        let counters = await tally.counters()
        try await store.write(serialized: false) { try $0.reports.addToCounters(counters) }
        var summary = await tally.summary
        let windows = registry.carriers.flatMap { QuotaWindow.windows(for: $0.limits, at: now).map(\.key) }
        for usage in try await store.read({ try $0.shipments.quotaUsage(windows: Array(Set(windows))) }) {
            summary.quotas[usage.carrier, default: [:]][usage.window] = "\(usage.used)/\(usage.quota)"
        }
        if !summary.interrupted { try await decideActDeliver(&summary, tally: tally, now: now) }
        // What changed goes into the report's summaries, so `report` reads days, not parcels.
        if !summary.interrupted, let reportTimeZone { try await store.refreshReportSummaries(timeZone: reportTimeZone) }
        summary.durationSeconds = started.duration(to: .now).inSeconds
        try await store.write { [summary] tx in
            try tx.console.audit(
                AuditEntry(
                    at: now, actor: "sweep", action: "sweep", subject: "shipments",
                    detail: "checked \(summary.checked), changed \(summary.changed), new events \(summary.newEvents), "
                        + "errors \(summary.errorCount), skipped \(summary.skipped)" + (summary.interrupted ? ", interrupted" : "")))
        }
        return summary
    }

    /// Parcels by carrier that are fetched together: a feed's whole account, a batch's numbers.
    private struct Grouped {
        var feeds: [String: [DueShipment]] = [:]
        var batches: [String: [DueShipment]] = [:]
    }

    /// Stages 1–3 for single requests: claims the due parcels page by page (each under a lease),
    /// fetches and applies each one, at most `--concurrency` at once; parcels of feed and batch
    /// carriers are collected for ``checkGrouped(_:context:tally:)``.
    private func selectAndCheck(_ context: Context, health: [String: CarrierHealth], tally: Tally) async throws(StoreError) -> Grouped {
        let now = context.now
        var grouped = Grouped()
        var after = ClaimCursor.start
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                var inFlight = 0
                paging: while true {
                    // The lease is taken on the clock as it is now, not as the sweep began: a long
                    // sweep must not hand out leases that have already run out for other workers.
                    let page = try await store.write(serialized: false) { [after] tx in
                        try tx.shipments.claimDueShipments(
                            now: clock.now, all: options.all, after: after, limit: options.pageSize,
                            worker: options.worker, lease: options.lease)
                    }
                    guard let last = page.last else { break }
                    after = ClaimCursor(after: last.shipment)
                    var unchecked: [Int64] = []
                    for (index, due) in page.enumerated() {
                        if shouldStop() {
                            await tally.interrupt()
                            try await store.write(serialized: false) { [unchecked] tx in
                                try tx.shipments.releaseShipments(unchecked + page[index...].map(\.shipment.id))
                            }
                            break paging
                        }
                        guard let carrier = try? registry.carrier(due.shipment.carrier) else {
                            await tally.failed(carrier: due.shipment.carrier, kind: "unknownCarrier")
                            unchecked.append(due.shipment.id)
                            continue
                        }
                        if let paused = health[carrier.id]?.pausedUntil, paused > now {
                            await tally.skipped(carrier: carrier.id, pausedUntil: paused)
                            unchecked.append(due.shipment.id)
                            continue
                        }
                        if carrier.isFeed {
                            grouped.feeds[carrier.id, default: []].append(due)
                            continue
                        }
                        if carrier.isBatch {
                            grouped.batches[carrier.id, default: []].append(due)
                            continue
                        }
                        if inFlight >= max(1, options.concurrency) {
                            try await group.next()
                            inFlight -= 1
                        }
                        inFlight += 1
                        group.addTask { try await context.check(due, carrier: carrier) }
                    }
                    try await store.write(serialized: false) { [unchecked] tx in try tx.shipments.releaseShipments(unchecked) }
                }
                try await group.waitForAll()
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw .failed(operation: "sweeping", detail: "\(error)")
        }
        return grouped
    }

    /// Stages 2–3 for feeds (one request per account) and batches (one per chunk of numbers).
    private func checkGrouped(_ grouped: Grouped, context: Context, tally: Tally) async throws(StoreError) {
        for (carrierID, dues) in grouped.feeds.sorted(by: { $0.key < $1.key }) {
            guard !shouldStop(), let carrier = try? registry.carrier(carrierID) else {
                try await store.write(serialized: false) { try $0.shipments.releaseShipments(dues.map(\.shipment.id)) }
                continue
            }
            try await context.checkFeed(dues, carrier: carrier)
        }
        for (carrierID, dues) in grouped.batches.sorted(by: { $0.key < $1.key }) {
            guard let carrier = try? registry.carrier(carrierID), let size = carrier.source.batch?.max else { continue }
            for start in stride(from: 0, to: dues.count, by: size) {
                let chunk = Array(dues[start..<min(dues.count, start + size)])
                guard !shouldStop() else {
                    await tally.interrupt()
                    try await store.write(serialized: false) { try $0.shipments.releaseShipments(dues[start...].map(\.shipment.id)) }
                    break
                }
                try await context.checkBatch(chunk, carrier: carrier)
            }
        }

    }

    /// Carrier health: failure counts, trips, halts and format changes, kept for the next sweep.
    private func recordHealth(_ health: [String: CarrierHealth], gates: [String: CarrierGate], tally: Tally, now: Date) async throws(StoreError) {
        let formatChanges = await tally.summary.formatChanged
        for carrier in registry.carriers {
            guard let gate = gates[carrier.id] else { continue }
            var record = health[carrier.id] ?? CarrierHealth(carrier: carrier.id)
            let failures = await gate.consecutiveFailures
            let tripped = await gate.isOpen
            let changed = formatChanges[carrier.id] ?? 0
            let lastError = await tally.lastError(carrier: carrier.id)
            let halt = await gate.halt
            guard failures != record.consecutiveFailures || tripped || changed > 0 || lastError != nil || halt != nil else { continue }
            record.consecutiveFailures = failures
            record.formatChanged += changed
            if tripped {
                let until = now.addingTimeInterval(options.breakerCooldown)
                record.pausedUntil = until
                await tally.paused(carrier: carrier.id, until: until)
            }
            if let halt {
                if halt.reason == "credentialsRejected" {
                    // Refused credentials are not retried in a storm: paused like a tripped breaker,
                    // and the incident rules open a staff-only trackingBroken case.
                    let until = now.addingTimeInterval(options.breakerCooldown)
                    record.pausedUntil = until
                    await tally.paused(carrier: carrier.id, until: until)
                } else if let until = halt.until {
                    record.pausedUntil = max(record.pausedUntil ?? until, until)
                    await tally.quotaPaused(carrier: carrier.id, until: until)
                }
            }
            if let lastError {
                record.lastError = lastError
                record.lastErrorAt = now
            }
            try await store.write { [record] tx in try tx.shipments.saveCarrierHealth(record) }
        }
    }

    /// Stages 4–6, after every fetch: the incident rules decide (with the carriers' signals),
    /// workflows act, the outbox is delivered.
    private func decideActDeliver(_ summary: inout SweepSummary, tally: Tally, now: Date) async throws(StoreError) {
        if let incidents {
            var signals: [IncidentEngine.CarrierSignal] = []
            for carrier in registry.carriers {
                let paused = summary.pausedCarriers[carrier.id] != nil
                let changed = summary.formatChanged[carrier.id] ?? 0
                guard paused || changed > 0 else { continue }
                signals.append(.init(carrier: carrier.id, paused: paused, formatChanged: changed, lastError: await tally.lastError(carrier: carrier.id)))
            }
            summary.incidents = try await incidents.run(now: now, carriers: signals)
        }
        if let actions {
            summary.actions = try await actions.run(now: now)
        }
        if let notices {
            summary.notices = try await notices.deliver(now: now)
        }
    }

}

/// What every check task shares.
private struct Context: Sendable {
    let store: Store
    let fetcher: CarrierFetcher
    let options: SweepOptions
    let now: Date
    let gates: [String: CarrierGate]
    let tally: Tally
    let milestones: NoticeComposer?
    /// The shop's country: the origin of the lanes deliveries are learnt in.
    let originCountry: String?

    /// Checks one shipment: fetch (with retries), then one transaction.
    func check(_ due: DueShipment, carrier: CarrierDefinition) async throws(StoreError) {
        let shipment = due.shipment
        guard let gate = gates[carrier.id] else { return }
        if await gate.isOpen {
            await tally.skipped(carrier: carrier.id, pausedUntil: nil)
            try await store.write(serialized: false) { try $0.shipments.releaseShipments([shipment.id]) }
            return
        }
        let validators = CacheValidators(etag: shipment.etag, lastModified: shipment.lastModified)
        var inputs: [String: String] = [:]
        if carrier.request.inputs.contains("postcode") { inputs["postcode"] = due.postcode }
        // `--all` forces the check, not a full download: the stored validators still go.
        let asked = try await ask(carrier, gate: gate, probe: true) { () throws(TrackingError) in
            try await fetcher.track(shipment.trackingNumber, carrier: carrier, inputs: inputs, validators: validators.isEmpty ? nil : validators)
        }
        switch asked {
        case .notAsked:
            try await store.write(serialized: false) { try $0.shipments.releaseShipments([shipment.id]) }
        case .failed(let error):
            try await fail(shipment, carrier: carrier, error: error, gate: gate)
        case .answered(.notModified):
            try await store.write(serialized: false) {
                try $0.shipments.recordUnchanged(
                    shipmentID: shipment.id, checkedAt: now, nextCheckAt: options.schedule.next(after: now, status: shipment.status))
            }
            await tally.unchanged(notModified: true)
        case .answered(.updated(let result, let newValidators)):
            await tally.skippedEvents(result.skippedEvents)
            let milestone = try milestone(for: shipment, order: due.order, events: result.events)
            let applied = try await store.write(serialized: false) {
                try $0.shipments.apply(
                    TrackingUpdate(
                        shipmentID: shipment.id, events: result.events, estimatedDelivery: result.estimatedDelivery?.date,
                        etag: newValidators.etag, lastModified: newValidators.lastModified, checkedAt: now, schedule: options.schedule,
                        destinationCountry: carrier.country, originCountry: originCountry, milestone: milestone))
            }
            await tally.applied(applied)
        }
    }

    /// How one request to a carrier ended, after the sweep's retries.
    enum Asked<Answer: Sendable>: Sendable {
        /// The carrier answered.
        case answered(Answer)
        /// It failed for good in this sweep.
        case failed(TrackingError)
        /// No request went (or no retry): the carrier is halted, its quota is spent.
        case notAsked
    }

    /// The one retry/acquire loop every fetch goes through, single, batch or feed: a quota
    /// request first, then for each attempt the gate's slot (concurrency, rate), the fetch and its
    /// time counted; a failure worth retrying waits (backoff, or the carrier's `Retry-After`,
    /// which also pauses its gate) and asks the quota again. With `probe`, the first attempt of an
    /// authenticated source goes alone, and refused credentials halt the carrier before the
    /// waiting checks go.
    func ask<Answer: Sendable>(
        _ carrier: CarrierDefinition, gate: CarrierGate, probe: Bool,
        _ fetch: () async throws(TrackingError) -> Answer
    ) async throws(StoreError) -> Asked<Answer> {
        var probing = probe ? await gate.enterProbe() : false
        guard try await mayAsk(carrier, gate: gate) else {
            if probing { await gate.finishProbe() }
            return .notAsked
        }
        var attempt = 0
        while true {
            await gate.acquire()
            let requested = ContinuousClock.now
            let outcome: Result<Answer, TrackingError>
            do throws(TrackingError) { outcome = .success(try await fetch()) } catch { outcome = .failure(error) }
            await gate.release()
            await tally.fetched(carrier: carrier.id, seconds: (ContinuousClock.now - requested).inSeconds)
            if probing {
                if case .failure(.credentialsRejected) = outcome { await gate.halt("credentialsRejected", until: nil) }
                await gate.finishProbe()
                probing = false
            }
            switch outcome {
            case .success(let answer):
                await gate.recordSuccess()
                return .answered(answer)
            case .failure(let error):
                guard let wait = retryDelay(for: error, attempt: attempt) else { return .failed(error) }
                attempt += 1
                if case .httpStatus(_, _, let retryAfter?) = error { await gate.pause(seconds: retryAfter) }
                try? await Task.sleep(for: wait)
                guard try await mayAsk(carrier, gate: gate) else { return .notAsked }
            }
        }
    }

    /// Whether one more request may go to `carrier` now: not halted in this sweep, and one
    /// request taken from its hourly and daily quotas in the store (shared by every worker).
    /// A spent quota halts the carrier until its window resets.
    private func mayAsk(_ carrier: CarrierDefinition, gate: CarrierGate) async throws(StoreError) -> Bool {
        if let halt = await gate.halt {
            // Counted apart from the one refused request, so the summary shows a single refusal.
            let kinds = ["credentialsRejected": "skippedAfterRefusal", "quotaExceeded": "skippedQuotaExceeded"]
            await tally.skipped(carrier: carrier.id, reason: kinds[halt.reason] ?? halt.reason)
            return false
        }
        let windows = QuotaWindow.windows(for: carrier.limits, at: now)
        guard !windows.isEmpty else { return true }
        if try await store.write({ try $0.shipments.takeQuota(carrier: carrier.id, windows: windows) }) { return true }
        await gate.halt("quotaSpent", until: windows.map(\.resetsAt).min())
        await tally.skipped(carrier: carrier.id, reason: "quotaSpent")
        return false
    }

    /// One request for a batch of parcels (counted once against the quotas); each parcel's
    /// answer, or its own error, is applied to it alone.
    func checkBatch(_ dues: [DueShipment], carrier: CarrierDefinition) async throws(StoreError) {
        guard let gate = gates[carrier.id] else { return }
        let numbers = dues.map(\.shipment.trackingNumber)
        let asked: Asked<[BatchAnswer]>
        if await gate.isOpen {
            asked = .notAsked
        } else {
            asked = try await ask(carrier, gate: gate, probe: false) { () throws(TrackingError) in
                try await fetcher.trackBatch(numbers, carrier: carrier)
            }
        }
        switch asked {
        case .notAsked:
            try await store.write(serialized: false) { try $0.shipments.releaseShipments(dues.map(\.shipment.id)) }
        case .failed(let error):
            for due in dues { try await fail(due.shipment, carrier: carrier, error: error, gate: gate) }
        case .answered(let answers):
            var byNumber: [String: Result<TrackingResult, TrackingError>] = [:]
            for answer in answers { byNumber[answer.number] = answer.outcome }
            for due in dues {
                let shipment = due.shipment
                switch byNumber[shipment.trackingNumber] {
                case .success(let result)?:
                    await tally.skippedEvents(result.skippedEvents)
                    let milestone = try milestone(for: shipment, order: due.order, events: result.events)
                    let applied = try await store.write(serialized: false) {
                        try $0.shipments.apply(
                            TrackingUpdate(
                                shipmentID: shipment.id, events: result.events, estimatedDelivery: result.estimatedDelivery?.date,
                                checkedAt: now, schedule: options.schedule, destinationCountry: carrier.country, originCountry: originCountry,
                                milestone: milestone))
                    }
                    await tally.applied(applied)
                case .failure(let error)?:
                    try await fail(shipment, carrier: carrier, error: error, gate: gate)
                case nil:
                    try await fail(
                        shipment, carrier: carrier,
                        error: .formatChanged(carrier: carrier.id, detail: "the batch answer leaves out \(shipment.trackingNumber)"), gate: gate)
                }
            }
        }
    }

    /// The customer's milestone notice (shipped, out for delivery) for the change an answer makes,
    /// written with the change itself, once each (the dedupe key is the shipment's). The order
    /// came with the due shipment: no extra read per parcel.
    ///
    /// It is rendered here, before the write, for the status the answer's newest event gives; the
    /// write uses it when the stored history agrees, and renders inside only in the rare case
    /// where it does not (an older event of the answer decides).
    private func milestone(
        for shipment: Shipment, order: Order, events: [TrackingEvent]
    ) throws(StoreError) -> (@Sendable (AppliedUpdate) throws(StoreError) -> NoticeDraft?)? {
        guard let milestones else { return nil }
        let now = self.now
        @Sendable func name(from previous: TrackingStatus, to status: TrackingStatus) -> String? {
            if status == .outForDelivery { return "outForDelivery" }
            if [.pending, .infoReceived].contains(previous), ![.pending, .infoReceived, .unknown].contains(status) { return "shipped" }
            return nil
        }
        @Sendable func render(_ name: String, status: TrackingStatus) throws(StoreError) -> NoticeDraft {
            var current = shipment
            current.status = status
            do throws(NoticeError) {
                return try milestones.milestone(
                    name, dedupeKey: "\(name):\(shipment.id)", order: order, shipment: current,
                    nextUpdateBy: now.addingTimeInterval(24 * 3600), now: now)
            } catch { throw .notice(error) }
        }
        var prepared: (status: TrackingStatus, draft: NoticeDraft)?
        if let newest = events.filter({ $0.status != .unknown }).max(by: { $0.time.date < $1.time.date }),
            newest.status != shipment.status, newest.time.date >= shipment.lastEventAt ?? .distantPast,
            let milestone = name(from: shipment.status, to: newest.status)
        {
            prepared = (newest.status, try render(milestone, status: newest.status))
        }
        return { [prepared] (applied) throws(StoreError) in
            guard applied.statusChanged, let milestone = name(from: applied.previousStatus, to: applied.status) else { return nil }
            if let prepared, prepared.status == applied.status, prepared.draft.template == milestone { return prepared.draft }
            return try render(milestone, status: applied.status)
        }
    }

    /// One request for a feed carrier's whole account; events routed to shipments by number.
    func checkFeed(_ dues: [DueShipment], carrier: CarrierDefinition) async throws(StoreError) {
        guard let gate = gates[carrier.id] else { return }
        var inputs: [String: String] = [:]
        if let lookback = carrier.feedLookback { inputs["since"] = ISOTime.utc(now.addingTimeInterval(-lookback)) }
        let asked = try await ask(carrier, gate: gate, probe: false) { () throws(TrackingError) in
            let response: HTTPResponse
            do { response = try await fetcher.fetch(carrier: carrier, number: "", inputs: inputs) } catch let error as TrackingError {
                throw error
            } catch {
                throw .unreadable(carrier: carrier.id, detail: "\(error)")
            }
            if response.status == 429 || response.status >= 500 {
                throw .httpStatus(carrier: carrier.id, status: response.status, retryAfter: response.retryAfter(now: Date().timeIntervalSince1970))
            }
            return try CarrierParser(definition: carrier).parseFeed(response.body, contentType: response.contentType, httpStatus: response.status)
        }
        let parsed: [TrackingResult]
        switch asked {
        case .notAsked:
            try await store.write(serialized: false) { try $0.shipments.releaseShipments(dues.map(\.shipment.id)) }
            return
        case .failed(let error):
            for due in dues { try await fail(due.shipment, carrier: carrier, error: error, gate: gate) }
            return
        case .answered(let answer):
            parsed = answer
        }
        var results: [String: TrackingResult] = [:]
        for result in parsed { results[result.trackingNumber] = result }
        for due in dues {
            let shipment = due.shipment
            if let result = results[shipment.trackingNumber] {
                let applied = try await store.write(serialized: false) {
                    try $0.shipments.apply(
                        TrackingUpdate(
                            shipmentID: shipment.id, events: result.events, estimatedDelivery: result.estimatedDelivery?.date,
                            checkedAt: now, schedule: options.schedule, destinationCountry: carrier.country, originCountry: originCountry))
                }
                await tally.applied(applied)
            } else {
                try await store.write(serialized: false) {
                    try $0.shipments.recordUnchanged(
                        shipmentID: shipment.id, checkedAt: now,
                        nextCheckAt: options.schedule.next(after: now, status: shipment.status))
                }
                await tally.unchanged(notModified: false)
            }
        }
    }

    /// How long to wait before another attempt, or nil when this failure is final for this sweep.
    private func retryDelay(for error: TrackingError, attempt: Int) -> Duration? {
        guard attempt < options.retries else { return nil }
        switch error {
        case .httpStatus(_, let status, let retryAfter) where status == 429 || status == 503:
            if let retryAfter {
                return retryAfter <= options.maxRetryAfter ? .milliseconds(Int64(retryAfter * 1000)) : nil
            }
        case .httpStatus(_, let status, _) where status >= 500:
            break
        case .unreachable(_, let curlError) where curlError.kind != "tooLarge" && curlError.kind != "invalidURL":
            break
        case .transient:
            break
        default:
            return nil
        }
        let jittered = options.retryBase.inSeconds * pow(2, Double(attempt)) * Double.random(in: 0.5...1.5)
        return .milliseconds(Int64(jittered * 1000))
    }

    /// Records a failed check: the shipment keeps its status and is retried later; the carrier's
    /// breaker counts it unless the carrier answered properly (unknown number, changed format).
    private func fail(_ shipment: Shipment, carrier: CarrierDefinition, error: TrackingError, gate: CarrierGate) async throws(StoreError) {
        let next: Date
        switch error {
        case .credentialsRejected:
            await gate.halt("credentialsRejected", until: nil)
            await tally.credentialsRejected(carrier: carrier.id)
            next = options.schedule.retry(after: now, failures: shipment.consecutiveFailures + 1)
        case .quotaExceeded(_, let retryAfter):
            // The carrier's own count says the quota is spent: wait for its window to reset (its
            // Retry-After, counted on Parcelwatch's clock), else for the file's nearest window.
            let until =
                retryAfter.map { now.addingTimeInterval($0) } ?? QuotaWindow.windows(for: carrier.limits, at: now).map(\.resetsAt).min()
                ?? now.addingTimeInterval(options.breakerCooldown)
            await gate.halt("quotaExceeded", until: until)
            next = max(until, options.schedule.retry(after: now, failures: shipment.consecutiveFailures + 1))
        case .missingCredential:
            next = options.schedule.retry(after: now, failures: shipment.consecutiveFailures + 1)
        case .notYetAvailable:
            await gate.recordSuccess()
            try await store.write(serialized: false) {
                try $0.shipments.recordUnchanged(
                    shipmentID: shipment.id, checkedAt: now,
                    nextCheckAt: options.schedule.next(after: now, status: shipment.status))
            }
            await tally.unchanged(notModified: false)
            return
        case .notFound, .formatChanged, .badRule:
            // The carrier answered; a changed format or a rule that cannot finish is the carrier
            // file's to fix, and counts toward the carrier's "format changed" case.
            await gate.recordSuccess()
            next = options.schedule.next(after: now, status: shipment.status) ?? options.schedule.retry(after: now, failures: shipment.consecutiveFailures + 1)
            if case .formatChanged = error { await tally.formatChanged(carrier: carrier.id) }
            if case .badRule = error { await tally.formatChanged(carrier: carrier.id) }
        case .httpStatus(_, _, let retryAfter?):
            next = max(now.addingTimeInterval(retryAfter), options.schedule.retry(after: now, failures: shipment.consecutiveFailures + 1))
            if await gate.recordFailure(threshold: options.breakerThreshold) { await tally.tripped(carrier: carrier.id) }
        default:
            next = options.schedule.retry(after: now, failures: shipment.consecutiveFailures + 1)
            if await gate.recordFailure(threshold: options.breakerThreshold) { await tally.tripped(carrier: carrier.id) }
        }
        try await store.write(serialized: false) {
            try $0.shipments.recordFailure(shipmentID: shipment.id, checkedAt: now, error: "\(error.kind): \(error.description)", nextCheckAt: next)
        }
        await tally.failed(carrier: carrier.id, kind: error.kind, message: error.description)
    }
}

/// The running count behind the summary and the progress bar.
private actor Tally {
    private(set) var summary = SweepSummary()
    private var done = 0
    private var lastErrors: [String: String] = [:]
    private let started: ContinuousClock.Instant
    private let progress: (@Sendable (SweepProgress) -> Void)?

    init(now: Date, total: Int, started: ContinuousClock.Instant, progress: (@Sendable (SweepProgress) -> Void)?) {
        summary.now = ISOTime.utc(now)
        summary.due = total
        self.started = started
        self.progress = progress
    }

    func applied(_ update: AppliedUpdate) {
        summary.checked += 1
        summary.newEvents += update.newEvents
        if update.newEvents > 0 || update.statusChanged { summary.changed += 1 } else { summary.unchanged += 1 }
        if update.statusChanged {
            let from = update.previousStatus.rawValue + (update.previousReason.map { "(\($0.rawValue))" } ?? "")
            let to = update.status.rawValue + (update.reason.map { "(\($0.rawValue))" } ?? "")
            summary.statusChanges["\(from)→\(to)", default: 0] += 1
        }
        advance()
    }

    func unchanged(notModified: Bool) {
        summary.checked += 1
        summary.unchanged += 1
        if notModified { summary.notModified += 1 }
        advance()
    }

    func failed(carrier: String, kind: String, message: String? = nil) {
        summary.checked += 1
        summary.count(error: kind, carrier: carrier)
        if let message { lastErrors[carrier] = message }
        advance()
    }

    func skipped(carrier: String, pausedUntil: Date?) {
        summary.skipped += 1
        summary.count(error: "circuitOpen", carrier: carrier)
        if let pausedUntil { summary.pausedCarriers[carrier] = ISOTime.utc(pausedUntil) }
        advance()
    }

    func skipped(carrier: String, reason: String) {
        summary.skipped += 1
        summary.count(error: reason, carrier: carrier)
        advance()
    }

    func skippedEvents(_ count: Int) {
        summary.skippedEvents += count
    }

    func quotaPaused(carrier: String, until: Date) {
        summary.quotaPaused[carrier] = ISOTime.utc(until)
    }

    func credentialsRejected(carrier: String) {
        if !summary.credentialsRejected.contains(carrier) { summary.credentialsRejected.append(carrier) }
    }

    func tripped(carrier: String) {
        summary.pausedCarriers[carrier] = summary.pausedCarriers[carrier] ?? "pending"
    }

    func paused(carrier: String, until: Date) {
        summary.pausedCarriers[carrier] = ISOTime.utc(until)
    }

    func formatChanged(carrier: String) {
        summary.formatChanged[carrier, default: 0] += 1
    }

    /// Requests made and seconds spent per carrier, for `/metrics`.
    private(set) var fetches: [String: (count: Int, seconds: Double)] = [:]

    func fetched(carrier: String, seconds: Double) {
        fetches[carrier, default: (0, 0)].count += 1
        fetches[carrier, default: (0, 0)].seconds += seconds
    }

    /// This sweep as increments of the store's counters (read back by `parcelwatch serve`'s `/metrics`).
    func counters() -> [CounterValue] {
        var values = [CounterValue(name: "parcelwatch_sweeps_total", value: 1)]
        for (carrier, fetch) in fetches {
            values.append(CounterValue(name: "parcelwatch_fetches_total", labels: ["carrier": carrier], value: Double(fetch.count)))
            values.append(CounterValue(name: "parcelwatch_fetch_seconds_sum", labels: ["carrier": carrier], value: fetch.seconds))
        }
        for (carrier, kinds) in summary.errors {
            for (kind, count) in kinds {
                values.append(CounterValue(name: "parcelwatch_fetch_errors_total", labels: ["carrier": carrier, "kind": kind], value: Double(count)))
            }
        }
        return values
    }

    func interrupt() {
        summary.interrupted = true
    }

    func lastError(carrier: String) -> String? { lastErrors[carrier] }

    private func advance() {
        done += 1
        progress?(SweepProgress(done: done, total: summary.due, errors: summary.errorCount, elapsed: started.duration(to: .now).inSeconds))
    }
}
