import ArgumentParser
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore

#if canImport(Glibc)
import Glibc
#endif

/// `parcelwatch parse --carrier ID FILE`.
struct ParseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Parse a saved carrier page or feed into the canonical history.",
        discussion: """
            With --json prints {"carrier","trackingNumber","status","reason","source","events":[{"time","status","reason","rawStatus","rawCode",
            "location","assumedZone"}]} (events oldest first, times in UTC; "skippedEvents" when events with unreadable times were left out).
            Without --source the carrier's sources are tried in their order and the first that reads the file answers (a JSON file is
            only tried with JSON sources, markup with XML/HTML ones); the JSON names it. A batch answer prints one report per parcel.
            --fixture-time renders a fixture template's {{number}} and {{time:…}} placeholders at that instant first, as the
            fixture tests and the simulator do (fixtures/README: 2026-11-20T12:00:00Z).
            Exit 1: the page says "unknown number"; 2: bad arguments; 3: the page no longer matches the carrier file, or the carrier
            refused credentials or a quota in it.
            """)
    @OptionGroup var carriers: CarrierOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Carrier id (see `parcelwatch carriers list`).") var carrier: String
    @Option(help: "The tracking number the page is for, when the page does not echo it.") var number: String?
    @Option(help: "The Content-Type the page was served with (its charset is honoured).") var contentType: String?
    @Option(help: "The carrier source the page came from (see `parcelwatch carriers list`); default: found from the page.") var source: String?
    @Option(help: "Render the file's fixture placeholders at this ISO-8601 instant before parsing.") var fixtureTime: String?
    @Argument(help: "The saved page or feed.") var file: String

    func run() throws {
        let carrierFile = try carriers.definition(carrier)
        guard let bytes = Self.read(file) else { throw fail(.unreadable(file)) }
        var candidates: [CarrierDefinition] = []
        do {
            for name in source.map({ [$0] }) ?? carrierFile.sources.map(\.name) { candidates.append(try carrierFile.using(source: name)) }
        } catch {
            throw fail(.tracking(error))
        }
        var instant: Date?
        if let fixtureTime {
            guard let parsed = ISOTime.parse(fixtureTime) else { throw ValidationError("--fixture-time '\(fixtureTime)' is not ISO-8601") }
            instant = parsed
        }
        if source == nil { candidates = Self.fitting(candidates, bytes) }
        var firstError: TrackingError?
        var answer: (CarrierDefinition, [TrackingReport])?
        for definition in candidates {
            var page = bytes
            if let instant, let pattern = definition.timePatterns.first {
                // Rendered in each source's own time format: the fixture tests do the same.
                page = FixtureTemplate(bytes: bytes).render(number: number ?? "", now: instant, pattern: pattern, zone: definition.timeZone)
            }
            do {
                answer = (definition, try Self.parse(page, definition: definition, contentType: contentType, number: number ?? ""))
                break
            } catch {
                // An answer this source understood (unknown number, refused credentials…) is its answer; a shape it does
                // not know means another source may read it.
                guard ["formatChanged", "unreadable"].contains(error.kind) else { throw fail(.tracking(error)) }
                if firstError == nil { firstError = error }
            }
        }
        guard let (definition, reports) = answer else { throw fail(.tracking(firstError ?? .formatChanged(carrier: carrier, detail: "no source reads it"))) }
        if output.json {
            return printReports(reports, asArray: definition.isFeed || definition.isBatch)
        }
        for report in reports {
            Timeline.print(report)
            if definition.isFeed || definition.isBatch { print() }
        }
    }

    /// Sources whose format fits the bytes: JSON for `{`/`[`, markup for `<`.
    private static func fitting(_ candidates: [CarrierDefinition], _ bytes: [UInt8]) -> [CarrierDefinition] {
        guard let first = bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }) else { return candidates }
        let json = first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
        let fitting = candidates.filter { ($0.format == .json) == json }
        return fitting.isEmpty ? candidates : fitting
    }

    /// The file's bytes read straight into one array (no `Data` in between: pages can be MBs).
    private static func read(_ path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        let size = Int(info.st_size)
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = 0
            while count < size, let base = buffer.baseAddress {
                let got = Glibc.read(descriptor, base + count, size - count)
                if got < 0 { failed = true; break }
                if got == 0 { break }
                count += got
            }
        }
        return failed ? nil : bytes
    }

    /// One report for a page, one per parcel for a feed.
    private static func parse(_ bytes: [UInt8], definition: CarrierDefinition, contentType: String?, number: String) throws(TrackingError) -> [TrackingReport] {
        let parser = CarrierParser(definition: definition)
        if definition.isFeed { return try parser.parseFeed(bytes, contentType: contentType).map(TrackingReport.init) }
        if definition.isBatch {
            let answers = try parser.parseBatch(bytes, contentType: contentType, numbers: [number])
            if answers.count == 1, let only = answers.first { return [TrackingReport(try only.outcome.get())] }
            return answers.compactMap { try? TrackingReport($0.outcome.get()) }
        }
        return [TrackingReport(try parser.parse(bytes, contentType: contentType, number: number))]
    }
}
