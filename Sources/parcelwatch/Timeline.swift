import Foundation
import ParcelCore
import ParcelOps
import ParcelStore

/// A parcel's history as people read it.
enum Timeline {
    static func print(_ report: TrackingReport) {
        let reason = report.reason.map { " (\($0))" } ?? ""
        Swift.print("\(Terminal.bold(report.carrier)) \(report.trackingNumber): \(Terminal.status(report.status))\(reason)")
        let rows = report.events.reversed().map { event in
            [
                event.time.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: " UTC"),
                Terminal.status(event.status) + (event.reason.map { " (\($0))" } ?? ""),
                event.rawStatus, event.location ?? "",
            ]
        }
        Swift.print(Terminal.table(["TIME", "STATUS", "CARRIER SAYS", "WHERE"], rows))
    }
}
