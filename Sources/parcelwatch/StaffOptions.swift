import ArgumentParser
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore

/// `--as NAME`: who is acting. Staff actions are refused for anyone not in the staff table.
struct StaffOptions: ParsableArguments {
    @Option(name: .customLong("as"), help: "The staff member acting (default: $PARCELWATCH_STAFF, else the OS user).")
    var member: String?

    /// The acting name.
    var actor: String {
        let environment = ProcessInfo.processInfo.environment
        return member ?? environment["PARCELWATCH_STAFF"] ?? environment["USER"] ?? environment["LOGNAME"] ?? "unknown"
    }
}

/// Short relative and absolute times for tables.
enum When {
    /// `2026-11-20 14:02` from an instant, in UTC like every time the CLI prints.
    static func short(_ date: Date?) -> String {
        guard let date else { return "—" }
        return String(ISOTime.utc(date).prefix(16)).replacingOccurrences(of: "T", with: " ")
    }

    /// `3d 4h`, `45m`.
    static func age(_ seconds: TimeInterval) -> String {
        let minutes = Int(max(0, seconds) / 60)
        if minutes < 60 { return "\(minutes)m" }
        if minutes < 24 * 60 { return "\(minutes / 60)h \(minutes % 60)m" }
        return "\(minutes / 1440)d \(minutes % 1440 / 60)h"
    }
}
