import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

/// The engine reads RSS 2.0 and Atom tracking feeds, with test-only carrier files (no carrier
/// in carriers/ publishes one) and fixtures of their own in Tests/ParcelKitTests/Feeds.
@Suite struct FeedFormatTests {
    static let directory = PackagePaths.root + "/Tests/ParcelKitTests/Feeds"

    func parse(_ carrier: String, _ fixture: String, number: String) throws -> TrackingReport {
        let definition = try CarrierDefinition.load(file: "\(Self.directory)/\(carrier).yaml")
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(Self.directory)/\(fixture).xml")))
        return TrackingReport(try CarrierParser(definition: definition).parse(bytes, contentType: "application/rss+xml", number: number))
    }

    @Test func rssItemsWithRFC822Dates() throws {
        let report = try parse("rss-tracking", "rss-in-transit", number: "RSS00012345")
        #expect(report.trackingNumber == "RSS00012345")
        #expect(report.status == "outForDelivery")
        #expect(report.events.map(\.time) == ["2026-11-18T21:02:00Z", "2026-11-18T22:30:00Z", "2026-11-19T23:40:05Z", "2026-11-20T07:12:00Z"])
        #expect(report.events.map(\.status) == ["inTransit", "unknown", "inTransit", "outForDelivery"])
        #expect(report.events.first?.rawCode == "COL" && report.events.first?.location == "LEEDS, GB")
        #expect(report.events[1].rawCode == nil && report.events[1].rawStatus == "Parcel sorted by robot")
    }

    @Test func atomEntriesInTheDefaultNamespace() throws {
        let report = try parse("atom-tracking", "atom-delivered", number: "ATOM00004711")
        #expect(report.status == "delivered")
        #expect(report.events.map(\.time) == ["2026-11-19T21:44:00Z", "2026-11-20T07:01:00Z", "2026-11-20T10:05:00Z"])
        #expect(report.events.map(\.status) == ["inTransit", "outForDelivery", "delivered"])
        #expect(report.events.first?.location == "Paketzentrum Börnicke")
    }

    @Test func rfc822ZoneNamesAreOffsets() throws {
        let pattern = try TimePattern("EEE, dd MMM yyyy HH:mm:ss Z")
        let utc = try #require(TimeZone(identifier: "UTC"))
        #expect(pattern.parse("Wed, 18 Nov 2026 16:02:00 EST", zone: utc)?.offsetSeconds == -5 * 3600)
        #expect(pattern.parse("Wed, 18 Nov 2026 16:02:00 GMT", zone: utc)?.utcText == "2026-11-18T16:02:00Z")
        #expect(pattern.parse("Wed, 18 Nov 2026 16:02:00 +0130", zone: utc)?.utcText == "2026-11-18T14:32:00Z")
        #expect(pattern.parse("Wed, 18 Nov 2026 16:02:00 XYZ", zone: utc) == nil)
    }
}
