import Foundation

// When the time rules next need a look. Every time-based rule (stalled, lost by silence, late,
// notDispatched) turns on at a computable instant, so a sweep looks only at the parcels and
// orders whose instant has come or whose facts just changed, not at the whole table.

extension IncidentDetector {
    /// The first instant after `now` at which ``triggers(shipment:order:now:)`` can give a
    /// trigger it does not give at `now`, the parcel's facts unchanged; nil when time alone adds
    /// none (a terminal parcel, a pending one without a promise).
    ///
    /// It may be early (the rules then find nothing new and the next instant is computed), never
    /// late: every threshold crossing is among the candidates.
    public func nextDue(shipment: Shipment, order: Order, now: Date) -> Date? {
        var instants: [Date] = []
        if let last = shipment.lastEventAt, !shipment.status.isTerminal, shipment.status != .pending {
            let calendar = calendar(carrier: shipment.carrier)
            let thresholds = policy.thresholds(for: shipment.carrier)
            let lastDay = CivilDate(last, in: timeZone)
            // `silent >= days` first holds on the `days`-th business day after the last scan.
            instants.append(calendar.adding(businessDays: thresholds.stalledDays, to: lastDay).start(in: timeZone))
            if shipment.status == .inTransit {
                instants.append(calendar.adding(businessDays: thresholds.lostDays, to: lastDay).start(in: timeZone))
            }
        }
        instants += lateInstants(promised: shipment.promise(order: order), status: shipment.status)
        return instants.filter { $0 > now }.min()
    }

    /// The first instant after `now` at which ``triggers(order:shipments:now:)`` can give a
    /// trigger it does not give at `now`; nil once a carrier has a parcel of the order.
    public func nextDue(order: Order, shipments: [Shipment], now: Date) -> Date? {
        guard !shipments.contains(where: { $0.status != .pending && $0.status != .infoReceived }) else { return nil }
        var instants: [Date] = []
        if let paid = order.paidAt {
            let calendar = calendar(carrier: shipments.first?.carrier)
            instants.append(calendar.adding(businessDays: policy.notDispatchedDays, to: CivilDate(paid, in: timeZone)).start(in: timeZone))
        }
        if shipments.isEmpty { instants += lateInstants(promised: order.promisedDate, status: .pending) }
        return instants.filter { $0 > now }.min()
    }

    /// Every setting the instants depend on, in one line: a store whose stored instants were
    /// computed under other settings must look at everything again. The leading version names
    /// this code's rules; change it when a rule's timing changes.
    public var scheduleFingerprint: String {
        let overrides = policy.carrierThresholds.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value.stalledDays)/\($0.value.lostDays)" }
        let countries = carrierCountries.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return [
            "rules-v2", "zone=\(timeZone.identifier)", "country=\(shopCountry)",
            "stalled=\(policy.thresholds.stalledDays)", "lost=\(policy.thresholds.lostDays)",
            "overrides=\(overrides.joined(separator: ","))", "notDispatched=\(policy.notDispatchedDays)",
            "cutoff=\(policy.lateCutoffMinutes)", "extraHolidays=\(policy.extraHolidays.map(\.description).joined(separator: ","))",
            "carriers=\(countries.joined(separator: ","))",
            "lateRisk=\(lateRiskRule.threshold)/\(lateRiskRule.clearThreshold)",
        ].joined(separator: ";")
    }

    /// The instants at which ``lateness(promised:status:estimated:now:)`` can turn on: the
    /// cutoff on the promised day and the start of the day after it.
    private func lateInstants(promised: String?, status: TrackingStatus) -> [Date] {
        guard let promised, let day = CivilDate(promised), status != .delivered, status != .returned, status != .returning else { return [] }
        let start = day.start(in: timeZone)
        return [start.addingTimeInterval(TimeInterval(policy.lateCutoffMinutes * 60)), day.adding(days: 1).start(in: timeZone)]
    }
}
