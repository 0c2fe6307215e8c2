import Foundation

/// The rules that turn what Parcelwatch knows into incident triggers (the incidents issue,
/// "Detection"). Pure: the same facts and the same "now" always give the same triggers, so every
/// rule is tested with fixed clocks.
///
/// Days are judged in the shop's time zone; business days use the carrier's country (the shop's
/// for orders no carrier has yet), its national holidays and the config's extra days.
public struct IncidentDetector: Sendable {
    let policy: IncidentPolicy
    let timeZone: TimeZone
    let shopCountry: String
    let carrierCountries: [String: String]
    /// When a parcel's falling chance of meeting its promise opens and clears lateRisk.
    let lateRiskRule: LateRiskRule

    /// Creates a detector for the shop's settings and carriers.
    public init(config: ShopConfig, carrierCountries: [String: String]) {
        policy = config.policy
        timeZone = config.timeZone
        shopCountry = config.country
        self.carrierCountries = carrierCountries
        lateRiskRule = config.estimates.lateRiskRule
    }

    /// The business calendar of `carrier`'s country, or the shop's.
    public func calendar(carrier: String?) -> BusinessCalendar {
        BusinessCalendar(country: carrier.flatMap { carrierCountries[$0] } ?? shopCountry, extraHolidays: policy.extraHolidays)
    }

    /// Triggers for one parcel of `order`.
    public func triggers(shipment: Shipment, order: Order, now: Date) -> [IncidentTrigger] {
        let subject = IncidentTrigger.Subject.shipment(
            id: shipment.id, orderId: order.id, carrier: shipment.carrier,
            trackingNumber: shipment.trackingNumber)
        var found: [IncidentTrigger] = []
        func add(_ kind: IncidentKind, _ evidence: String, _ summary: String) {
            found.append(IncidentTrigger(kind: kind, subject: subject, evidence: evidence, summary: summary))
        }
        let statusEvidence = "status:\(shipment.status.rawValue):\(shipment.reason?.rawValue ?? "")"
        let carrierWords = "\(shipment.carrier) \(shipment.trackingNumber)"
        switch (shipment.status, shipment.reason) {
        case (.exception, .damaged?): add(.damaged, statusEvidence, "\(carrierWords): the carrier reports the parcel damaged")
        case (.exception, .lost?): add(.lost, statusEvidence, "\(carrierWords): the carrier reports the parcel lost")
        case (.exception, .damagedOrLost?): add(.damagedOrLost, statusEvidence, "\(carrierWords): the carrier reports the parcel damaged or lost")
        case (.exception, .customsHold?): add(.customsHold, statusEvidence, "\(carrierWords): held by customs")
        case (.exception, .addressIssue?): add(.addressIssue, statusEvidence, "\(carrierWords): the carrier cannot use the address")
        case (.exception, .refused?): add(.returnedToSender, statusEvidence, "\(carrierWords): refused, going back to the shop")
        case (.attemptFailed, _): add(.deliveryFailed, statusEvidence, "\(carrierWords): a delivery attempt failed")
        case (.returning, _), (.returned, _): add(.returnedToSender, statusEvidence, "\(carrierWords): returned to the shop")
        default: break
        }

        let today = CivilDate(now, in: timeZone)
        let thresholds = policy.thresholds(for: shipment.carrier)
        if let last = shipment.lastEventAt, !shipment.status.isTerminal, shipment.status != .pending {
            let silent = calendar(carrier: shipment.carrier).businessDays(after: CivilDate(last, in: timeZone), through: today)
            let since = "silent since \(ISOTime.utc(last))"
            if silent >= thresholds.stalledDays {
                add(.stalled, since, "\(carrierWords): no news for \(silent) business days (last scan \(ISOTime.utc(last)))")
            }
            if shipment.status == .inTransit, silent >= thresholds.lostDays {
                add(.lost, since, "\(carrierWords): presumed lost, no scan in transit for \(silent) business days")
            }
        }
        let promise = shipment.promise(order: order)
        if let late = lateness(promised: promise, status: shipment.status, estimated: shipment.estimatedDelivery, now: now) {
            add(.late, "promised:\(promise ?? "")", "\(carrierWords): \(late)")
        }
        return found
    }

