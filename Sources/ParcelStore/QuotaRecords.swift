import Foundation
import ParcelCore

/// One quota window of a carrier: a clock hour or a day in UTC, and how many requests it allows.
public struct QuotaWindow: Sendable, Equatable {
    /// `hour:2026-11-20T12` or `day:2026-11-20`.
    public var key: String
    /// Requests allowed in the window.
    public var quota: Int
    /// When the window ends and the quota is whole again.
    public var resetsAt: Date

    /// The windows `limits` asks for at `now`: the day's and the hour's, where set.
    public static func windows(for limits: CarrierDefinition.Limits, at now: Date) -> [QuotaWindow] {
        let seconds = Int(now.timeIntervalSince1970.rounded(.down))
        let dayStart = seconds - ((seconds % 86_400) + 86_400) % 86_400
        let hourStart = seconds - ((seconds % 3600) + 3600) % 3600
        let dayText = String(ISOTime.utc(Date(timeIntervalSince1970: Double(dayStart))).prefix(10))
        let hourText = String(ISOTime.utc(Date(timeIntervalSince1970: Double(hourStart))).prefix(13))
        var windows: [QuotaWindow] = []
        if let perDay = limits.perDay {
            windows.append(QuotaWindow(key: "day:" + dayText, quota: perDay, resetsAt: Date(timeIntervalSince1970: Double(dayStart + 86_400))))
        }
        if let perHour = limits.perHour {
            windows.append(QuotaWindow(key: "hour:" + hourText, quota: perHour, resetsAt: Date(timeIntervalSince1970: Double(hourStart + 3600))))
        }
        return windows
    }
}

/// What one carrier has used of one quota window.
public struct QuotaUsage: Sendable, Equatable, Codable {
    /// The carrier id.
    public var carrier: String
    /// The window key (`day:2026-11-20`).
    public var window: String
    /// Requests made in it.
    public var used: Int
    /// Requests it allows.
    public var quota: Int
    /// Requests left.
    public var left: Int { max(0, quota - used) }
}
