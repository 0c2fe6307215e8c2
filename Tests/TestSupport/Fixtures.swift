import Foundation
import ParcelKit

/// An order as tests need one: Polish, 129.99 PLN, promised 2026-11-24, paid two days before
/// ``fixtureNow``.
public func order(_ id: String, email: String = "anna@example.com", postcode: String = "00-950", value: Int64 = 12999) -> Order {
    Order(id: id, customerName: "Anna Nowak", email: email, phone: "+48601234567", language: "pl", postcode: postcode,
          value: Money(minorUnits: value, currency: "PLN"), promisedDate: "2026-11-24", paidAt: fixtureNow.addingTimeInterval(-86_400 * 2),
          reshippable: true)
}

/// A SEUR event `hoursAgo` before ``fixtureNow``, in Madrid.
public func event(_ number: String, hoursAgo: Double, raw: String, status: TrackingStatus, reason: ExceptionReason? = nil, carrier: String = "seur") -> TrackingEvent {
    TrackingEvent(carrier: carrier, trackingNumber: number, time: CarrierTime(date: fixtureNow.addingTimeInterval(-hoursAgo * 3600), offsetSeconds: 3600),
                  rawStatus: raw, rawCode: nil, status: status, reason: reason, location: "MADRID")
}