    /// Triggers for an order as a whole: paid but not with a carrier, or promised and unshipped.
    /// `shipments` are the order's parcels (none for an order never shipped).
    public func triggers(order: Order, shipments: [Shipment], now: Date) -> [IncidentTrigger] {
        let accepted = shipments.contains { $0.status != .pending && $0.status != .infoReceived }
        guard !accepted else { return [] }
        var found: [IncidentTrigger] = []
        let subject = IncidentTrigger.Subject.order(id: order.id)
        let today = CivilDate(now, in: timeZone)
        if let paid = order.paidAt {
            let calendar = calendar(carrier: shipments.first?.carrier)
            let waited = calendar.businessDays(after: CivilDate(paid, in: timeZone), through: today)
            if waited >= policy.notDispatchedDays {
                let what = shipments.isEmpty ? "no shipment yet" : "the carrier has no parcel yet (label only)"
                found.append(
                    IncidentTrigger(
                        kind: .notDispatched, subject: subject, evidence: "paid:\(ISOTime.utc(paid))",
                        summary: "order \(order.id): paid \(waited) business days ago, \(what)"))
            }
        }
        if shipments.isEmpty, let late = lateness(promised: order.promisedDate, status: .pending, estimated: nil, now: now) {
            found.append(
                IncidentTrigger(
                    kind: .late, subject: subject, evidence: "promised:\(order.promisedDate ?? "")",
                    summary: "order \(order.id): \(late)"))
        }
        return found
    }

    /// Why an open case's evidence is gone (the parcel moved again, arrived, was first scanned,
    /// or the carrier no longer reports the hold), or nil while it stands.
    public func evidenceGone(_ review: CaseReview) -> String? {
        let incident = review.incident
        if incident.kind == .notDispatched {
            guard let scanned = review.orderShipments.first(where: { $0.status != .pending && $0.status != .infoReceived }) else { return nil }
            return "the carrier has the parcel now (\(scanned.carrier) \(scanned.trackingNumber): \(scanned.status.rawValue))"
        }
        guard let shipment = review.shipment else { return nil }
        if shipment.status == .delivered {
            return "the parcel was delivered" + (shipment.lastEventAt.map { " (\(ISOTime.utc($0)))" } ?? "")
        }
        switch incident.kind {
        case .stalled, .lost:
            // Silence cases name the last scan they waited after: any newer scan ends them. A
            // `lost` the carrier itself reported ends only with the delivery.
            guard let since = Self.silence(incident.evidence), let last = shipment.lastEventAt, last > since else { return nil }
            return "the parcel moved again (scan at \(ISOTime.utc(last)), \(shipment.status.rawValue))"
        case .customsHold, .addressIssue:
            guard shipment.status != .exception else { return nil }
            return "the carrier no longer reports the problem (now \(shipment.status.rawValue))"
        default:
            return nil
        }
    }

    /// The instant in `silent since 2026-11-17T08:00:00Z` evidence.
    static func silence(_ evidence: String?) -> Date? {
        guard let evidence, evidence.hasPrefix("silent since ") else { return nil }
        return ISOTime.parse(String(evidence.dropFirst("silent since ".count)))
    }

    /// One `trackingBroken` trigger per carrier the sweep found paused or changed.
    public func triggers(carrier: String, paused: Bool, formatChanged: Int, lastError: String?, now: Date) -> IncidentTrigger? {
        guard paused || formatChanged > 0 else { return nil }
        let why =
            formatChanged > 0
            ? "\(formatChanged) answer(s) no longer match carriers/\(carrier).yaml"
            : "the carrier keeps failing (\(lastError ?? "errors")), sweeps paused it"
        return IncidentTrigger(
            kind: .trackingBroken, subject: .carrier(carrier), evidence: "day:\(CivilDate(now, in: timeZone))",
            summary: "\(carrier): \(why)")
    }

    /// Why the promised date is missed, or nil while it can still be kept.
    func lateness(promised: String?, status: TrackingStatus, estimated: Date?, now: Date) -> String? {
        guard let promisedText = promised, let day = CivilDate(promisedText),
            status != .delivered, status != .returned, status != .returning
        else { return nil }
        let today = CivilDate(now, in: timeZone)
        if today > day { return "promised for \(day), not delivered" }
        if today == day {
            let minutes = Int(now.timeIntervalSince(day.start(in: timeZone)) / 60)
            if minutes >= policy.lateCutoffMinutes, status != .outForDelivery, status != .availableForPickup {
                // Staff read this in digests days later: no "today".
                let cutoff = String(format: "%02d:%02d", policy.lateCutoffMinutes / 60, policy.lateCutoffMinutes % 60)
                return "promised for \(day), not out for delivery by \(cutoff) that day"
            }
        }
        if let estimated, CivilDate(estimated, in: timeZone) > day {
            return "the carrier now expects \(CivilDate(estimated, in: timeZone)), after the promised \(day)"
        }
        return nil
    }
}
