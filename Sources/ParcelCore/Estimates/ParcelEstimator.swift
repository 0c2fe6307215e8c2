import Foundation

/// Estimates for the shop's own parcels: a ``LaneModel`` and what it needs to place a stored
/// shipment in a lane (the countries and the carriers' names), shared by `track`, `/api`,
/// `shipments`, `incident show` and the lateRisk rule so that they all say the same.
public struct ParcelEstimator: Sendable {
    /// The model.
    public let model: LaneModel
    /// The country parcels are handed over in: the shop's.
    public let originCountry: String
    /// Carrier ids to the countries they deliver in (their files' `country`); a carrier missing
    /// here is taken to deliver in the shop's country.
    public let carrierCountries: [String: String]
    /// Carrier ids to the names customers read (`InPost`), for the explanation.
    public let carrierNames: [String: String]

    /// An estimator over `model`.
    public init(model: LaneModel, originCountry: String, carrierCountries: [String: String] = [:], carrierNames: [String: String] = [:]) {
        self.model = model
        self.originCountry = originCountry
        self.carrierCountries = carrierCountries
        self.carrierNames = carrierNames
    }

    /// The country `carrier` delivers in.
    public func destinationCountry(of carrier: String) -> String { carrierCountries[carrier] ?? originCountry }

    /// The in-flight parcel a stored shipment is: its order's postcode and payment, its promise
    /// (``Shipment/promise(order:)``), its first and last event as scans, the carrier's estimate.
    public func inFlight(_ shipment: Shipment, order: Order, eventTimes: [Date]) -> InFlightParcel {
        let destination = destinationCountry(of: shipment.carrier)
        return InFlightParcel(
            carrier: shipment.carrier, carrierName: carrierNames[shipment.carrier], originCountry: originCountry,
            destinationCountry: destination, postcode: order.postcode, paidAt: order.paidAt, firstScanAt: eventTimes.min(),
            lastScanAt: eventTimes.max(), promisedDate: shipment.promise(order: order).flatMap(CivilDate.init),
            carrierEstimate: shipment.estimatedDelivery.map { CivilDate($0, in: CountryZone.zone(destination)) })
    }

    /// The estimate for `shipment` at `now`; nil unless it is still coming
    /// (``TrackingStatus/isComing``): a delivered, damaged, lost or returning parcel has no day
    /// left to promise, and a date beside "your parcel was lost" would contradict the case. Nil
    /// also when neither a lane nor a promise gives one.
    public func estimate(_ shipment: Shipment, order: Order, eventTimes: [Date], now: Date) -> DeliveryEstimate? {
        guard shipment.status.isComing else { return nil }
        return model.estimate(for: inFlight(shipment, order: order, eventTimes: eventTimes), now: now)
    }
}
