import Foundation
import Markup
import ParcelCore
import Testing

@testable import ParcelServer

/// The Lanes page's SVG charts (``LanesChart``): well-formed XML that libxml2 parses, both charts
/// with their title and description, lines where weeks have values, and data text escaped.
@Suite struct LanesChartTests {
    /// Ten parcels a week for the three weeks from Monday 2026-10-12 (no holiday in Poland or Lithuania), drawn on four weeks up to Wednesday 2026-11-04 on a carrier whose id is
    /// markup (`<b>&"`), and on inpost to Poland and Lithuania; transit 1, 2 or 3 business days,
    /// a promise two days after the scan.
    static func timeline() throws -> LaneTimeline {
        var parcels: [DeliveredParcel] = []
        let monday = try #require(CivilDate("2026-10-12"))
        for week in 0..<3 {
            for index in 0..<10 {
                for (carrier, country) in [("<b>&\"", "PL"), ("inpost", "PL"), ("inpost", "LT")] {
                    let scan = monday.adding(days: 7 * week)
                    let delivered = scan.adding(days: 1 + index % 3)
                    parcels.append(
                        DeliveredParcel(
                            id: "\(carrier)-\(country)-\(week)-\(index)", carrier: carrier, originCountry: "PL", destinationCountry: country,
                            postcode: country == "PL" ? "30-001" : "01100", firstScanAt: scan.start(in: .gmt).addingTimeInterval(8 * 3600),
                            deliveredAt: delivered.start(in: .gmt).addingTimeInterval(10 * 3600), promisedDate: scan.adding(days: 2)))
                }
            }
        }
        return LaneTimeline(parcels: parcels, now: try #require(CivilDate("2026-11-04")).start(in: .gmt).addingTimeInterval(12 * 3600), weeks: 4)
    }

    /// `svg` parsed by libxml2 as XML, without a diagnostic.
    static func parse(_ svg: String) throws -> Document {
        let document = try Document(xml: Array(svg.utf8))
        #expect(document.diagnostics.isEmpty, "\(document.diagnostics)")
        return document
    }

    @Test func bothChartsAreWellFormedSVGWithTitlesLinesAndEscapedNames() throws {
        let timeline = try Self.timeline()
        // inpost → PL and → LT, then the two carriers; the hostile carrier's only lane is itself.
        #expect(timeline.lanes.map(\.key.description) == ["inpost/*/*>LT/*/*", "inpost/*/*>PL/*/*", "inpost/*/*>*/*/*", "<b>&\"/*/*>*/*/*"])
        let names = ["inpost": "InPost"]
        let transit = LanesChart.transit(timeline, carrierNames: names)
        let onTime = LanesChart.onTime(timeline, carrierNames: names)
        for (svg, id, title) in [
            (transit, "transit-chart", "Transit per lane, week by week"), (onTime, "on-time-chart", "On-time rate per carrier, week by week"),
        ] {
            #expect(!svg.contains("<b>") && !svg.contains("<script") && !svg.contains("href"), "no markup from data, no script, no link")
            let document = try Self.parse(svg)
            #expect(document.root?.name == "svg" && document.root?.attribute("id") == id)
            #expect(document.root?.attribute("role") == "img" && document.root?.attribute("aria-labelledby") == "\(id)-title \(id)-desc")
            #expect(try document.text("/*[local-name()='svg']/*[local-name()='title']") == title)
            #expect(try document.text("/*[local-name()='svg']/*[local-name()='desc']")?.contains("The table below the chart has the same numbers") == true)
            // The carrier's name is text in the legend, exactly as written.
            let legend = try document.nodes("//*[local-name()='g'][@class='legend']/*[local-name()='text']").map(\.text)
            #expect(legend.contains("<b>&\" (30)"), "\(legend)")
        }
        let transitDocument = try Self.parse(transit)
        // Weeks 2–4 have 10 parcels a lane: p50 and p90 are each one line of three points for each of four lanes.
        let polylines = try transitDocument.nodes("//*[local-name()='polyline']")
        #expect(polylines.count == 8 && polylines.allSatisfy { $0.attribute("points")?.split(separator: " ").count == 3 })
        #expect(try transitDocument.nodes("//*[local-name()='polyline'][@stroke-dasharray]").count == 4, "p90 dashed")
        let dots = try transitDocument.nodes("//*[local-name()='circle']/*[local-name()='title']").map(\.text)
        #expect(dots.count == 12 && dots.contains("InPost → PL, week of 2026-10-19: p50 2, p90 3 business days (10 parcels)"), "\(dots)")
        let labels = try transitDocument.nodes("//*[local-name()='g'][@class='ticks']/*[local-name()='text']").map(\.text)
        #expect(["10-12", "10-19", "10-26", "11-02"].allSatisfy(labels.contains) && ["0", "1", "2", "3", "4"].allSatisfy(labels.contains), "\(labels)")

        let onTimeDocument = try Self.parse(onTime)
        // Each carrier keeps the colour of its transit line: inpost and the other are the transit chart's third and fourth.
        #expect(
            try onTimeDocument.nodes("//*[local-name()='polyline']").map { $0.attribute("stroke") ?? "" } == [LanesChart.palette[2], LanesChart.palette[3]])
        let rates = try onTimeDocument.nodes("//*[local-name()='circle']/*[local-name()='title']").map(\.text)
        // Delivered 1, 2 or 3 days after the scan with a promise of 2: 7 of 10 on time.
        #expect(rates.count == 6 && rates.contains("InPost, week of 2026-10-19: 70.0% on time (14 of 20)"), "\(rates)")
        let percents = try onTimeDocument.nodes("//*[local-name()='g'][@class='ticks']/*[local-name()='text']").map(\.text)
        #expect(["0%", "20%", "40%", "60%", "80%", "100%"].allSatisfy(percents.contains), "\(percents)")
    }

    @Test func anEmptyTimelineStillDrawsItsAxes() throws {
        let empty = LaneTimeline(parcels: [], now: Date(timeIntervalSince1970: 1_795_176_000))
        for svg in [LanesChart.transit(empty, carrierNames: [:]), LanesChart.onTime(empty, carrierNames: [:])] {
            let document = try Self.parse(svg)
            #expect(try document.nodes("//*[local-name()='polyline']").isEmpty)
            #expect(try document.nodes("//*[local-name()='g'][@class='ticks']/*[local-name()='text']").count > 12)
        }
    }

    @Test func laneLabelsForEachLevel() {
        let key = LaneKey(carrier: "inpost", service: "locker", originCountry: "PL", destinationCountry: "LT", postcode: "LT-01100", handOverWeekday: 5)
        let names = ["inpost": "InPost"]
        #expect(LanesChart.label(key, carrierNames: names) == "InPost locker PL → LT 01 Fri")
        #expect(LanesChart.label(key.backedOff(to: .destination), carrierNames: names) == "InPost → LT")
        #expect(LanesChart.label(key.backedOff(to: .carrier), carrierNames: [:]) == "inpost")
        #expect(MarkupText.escaped("<b>&\"'x") == "&lt;b&gt;&amp;&quot;&#39;x")
    }
}
