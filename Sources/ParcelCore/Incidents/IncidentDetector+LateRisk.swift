import Foundation

// The early warning (issue 18, lateRisk): the lane model's chance of the parcel arriving by its
// promised day, judged by ``LateRiskRule`` with the config's threshold. Pure like the other rules:
// the caller (the incident engine) gives the estimate it made from the run's lane model.

extension IncidentDetector {
    /// What the lateRisk rule makes of `estimate` for `shipment` of `order`: a trigger below the
    /// threshold while the promised day is today or later, "caught up" at the clear threshold or
    /// above, nothing otherwise (see ``LateRiskFinding``).
    ///
    /// The evidence is the promise (`promised:2026-12-04`), not the chance: the case opens once
    /// per promise and a chance that moves while it is open does not retrigger it.
    public func lateRisk(shipment: Shipment, order: Order, estimate: DeliveryEstimate?) -> LateRiskFinding {
        guard let estimate, let promised = estimate.promisedDate, let chance = estimate.probabilityByPromise,
            promised >= estimate.today, !shipment.status.isTerminal
        else { return .unchanged }
        let carrierWords = "\(shipment.carrier) \(shipment.trackingNumber)"
        let percent = "\(Int((chance * 100).rounded()))%"
        if lateRiskRule.isAtRisk(estimate, wasAtRisk: false) {
            let window = estimate.p50 == estimate.p90 ? "\(estimate.p50)" : "\(estimate.p50) to \(estimate.p90)"
            return .atRisk(
                IncidentTrigger(
                    kind: .lateRisk,
                    subject: .shipment(id: shipment.id, orderId: order.id, carrier: shipment.carrier, trackingNumber: shipment.trackingNumber),
                    evidence: "promised:\(promised)",
                    summary: "\(carrierWords): \(percent) chance of arriving by the promised \(promised), now expected \(window)"))
        }
        if !lateRiskRule.isAtRisk(estimate, wasAtRisk: true) {
            return .caughtUp("the parcel caught up: \(percent) chance of arriving by the promised \(promised)")
        }
        return .unchanged
    }

    /// When the lateRisk rule next needs a look at a parcel whose facts do not change: the next
    /// midnight in the shop's zone (a day passing without delivery lowers the chance), while the
    /// parcel is not terminal and its promised day is today or later; nil otherwise. The engine
    /// asks only when its lane model has an estimate with a chance for the parcel.
    public func nextLateRiskLook(shipment: Shipment, order: Order, now: Date) -> Date? {
        guard !shipment.status.isTerminal, let promised = shipment.promise(order: order).flatMap(CivilDate.init) else { return nil }
        let today = CivilDate(now, in: timeZone)
        guard promised >= today else { return nil }
        return today.adding(days: 1).start(in: timeZone)
    }
}
