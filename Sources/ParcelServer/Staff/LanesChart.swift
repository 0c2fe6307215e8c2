import Foundation
import ParcelCore

/// The Lanes page's two charts as inline SVG, drawn on the server: no script, no font or image
/// from anywhere, nothing the console's Content-Security-Policy (`default-src 'none'`) would
/// block, and readable without colour (p90 dashed, every point with its own `<title>`).
///
/// Each chart is one `<svg>` element with a `<title>` and a `<desc>` (named by `aria-labelledby`)
/// and is well-formed XML on its own. Every text that comes from data (carrier names, lane labels)
/// is escaped; the page puts the same numbers in a table under each chart.
enum LanesChart {
    /// The chart's width in SVG units (it scales to its container).
    static let width = 720.0
    /// The plot area: left, right, top and bottom edges.
    private static let left = 52.0, right = 700.0, top = 20.0, bottom = 240.0
    /// Where the legend starts and the height of one of its rows.
    private static let legendTop = 304.0, legendRow = 20.0
    /// Colours told apart with most colour blindness (Okabe–Ito), then repeated.
    static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#8C6D1F"]

    /// (a) Transit per lane over the weeks: p50 solid with dots, p90 dashed, in the lane's colour;
    /// a day axis (ticks every day, or every few when the slowest p90 is long) and a week axis.
    static func transit(_ timeline: LaneTimeline, carrierNames: [String: String]) -> String {
        let series = timeline.lanes
        let highest = series.flatMap { $0.points.compactMap(\.p90) }.max() ?? 0
        let ceiling = Double(max(2, highest + 1))
        let step = max(1, Int((ceiling / 8).rounded(.up)))
        var body = axes(timeline.weeks, ticks: stride(from: 0, through: Int(ceiling), by: step).map { (value: Double($0), text: "\($0)") }, ceiling: ceiling)
        body += text(x: left, y: top - 6, "business days", anchor: "start", size: 12)
        for (index, lane) in series.enumerated() {
            let colour = palette[index % palette.count]
            let name = label(lane.key, carrierNames: carrierNames)
            let p50 = lane.points.map { $0.p50.map(Double.init) }, p90 = lane.points.map { $0.p90.map(Double.init) }
            body += lines(p50, count: timeline.weeks.count, ceiling: ceiling, colour: colour, dashed: false)
            body += lines(p90, count: timeline.weeks.count, ceiling: ceiling, colour: colour, dashed: true)
            for (week, point) in lane.points.enumerated() {
                guard let median = point.p50, let slow = point.p90 else { continue }
                let tip = "\(name), week of \(point.week): p50 \(median), p90 \(slow) business days (\(point.parcels) parcels)"
                body += dot(x: x(week, of: timeline.weeks.count), y: y(Double(median), ceiling: ceiling), colour: colour, tip: tip)
            }
        }
        let entries = series.enumerated().map {
            (colour: palette[$0.offset % palette.count], text: label($0.element.key, carrierNames: carrierNames) + " (\($0.element.parcels))")
        }
        body += legend(entries, note: "solid: p50 (half arrived by then) · dashed: p90 (nine in ten)")
        let weeks = span(timeline.weeks)
        return svg(
            id: "transit-chart", height: legendTop + Double(rows(entries.count) + 1) * legendRow + 8,
            title: "Transit per lane, week by week",
            desc: "Median (p50, solid) and 90th percentile (p90, dashed) transit in business days from first scan to delivery, "
                + "\(weeks), for \(series.count) lane(s); weeks with fewer than \(timeline.minimumWeekParcels) parcels have no point. "
                + "The table below the chart has the same numbers.",
            body: body)
    }

