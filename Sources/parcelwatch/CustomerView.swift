import Foundation
import ParcelCore
import ParcelOps
import ParcelStore

/// A customer's parcel for people, in the order's language.
enum CustomerView {
    static func print(_ parcel: CustomerParcel, timeZone: TimeZone) {
        let words = CustomerPhrases(language: parcel.language)
        var lines: [String] = []
        lines.append(Terminal.bold("\(words["heading"]): \(parcel.carrier) \(parcel.trackingNumber)"))
        if let status = TrackingStatus(rawValue: parcel.status) {
            lines.append("  \(words["status"]): " + Terminal.status(words.status(status)))
        }
        if let promised = parcel.promisedDate { lines.append("  \(words["promised"]): \(promised)") }
        if let estimate = parcel.estimate {
            let window = estimate.p50 == estimate.p90 ? "\(estimate.p50)" : "\(estimate.p50) – \(estimate.p90)"
            lines.append("  \(words["expected"]): \(window)")
            lines.append("  " + Terminal.dim(estimate.explanation))
        }
        if let incident = parcel.incident {
            lines.append("")
            lines.append(Terminal.paint("  \(words["shopIsDoing"]): ", "35") + incident.message)
            lines.append("  \(words["nextUpdate"]) \(local(incident.nextUpdateBy, timeZone))")
        }
        if let story = parcel.order, story.parcels.count > 1 || !story.shop.isEmpty {
            lines.append("")
            lines.append(Terminal.bold("  \(words["order.heading"])"))
            lines += story.lines(words).map { "  • " + $0 }
        }
        lines.append("")
        lines.append(Terminal.bold("  \(words["events"])"))
        for event in parcel.events.reversed() {
            let status = TrackingStatus(rawValue: event.status).map(words.status) ?? event.status
            lines.append("  \(local(event.time, timeZone))  \(status) — \(event.rawStatus)" + (event.location.map { " (\($0))" } ?? ""))
        }
        Swift.print(lines.joined(separator: "\n"))
    }

    /// `2026-11-22 19:00 (Europe/Warsaw)` from ISO UTC text.
    static func local(_ iso: String, _ zone: TimeZone) -> String {
        guard let time = ISOTime.parse(iso), let minutes = try? TimePattern("yyyy-MM-dd HH:mm") else { return iso }
        return "\(minutes.format(time, zone: zone)) (\(zone.identifier))"
    }
}
