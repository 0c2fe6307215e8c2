import Foundation
import ParcelCore
import ParcelStore

/// What the console's Lanes page (`GET /staff/lanes`) shows: the shop's lane model and the
/// recent deliveries its charts are drawn from, read from the store by ``read(from:configuration:now:)``.
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

    /// The stored model, folded up to date, and the deliveries since ``chartStart(now:)``, read a
    /// page at a time in one snapshot; nil when the store holds no delivery yet.
    public static func read(from store: Store, configuration: LaneModel.Configuration, now: Date) async throws -> LanesView? {
        try await store.read { tx in
            guard try tx.lanes.deliveryCount() > 0 else { return nil }
            let model = try tx.lanes.model(configuration: configuration)
            var recent: [DeliveredParcel] = []
            var after: DeliveryPage.Position?
            repeat {
                let page = try tx.lanes.deliveries(since: chartStart(now: now), after: after)
                recent += page.parcels.filter { $0.deliveredAt <= now }
                after = page.next
            } while after != nil
            return LanesView(model: model, recentDeliveries: recent)
        }
    }
}