    /// (b) On-time rate per carrier per week, 0–100 %, one line per carrier.
    static func onTime(_ timeline: LaneTimeline, carrierNames: [String: String]) -> String {
        let series = timeline.onTime
        var body = axes(timeline.weeks, ticks: stride(from: 0, through: 100, by: 20).map { (value: Double($0), text: "\($0)%") }, ceiling: 100)
        body += text(x: left, y: top - 6, "on time", anchor: "start", size: 12)
        let colours = series.enumerated().map { colour(ofCarrier: $0.element.carrier, in: timeline, otherwise: $0.offset) }
        for (index, carrier) in series.enumerated() {
            let colour = colours[index]
            let name = carrierNames[carrier.carrier] ?? carrier.carrier
            body += lines(carrier.points.map { $0.rate.map { $0 * 100 } }, count: timeline.weeks.count, ceiling: 100, colour: colour, dashed: false)
            for (week, point) in carrier.points.enumerated() {
                guard let rate = point.rate else { continue }
                let tip = "\(name), week of \(point.week): \(StaffConsole.percent(rate)) on time (\(point.onTime) of \(point.promised))"
                body += dot(x: x(week, of: timeline.weeks.count), y: y(rate * 100, ceiling: 100), colour: colour, tip: tip)
            }
        }
        let entries = series.enumerated().map {
            (colour: colours[$0.offset], text: (carrierNames[$0.element.carrier] ?? $0.element.carrier) + " (\($0.element.promised))")
        }
        body += legend(entries, note: "delivered on or before the promised day, of the deliveries with a promise")
        return svg(
            id: "on-time-chart", height: legendTop + Double(rows(entries.count) + 1) * legendRow + 8,
            title: "On-time rate per carrier, week by week",
            desc: "The share of deliveries with a promised day that came on or before it, per carrier, \(span(timeline.weeks)), "
                + "for \(series.count) carrier(s); weeks with fewer than \(timeline.minimumWeekParcels) promises have no point. "
                + "The table below the chart has the same numbers.",
            body: body)
    }

    /// A lane for people: `InPost` (carrier), `InPost → PL` (destination), `InPost locker PL → PL 00 Mon` (lane).
    static func label(_ key: LaneKey, carrierNames: [String: String]) -> String {
        let name = carrierNames[key.carrier] ?? key.carrier
        switch key.level {
        case .carrier: return name
        case .destination: return "\(name) → \(key.destinationCountry ?? "*")"
        case .lane:
            let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
            let weekday = key.handOverWeekday.flatMap { (1...7).contains($0) ? weekdays[$0 - 1] : nil } ?? "*"
            return [name, key.service, "\(key.originCountry ?? "*") → \(key.destinationCountry ?? "*")", key.postcodePrefix ?? "*", weekday]
                .compactMap { $0 }.joined(separator: " ")
        }
    }

    // MARK: Drawing

    /// The outer element with its title and description.
    private static func svg(id: String, height: Double, title: String, desc: String, body: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"\(id)\" class=\"chart\" role=\"img\" viewBox=\"0 0 \(n(width)) \(n(height))\""
            + " width=\"100%\" preserveAspectRatio=\"xMinYMin meet\" aria-labelledby=\"\(id)-title \(id)-desc\""
            + " font-family=\"system-ui, sans-serif\" font-size=\"13\">"
            + "<title id=\"\(id)-title\">\(MarkupText.escaped(title))</title><desc id=\"\(id)-desc\">\(MarkupText.escaped(desc))</desc>"
            + "<rect x=\"0\" y=\"0\" width=\"\(n(width))\" height=\"\(n(height))\" fill=\"#ffffff\"/>" + body + "</svg>"
    }

    /// Grid lines with their values on the left, the week labels under the plot, and the frame.
    private static func axes(_ weeks: [CivilDate], ticks: [(value: Double, text: String)], ceiling: Double) -> String {
        var out = "<g class=\"axes\" stroke=\"#c8c8c8\" stroke-width=\"1\">"
        for tick in ticks {
            out += "<line x1=\"\(n(left))\" x2=\"\(n(right))\" y1=\"\(n(y(tick.value, ceiling: ceiling)))\" y2=\"\(n(y(tick.value, ceiling: ceiling)))\"/>"
        }
        out += "</g><g class=\"ticks\" fill=\"#4a4a4a\">"
        for tick in ticks { out += text(x: left - 8, y: y(tick.value, ceiling: ceiling) + 4, tick.text, anchor: "end", size: 12) }
        // Every week's label while they fit, else every other one.
        let every = weeks.count > 12 ? 2 : 1
        for (index, monday) in weeks.enumerated() where (weeks.count - 1 - index) % every == 0 {
            out += text(x: x(index, of: weeks.count), y: bottom + 18, String(monday.description.dropFirst(5)), anchor: "middle", size: 12)
        }
        out += text(x: (left + right) / 2, y: bottom + 38, "week starting (Monday, UTC)", anchor: "middle", size: 12)
        out += "</g><path d=\"M\(n(left)) \(n(top))V\(n(bottom))H\(n(right))\" fill=\"none\" stroke=\"#4a4a4a\" stroke-width=\"1.5\"/>"
        return out
    }

