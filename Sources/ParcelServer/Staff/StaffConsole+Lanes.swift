import Foundation
import HTTPTypes
import Hummingbird
import ParcelCore
import ParcelStore

/// `/staff/lanes`: the shop's delivery lanes from its own history (issue 18): the lanes table of
/// ``LaneModel/lanes(asOf:)`` and two charts drawn on the server (``LanesChart``) of the last
/// ``LanesView/chartWeeks`` weeks, each with a table of its numbers.
extension StaffConsole {
    /// The lane levels the table can show, by their query value.
    private static let laneLevels: [(value: String, label: String, level: LaneKey.Level)] = [
        ("destination", "Carrier and destination country", .destination), ("carrier", "Carrier", .carrier),
        ("lane", "Finest lanes (service, postcode prefix, hand-over weekday)", .lane),
    ]

    /// `GET /staff/lanes[?level=destination|carrier|lane]`: the table shows the lanes of that level
    /// (carrier and destination country by default), busiest first; an unknown level is a 400 saying
    /// which are accepted. With no delivery in the store yet the page says that no history is
    /// available; a store that cannot be read gives a 500 with its error.
    func lanes(_ request: Request, _ session: StaffSession) async throws -> Response {
        let levelText = Self.given(try RequestText.query(request)["level"].map { String($0.prefix(40)) }) ?? "destination"
        var values = common(session, title: "Delivery lanes", section: "lanes")
        values["levels"] = Self.laneLevels.map { ["value": $0.value, "label": $0.label, "selected": $0.value == levelText] }
        guard let level = Self.laneLevels.first(where: { $0.value == levelText })?.level else {
            values["error"] = "level '\(levelText)' is not one of \(Self.laneLevels.map(\.value).joined(separator: ", "))"
            return page(.badRequest, "lanes", values)
        }
        let now = options.clock.now
        let read: LanesView?
        do { read = try await LanesView.read(from: store, configuration: options.config.estimates.modelConfiguration, now: now) } catch {
            values["error"] = "The delivery history could not be read: \(error)"
            return page(.internalServerError, "lanes", values)
        }
        guard let view = read else {
            values["noHistory"] = true
            return page(.ok, "lanes", values)
        }
        let names = options.carrierNames
        let summaries = view.model.lanes(asOf: now).filter { $0.key.level == level }
            .sorted { $0.parcels != $1.parcels ? $0.parcels > $1.parcels : $0.key.description < $1.key.description }
        values["rows"] = summaries.map { lane -> [String: Any] in
            [
                "lane": LanesChart.label(lane.key, carrierNames: names), "key": lane.key.description, "parcels": String(lane.parcels),
                "p50": String(lane.p50), "p90": String(lane.p90), "mean": String(format: "%.1f", lane.mean), "onTime": Self.percent(lane.onTimeRate),
                "trend": Self.trend(lane.trend), "slower": (lane.trend ?? 0) >= 0.5,
            ]
        }
        values["hasRows"] = !summaries.isEmpty
        values["windowDays"] = String(view.model.configuration.windowDays)
        values["trendDays"] = String(view.model.configuration.trendDays)
        let timeline = LaneTimeline(parcels: view.recentDeliveries, now: now, weeks: LanesView.chartWeeks)
        values["charts"] = Self.charts(timeline, names: names)
        return page(.ok, "lanes", values)
    }

    /// The two charts with their tables: week headers, one row per series, one cell per week.
    private static func charts(_ timeline: LaneTimeline, names: [String: String]) -> [String: Any] {
        let weeks = timeline.weeks.map { ["week": String($0.description.dropFirst(5)), "iso": $0.description] }
        let transitRows = timeline.lanes.map { lane -> [String: Any] in
            [
                "lane": LanesChart.label(lane.key, carrierNames: names), "parcels": String(lane.parcels),
                "cells": lane.points.map { point -> [String: Any] in
                    guard let p50 = point.p50, let p90 = point.p90 else { return ["text": point.parcels == 0 ? "—" : "— (\(point.parcels))"] }
                    return ["text": "\(p50) / \(p90) (\(point.parcels))"]
                },
            ]
        }
        let onTimeRows = timeline.onTime.map { carrier -> [String: Any] in
            [
                "carrier": names[carrier.carrier] ?? carrier.carrier, "promised": String(carrier.promised),
                "cells": carrier.points.map { point -> [String: Any] in
                    guard let rate = point.rate else { return ["text": point.promised == 0 ? "—" : "— (\(point.onTime)/\(point.promised))"] }
                    return ["text": "\(percent(rate)) (\(point.onTime)/\(point.promised))"]
                },
            ]
        }
        return [
            "weeks": weeks, "transitSVG": LanesChart.transit(timeline, carrierNames: names), "transitRows": transitRows,
            "onTimeSVG": LanesChart.onTime(timeline, carrierNames: names), "onTimeRows": onTimeRows,
            "hasTransit": !transitRows.isEmpty, "hasOnTime": !onTimeRows.isEmpty, "minimum": String(timeline.minimumWeekParcels),
        ]
    }

    /// `+0.6 d (slower)`, `−0.3 d (faster)`, `steady`, or `—` when the recent days are too few.
    static func trend(_ days: Double?) -> String {
        guard let days, days.isFinite else { return "—" }
        if abs(days) < 0.05 { return "steady" }
        return days > 0 ? String(format: "+%.1f d (slower)", days) : String(format: "−%.1f d (faster)", -days)
    }
}
