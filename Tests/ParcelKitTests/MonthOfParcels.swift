import Foundation
import ParcelCore
import ParcelStore
import TestSupport

/// A month of a shop's parcels with every kind of story the incident rules know: delivered on
/// time, stalled then moving, lost in silence, damaged, delivered late, never scanned, held by
/// customs then released, a failed attempt, an order never shipped, and cancellations. The
/// same scripted month can be played into several stores.
struct MonthOfParcels: Sendable {
    /// One scripted carrier event.
    struct Step: Sendable {
        var at: Date
        var status: TrackingStatus
        var reason: ExceptionReason?
        var raw: String
    }

    /// One parcel's script.
    struct Parcel: Sendable {
        var carrier: String
        var number: String
        var steps: [Step]
    }

    /// Monday 2026-11-02, 08:00 in Warsaw.
    let start = local("2026-11-02 08:00")
    let rows: [ImportRow]
    let parcels: [Parcel]
    /// Orders cancelled, and when.
    let cancellations: [(order: String, at: Date)]

    init(orders count: Int) {
        let carriers = ["inpost", "seur", "omniva", "ups"]
        let languages = ["pl", "en", "es", "lt"]
        let zone = TimeZone(identifier: "Europe/Warsaw") ?? .current
        var rows: [ImportRow] = []
        var parcels: [Parcel] = []
        var cancellations: [(String, Date)] = []
        for index in 0..<count {
            let paid = start.addingTimeInterval(Double(index) * 8 * 3600)
            let promised = CivilDate(paid.addingTimeInterval(Double(3 + index % 4) * 86_400), in: zone)
            let order = Order(
                id: "M\(index)", customerName: "Klient \(index)", email: "m\(index)@example.com", phone: nil,
                language: languages[index % languages.count], postcode: "00-95\(index % 10)",
                value: Money(minorUnits: index % 6 == 0 ? 90_000 : 5990, currency: "PLN"), promisedDate: promised.description, paidAt: paid,
                reshippable: true)
            let story = index % 9
            guard story != 8 else {
                rows.append(ImportRow(line: index + 2, order: order, carrier: nil, trackingNumber: nil))
                continue
            }
            let carrier = carriers[index % carriers.count]
            let number = "M\(index)PW"
            rows.append(ImportRow(line: index + 2, order: order, carrier: carrier, trackingNumber: number))
            func step(_ hours: Double, _ status: TrackingStatus, _ raw: String, _ reason: ExceptionReason? = nil) -> Step {
                Step(at: paid.addingTimeInterval(hours * 3600), status: status, reason: reason, raw: raw)
            }
            let steps: [Step]
            switch story {
            case 0:
                steps = [
                    step(20, .inTransit, "In transit"), step(40, .inTransit, "Sorted"), step(60, .outForDelivery, "Out for delivery"),
                    step(64, .delivered, "Delivered"),
                ]
            case 1: steps = [step(20, .inTransit, "In transit"), step(20 + 24 * 6, .inTransit, "Moving again"), step(20 + 24 * 7, .delivered, "Delivered")]
            case 2: steps = [step(15, .inTransit, "In transit")]
            case 3: steps = [step(18, .inTransit, "In transit"), step(50, .exception, "Damaged", .damaged)]
            case 4: steps = [step(30, .inTransit, "In transit"), step(24 * 5, .inTransit, "Sorted"), step(24 * 6 + 5, .delivered, "Delivered")]
            case 5: steps = []
            case 6:
                steps = [
                    step(20, .inTransit, "In transit"), step(40, .exception, "Held by customs", .customsHold), step(24 * 4, .inTransit, "Released"),
                    step(24 * 5, .delivered, "Delivered"),
                ]
            default:
                steps = [
                    step(20, .inTransit, "In transit"), step(50, .outForDelivery, "Out for delivery"), step(54, .attemptFailed, "Nobody home"),
                    step(80, .delivered, "Delivered"),
                ]
            }
            parcels.append(Parcel(carrier: carrier, number: number, steps: steps))
            if index % 17 == 16 { cancellations.append((order.id, paid.addingTimeInterval(60 * 3600))) }
        }
        self.rows = rows
        self.parcels = parcels
        self.cancellations = cancellations
    }

    /// Plays what happened in (`from`, `to`] into `store` as a sweep at `to` would record it:
    /// each parcel with news gets its whole history so far, and orders are cancelled.
    /// - Returns: the parcels updated.
    func advance(_ store: Store, from: Date, to: Date) async throws -> Int {
        var updated = 0
        for parcel in parcels where parcel.steps.contains(where: { $0.at > from && $0.at <= to }) {
            let events = parcel.steps.filter { $0.at <= to }.map {
                TrackingEvent(
                    carrier: parcel.carrier, trackingNumber: parcel.number, time: CarrierTime(date: $0.at, offsetSeconds: 3600), rawStatus: $0.raw,
                    rawCode: nil, status: $0.status, reason: $0.reason, location: "WARSZAWA")
            }
            guard let shipment = try await store.read({ try $0.shipments.shipment(carrier: parcel.carrier, trackingNumber: parcel.number) }) else {
                continue
            }
            _ = try await store.write(serialized: false) {
                try $0.shipments.apply(TrackingUpdate(shipmentID: shipment.id, events: events, estimatedDelivery: nil, checkedAt: to, schedule: .standard))
            }
            updated += 1
        }
        for (order, at) in cancellations where at > from && at <= to {
            _ = try await store.write { try $0.shipments.cancelOrder(id: order, actor: "api:shop", at: to) }
        }
        return updated
    }
}