    /// The values as polylines, broken where a week has none.
    private static func lines(_ values: [Double?], count: Int, ceiling: Double, colour: String, dashed: Bool) -> String {
        var segments: [[String]] = [[]]
        for (index, value) in values.enumerated() {
            if let value {
                segments[segments.count - 1].append("\(n(x(index, of: count))),\(n(y(value, ceiling: ceiling)))")
            } else if !(segments.last?.isEmpty ?? true) {
                segments.append([])
            }
        }
        let dash = dashed ? " stroke-dasharray=\"6 4\"" : ""
        return segments.filter { $0.count > 1 }.map {
            "<polyline points=\"\($0.joined(separator: " "))\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"\(dashed ? "1.5" : "2.5")\"\(dash)/>"
        }.joined()
    }

    /// The colour of `carrier`'s on-time line: that of its line in the transit chart, so that a
    /// carrier reads the same in both; a carrier without one takes the colour after the transit
    /// chart's, `otherwise` places on.
    private static func colour(ofCarrier carrier: String, in timeline: LaneTimeline, otherwise: Int) -> String {
        let index = timeline.lanes.firstIndex { $0.key.level == .carrier && $0.key.carrier == carrier } ?? (timeline.lanes.count + otherwise)
        return palette[index % palette.count]
    }

    /// A point with its numbers as a tooltip.
    private static func dot(x: Double, y: Double, colour: String, tip: String) -> String {
        "<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"3.5\" fill=\"\(colour)\"><title>\(MarkupText.escaped(tip))</title></circle>"
    }

    /// The legend under the plot: a note, then two entries a row, each a line sample in its colour.
    private static func legend(_ entries: [(colour: String, text: String)], note: String) -> String {
        var out = "<g class=\"legend\">" + text(x: left, y: legendTop, note, anchor: "start", size: 12)
        for (position, entry) in entries.enumerated() {
            let column = Double(position % 2), row = Double(position / 2 + 1)
            let x0 = left + column * 330, y0 = legendTop + row * legendRow
            out +=
                "<line x1=\"\(n(x0))\" x2=\"\(n(x0 + 24))\" y1=\"\(n(y0 - 4))\" y2=\"\(n(y0 - 4))\" stroke=\"\(entry.colour)\" stroke-width=\"3\"/>"
            out += text(x: x0 + 30, y: y0, entry.text, anchor: "start", size: 13)
        }
        return out + "</g>"
    }

    /// Legend rows for `entries` entries, two a row.
    private static func rows(_ entries: Int) -> Int { (entries + 1) / 2 }

    /// A text element, escaped.
    private static func text(x: Double, y: Double, _ content: String, anchor: String, size: Int) -> String {
        "<text x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"\(anchor)\" font-size=\"\(size)\">\(MarkupText.escaped(content))</text>"
    }

    /// The centre of week `index` of `count`.
    private static func x(_ index: Int, of count: Int) -> Double {
        left + (right - left) * (Double(index) + 0.5) / Double(max(1, count))
    }

    /// The height of `value` on an axis from 0 to `ceiling`.
    private static func y(_ value: Double, ceiling: Double) -> Double {
        bottom - (bottom - top) * min(max(value / max(ceiling, 1), 0), 1)
    }

    /// "weeks of 2026-09-07 to 2026-11-23".
    private static func span(_ weeks: [CivilDate]) -> String {
        guard let first = weeks.first, let last = weeks.last else { return "no weeks" }
        return "weeks of \(first) to \(last)"
    }

    /// A coordinate with one decimal at most: `12`, `12.5`.
    private static func n(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        return tenths.truncatingRemainder(dividingBy: 10) == 0 ? String(Int(tenths / 10)) : String(format: "%.1f", tenths / 10)
    }
}
