import ArgumentParser
import Foundation
import ParcelCore
import ParcelStore

/// `parcelwatch lanes [list] [--json]`: every lane with parcels in the model's window.
struct LanesListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List every lane: parcels, p50 and p90 transit, on-time rate and trend.",
        discussion: """
            One row per lane at each of its three levels: the finest
            (carrier/service/origin>destination/postcode prefix/hand-over weekday), the carrier
            to a destination country (`inpost/*/*>PL/*/*`) and the carrier alone. Estimates use
            the finest with at least 30 parcels.

            Columns: n parcels in the window; p50 and p90 transit in business days from the
            first carrier scan to delivery; on-time the share of parcels with a promise that
            came by it; trend the mean transit of the last 14 days minus the window's, in
            business days (positive: getting slower; - with fewer than 10 recent parcels).

            --json: an array, every key present (null where undefined): lane, level, carrier,
            service, origin, destination, postcodePrefix, handOverWeekday, parcels, p50, p90,
            mean, onTimeRate, recentParcels, trend; and the window as asOf, windowDays.

            --level keeps the rows of one level (repeatable: lane, destination, carrier) and
            --carrier those of one carrier (repeatable), in the table and in --json alike.

            Examples:
              parcelwatch lanes --level carrier                  one row per carrier
              parcelwatch lanes --level destination --carrier inpost
              parcelwatch lanes --json | jq '.lanes[] | select(.trend > 0.5)'

            Exit codes: 0 success, 4 database unusable.
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Only lanes of this level: lane, destination or carrier (repeatable).") var level: [String] = []
    @Option(help: "Only lanes of this carrier id (repeatable).") var carrier: [String] = []

    /// One lane as `--json` prints it.
    struct Row: Encodable {
        let summary: LaneSummary

        private enum CodingKeys: String, CodingKey {
            case lane, level, carrier, service, origin, destination, postcodePrefix, handOverWeekday, parcels, p50, p90, mean, onTimeRate,
                recentParcels, trend
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            let key = summary.key
            try container.encode(key.description, forKey: .lane)
            try container.encode(key.level.rawValue, forKey: .level)
            try container.encode(key.carrier, forKey: .carrier)
            try container.encode(key.service, forKey: .service)
            try container.encode(key.originCountry, forKey: .origin)
            try container.encode(key.destinationCountry, forKey: .destination)
            try container.encode(key.postcodePrefix, forKey: .postcodePrefix)
            try container.encode(key.handOverWeekday, forKey: .handOverWeekday)
            try container.encode(summary.parcels, forKey: .parcels)
            try container.encode(summary.p50, forKey: .p50)
            try container.encode(summary.p90, forKey: .p90)
            try container.encode(summary.mean, forKey: .mean)
            try container.encode(summary.onTimeRate, forKey: .onTimeRate)
            try container.encode(summary.recentParcels, forKey: .recentParcels)
            try container.encode(summary.trend, forKey: .trend)
        }
    }

    /// The `--json` document.
    struct Document: Encodable {
        let asOf: Date
        let windowDays: Int
        let lanes: [Row]
    }

    func run() async throws {
        let levels: Set<LaneKey.Level> = try parseOptions(level, option: "--level")
        let carriers = Set(carrier)
        let config = try store.shopConfig()
        let now = try store.clock().now
        let database = try await store.openStore(.readOnly)
        let configuration = config.estimates.modelConfiguration
        let model: LaneModel
        do { model = try await database.read { try $0.lanes.model(configuration: configuration) } } catch { throw fail(.store(error)) }
        let lanes = model.lanes(asOf: now).filter { lane in
            (levels.isEmpty || levels.contains(lane.key.level)) && (carriers.isEmpty || carriers.contains(lane.key.carrier))
        }
        if output.json { return try printJSON(Document(asOf: now, windowDays: configuration.windowDays, lanes: lanes.map(Row.init))) }
        guard !lanes.isEmpty else {
            if !levels.isEmpty || !carriers.isEmpty {
                print("no lanes match --level/--carrier (\(model.lanes(asOf: now).count) lanes in the last \(configuration.windowDays) days)")
            } else {
                print("no lanes yet: no delivered parcels in the last \(configuration.windowDays) days (import a history with `parcelwatch lanes import FILE`)")
            }
            return
        }
        print(
            Terminal.table(
                ["LANE", "N", "P50", "P90", "ON-TIME", "TREND"],
                lanes.map { lane in
                    [
                        lane.key.description, String(lane.parcels), "\(lane.p50)d", "\(lane.p90)d",
                        lane.onTimeRate.map { String(format: "%.0f%%", $0 * 100) } ?? "-",
                        lane.trend.map { String(format: "%+.1fd", $0) } ?? "-",
                    ]
                }))
    }
}
