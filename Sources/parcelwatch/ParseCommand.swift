import ArgumentParser
import Foundation
import ParcelKit
#if canImport(Glibc)
import Glibc
#endif

/// `parcelwatch parse --carrier ID FILE`.
struct ParseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Parse a saved carrier page or feed into the canonical history.",
        discussion: """
        With --json prints {"carrier","trackingNumber","status","reason","events":[{"time","status","reason","rawStatus","rawCode","location"}]}
        (events oldest first, times in UTC). Exit 1: the page says "unknown number"; 3: the page no longer matches the carrier file.
        """)
    @OptionGroup var carriers: CarrierOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Carrier id (see `parcelwatch carriers list`).") var carrier: String
    @Option(help: "The tracking number the page is for, when the page does not echo it.") var number: String?
    @Option(help: "The Content-Type the page was served with (its charset is honoured).") var contentType: String?
    @Argument(help: "The saved page or feed.") var file: String

    func run() throws {
        let definition = try carriers.definition(carrier)
        guard let bytes = Self.read(file) else { throw fail(.unreadable(file)) }
        let reports: [TrackingReport]
        do {
            reports = try Self.parse(bytes, definition: definition, contentType: contentType, number: number ?? "")
        } catch {
            throw fail(.tracking(error))
        }
        if output.json {
            return printReports(reports, asArray: definition.isFeed)
        }
        for report in reports {
            Timeline.print(report)
            if definition.isFeed { print() }
        }
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
        return [TrackingReport(try parser.parse(bytes, contentType: contentType, number: number))]
    }
}
