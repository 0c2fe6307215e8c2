import Foundation
import ParcelCore
import ParcelOps
import ParcelStore

/// How the console shows times, clocks and cases: times in the shop's time zone, and the SLA
/// clocks of a case that ran out, in words.
struct StaffView: Sendable {
    /// The shop's time zone, in which every time is shown.
    let zone: TimeZone
    /// The clock's now, against which deadlines are judged.
    let now: Date

    /// `2026-11-20 13:02` in the shop's zone.
    func time(_ date: Date?) -> String {
        guard let date else { return "—" }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0)
    }

    /// A time for a template: `text` to show and `iso` for `<time datetime>`; nil stays nil.
    func stamp(_ date: Date?) -> [String: Any]? {
        date.map { ["text": time($0), "iso": ISOTime.utc($0)] }
    }

    /// `3d 4h`, `45m`: how long ago `date` was.
    func age(_ date: Date) -> String {
        let minutes = Int(max(0, now.timeIntervalSince(date)) / 60)
        if minutes < 60 { return "\(minutes)m" }
        if minutes < 24 * 60 { return "\(minutes / 60)h \(minutes % 60)m" }
        return "\(minutes / 1440)d \(minutes % 1440 / 60)h"
    }

    /// The clocks of an open case whose deadline has passed, plus those already escalated: what
    /// the breach marker lists.
    func breached(_ incident: Incident) -> [SLAClock] {
        guard !incident.status.isClosed else { return [] }
        var clocks = incident.overdueClocks(at: now)
        for clock in incident.breaches where !clocks.contains(clock) { clocks.append(clock) }
        return clocks
    }

    /// A clock's name for people.
    static func clockName(_ clock: SLAClock) -> String {
        switch clock {
        case .notice: "customer notice"
        case .firstTouch: "first touch"
        case .resolution: "resolution"
        }
    }

    /// What a case is about: the parcel, else the order, else the carrier.
    static func about(_ incident: Incident) -> String {
        if let number = incident.trackingNumber { return "\(incident.carrier ?? "") \(number)" }
        if let order = incident.orderId { return "order \(order)" }
        return incident.carrier ?? ""
    }

    /// One queue or search row: what the templates show of a case.
    func row(_ incident: Incident) -> [String: Any] {
        let clocks = breached(incident)
        var row: [String: Any] = [
            "id": String(incident.id), "kind": incident.kind.rawValue, "status": incident.status.rawValue, "about": Self.about(incident),
            "owner": incident.owner ?? "unassigned", "unassigned": incident.owner == nil, "age": age(incident.detectedAt),
            "nextDue": stamp(incident.nextDeadline) ?? [:], "priority": String(incident.priority), "summary": incident.summary,
        ]
        if !clocks.isEmpty { row["breach"] = clocks.map(Self.clockName).joined(separator: ", ") }
        return row
    }
}
