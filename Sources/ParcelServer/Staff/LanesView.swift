import Foundation
import ParcelCore

/// What the console's Lanes page (`GET /staff/lanes`) shows, as ``ServerOptions/lanesSource``
/// hands it over: the shop's lane model and the recent deliveries its charts are drawn from.
///
/// The server takes these values rather than reading the store itself so that it does not depend
/// on how the store keeps its delivery history.
public struct LanesView: Sendable {
    /// The lane model as stored; the page's table is its ``LaneModel/lanes(asOf:)`` at the clock's now.
    public var model: LaneModel
    /// Deliveries of at least the last ``LanesView/chartWeeks`` weeks (Monday to Sunday, by UTC
    /// day of delivery) up to now, in any order; older ones are ignored. The charts are a
    /// ``LaneTimeline`` of these.
    public var recentDeliveries: [DeliveredParcel]

    /// The weeks the charts show, the last being the current week.
    public static let chartWeeks = 12

    /// A view of `model` with the deliveries behind the charts.
    public init(model: LaneModel, recentDeliveries: [DeliveredParcel]) {
        self.model = model
        self.recentDeliveries = recentDeliveries
    }

    /// The first instant whose deliveries the charts need at `now`: the Monday, 00:00 UTC, that
    /// starts the oldest of the ``chartWeeks`` weeks. A source may pass more; fewer leaves gaps.
    public static func chartStart(now: Date) -> Date {
        let start = LaneTimeline(parcels: [], now: now, weeks: chartWeeks).firstDay
        return Date(timeIntervalSince1970: Double(start) * 86_400)
    }
}
