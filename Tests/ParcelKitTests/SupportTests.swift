import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

/// The small utilities every part shares (one home each): FNV-1a, backoff, durations as text,
/// English calendar names, ISO-8601 times and the customer languages.
@Suite struct SupportTests {
    @Test func fnv1a64MatchesThePublishedVectors() {
        // From the FNV reference (Fowler, Noll, Vo: test vectors for FNV-1a 64).
        #expect(FNV1a64().value == 0xCBF2_9CE4_8422_2325)
        #expect(FNV1a64.hash("") == 0xCBF2_9CE4_8422_2325)
        #expect(FNV1a64.hash("a") == 0xAF63_DC4C_8601_EC8C)
        #expect(FNV1a64.hash("foobar") == 0x8594_4171_F739_67E8)
        var hasher = FNV1a64()
        hasher.combine(Array("foo".utf8))
        hasher.combine(Array("bar".utf8))
        #expect(hasher.value == FNV1a64.hash("foobar"))
        #expect(hasher.paddedHex == "85944171f73967e8")
        #expect(
            ["", "a", "foobar", "notice:1"].allSatisfy { text in
                var one = FNV1a64()
                one.combine(Array(text.utf8))
                return one.paddedHex.count == 16
            })
    }

    @Test func eventFingerprintsStayWhatTheyWere() {
        // Stored fingerprints de-duplicate events across runs: the value must never move. These
        // were computed outside Swift (FNV-1a 64 over the fields, each followed by 0x1F).
        let scan = TrackingEvent(
            carrier: "seur", trackingNumber: "12345678901234", time: CarrierTime(date: fixtureNow, offsetSeconds: 3600),
            rawStatus: "En reparto", rawCode: "I535", status: .outForDelivery, reason: nil, location: "Madrid")
        #expect(scan.fingerprint == "294a5f05d3383e04")
        let bare = TrackingEvent(
            carrier: "dhl", trackingNumber: "JJD00", time: CarrierTime(date: Date(timeIntervalSince1970: 0), offsetSeconds: 0),
            rawStatus: "Zugestellt", rawCode: nil, status: .delivered, reason: nil, location: nil)
        #expect(bare.fingerprint == "d2dce0cb087908d4")
    }

    @Test func backoffDoublesUpToItsCap() {
        let backoff = Backoff(base: 60, cap: 3600, maxDoublings: 12)
        #expect([0, 1, 2, 5, 6, 7, 100].map(backoff.delay(after:)) == [60, 120, 240, 1920, 3600, 3600, 3600])
        #expect(backoff.delay(after: -3) == 60)
        // The doubling count stops, so a huge base and count stay finite.
        let long = Backoff(base: 1, cap: .infinity, maxDoublings: 10)
        #expect(long.delay(after: 1_000_000) == 1024)
        // The check schedule retries failed parcels this way: 15 min doubling, at most 6 h.
        let start = Date(timeIntervalSince1970: 0)
        #expect(
            [0, 1, 2, 5, 6, 40].map { CheckSchedule.standard.retry(after: start, failures: $0).timeIntervalSince1970 }
                == [900, 900, 1800, 14_400, 21_600, 21_600])
    }

    @Test func commandLineDurationsAcceptTheirSpellings() {
        let accepted: [(String, Double)] = [
            ("30s", 30), ("15m", 900), ("1h", 3600), ("2d", 172_800), ("90", 90), ("1.5h", 5400),
            (" 2H ", 7200), ("0.5s", 0.5),
        ]
        for (text, seconds) in accepted { #expect(DurationText.seconds(text) == seconds, "\(text)") }
        for text in ["", " ", "0", "0m", "-5m", "2w", "soon", "m", "inf", "nan", "1h30m", "5 m"] {
            #expect(DurationText.seconds(text) == nil, "\(text)")
        }
    }

    @Test func fixtureOffsetsAcceptSignedSums() {
        let accepted: [(String, Int)] = [
            ("-2d3h30m", -(2 * 86_400 + 3 * 3600 + 30 * 60)), ("+1d", 86_400), ("45m", 2700), ("0", 0),
            ("90s", 90), ("1h1h", 7200), (" -45m ", -2700), ("-0", 0),
        ]
        for (text, seconds) in accepted { #expect(DurationText.offsetSeconds(text) == seconds, "\(text)") }
        for text in ["", "5", "d", "-", "2x", "1d2", "1w", "2D", "1.5h", "d1", "99999999999999999999d", "9223372036854775807d"] {
            #expect(DurationText.offsetSeconds(text) == nil, "\(text)")
        }
    }

    @Test func aPlaceholderOffsetTooLargeForIntIsLeftAsItIs() throws {
        // It used to overflow `Int` and crash the renderer (and the simulator serving the page).
        let text = "<td>{{time:99999999999999999999d}}</td><td>{{time:-1d|yyyy-MM-dd}}</td>"
        let page = FixtureTemplate(bytes: Array(text.utf8)).render(
            number: "1", now: fixtureNow, pattern: try TimePattern("yyyy"),
            zone: try #require(TimeZone(identifier: "UTC")))
        #expect(String(decoding: page, as: UTF8.self) == "<td>{{time:99999999999999999999d}}</td><td>2026-11-19</td>")
    }

    @Test func reportWindowsAcceptWholeCounts() {
        let accepted: [(String, Double)] = [("30d", 30 * 86_400), ("2w", 14 * 86_400), ("12h", 12 * 3600), (" 7d ", 7 * 86_400), ("99999h", 99_999 * 3600)]
        for (text, seconds) in accepted { #expect(DurationText.window(text) == seconds, "\(text)") }
        for text in ["", "0d", "30", "1.5d", "30m", "30s", "30D", "123456d", "-1d", "+1d", "d", "٣d"] {
            #expect(DurationText.window(text) == nil, "\(text)")
        }
    }

    @Test func isoDurationsAcceptDaysWeeksAndTimes() {
        let accepted: [(String, Double)] = [
            ("P7D", 604_800), ("PT12H", 43_200), ("P1DT6H", 108_000), ("P2W", 1_209_600), ("PT30M", 1800),
            ("PT45S", 45), ("P0D", 0),
        ]
        for (text, seconds) in accepted { #expect(DurationText.iso8601(text) == seconds, "\(text)") }
        for text in ["", "7D", "P", "PT", "P1H", "PT1D", "P1Y", "p7d", "P7X"] {
            #expect(DurationText.iso8601(text) == nil, "\(text)")
        }
    }

    @Test func englishCalendarNames() {
        #expect(CalendarNames.months.count == 12 && CalendarNames.months[10] == "November")
        #expect(CalendarNames.monthAbbreviations == ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"])
        #expect(CalendarNames.weekdayAbbreviation(daysSince1970: 0) == "Thu")  // 1970-01-01
        #expect(CalendarNames.weekdayAbbreviation(daysSince1970: -1) == "Wed")
        for days in -800...800 {
            let day = CivilDate(daysSince1970: days)
            #expect(CalendarNames.weekdayAbbreviation(daysSince1970: days) == CalendarNames.weekdayAbbreviations[day.weekday - 1], "\(day)")
        }
        // Carrier times are written with them too (`EEE, d MMMM yyyy`).
        let pattern = try? TimePattern("EEE, d MMMM yyyy")
        #expect(pattern?.format(fixtureNow, zone: TimeZone(identifier: "UTC") ?? .current) == "Fri, 20 November 2026")
    }

    @Test func isoTimesAreReadOneWay() throws {
        #expect(ISOTime.parse("2026-11-20T12:00:00Z") == fixtureNow)
        #expect(ISOTime.parse("2026-11-20T13:00:00+01:00") == fixtureNow)
        #expect(ISOTime.parse("2026-11-20T12:00:00") == fixtureNow)  // no offset: UTC
        #expect(ISOTime.parse("2026-11-20 12:00") == fixtureNow)
        #expect(ISOTime.parse("2026-11-20T12:00:00.250Z") == fixtureNow.addingTimeInterval(0.25))
        let warsaw = try #require(TimeZone(identifier: "Europe/Warsaw"))
        #expect(ISOTime.parse("2026-11-20T13:00:00", zone: warsaw) == fixtureNow)  // no offset: the zone given
        #expect(ISOTime.parse("2026-11-20T12:00:00Z", zone: warsaw) == fixtureNow)  // an offset wins
        for text in ["", "2026-11-20", "tomorrow", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "20261120T120000Z", "2026-11-20T12:00:00Z trailing"] {
            #expect(ISOTime.parse(text) == nil, "\(text)")
        }
        #expect(ISOTime.parse(ISOTime.utc(fixtureNow)) == fixtureNow)
        // `--now` reads with it.
        #expect(try ParcelClock.resolve(explicit: "2026-11-20T13:00:00+01:00", environment: [:]).now == fixtureNow)
        #expect(throws: ConfigError.badNow("2026-11-20")) { try ParcelClock.resolve(explicit: "2026-11-20", environment: [:]) }
    }

    @Test func everySupportedLanguageHasItsTemplatesAndPhrases() throws {
        #expect(CustomerLanguages.supported == ["pl", "en", "es", "lt"])
        let templates = try NoticeTemplates()
        #expect(Set(templates.sources.keys) == Set(CustomerLanguages.supported))
        for language in CustomerLanguages.supported { #expect(CustomerPhrases(language: language).language == language) }
        #expect(CustomerPhrases(language: "de").language == "en")
    }
}
