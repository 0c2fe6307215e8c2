import ArgumentParser
import Foundation
import ParcelKit

/// `parcelwatch parse --carrier ID FILE`.
struct ParseCommand: AsyncParsableCommand {
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

    func run() async throws {
        let registry = try carriers.registry()
        let definition: CarrierDefinition
        do { definition = try registry.carrier(carrier) } catch { throw fail(.tracking(error)) }
        guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
        let parser = CarrierParser(definition: definition)
        do {
            if definition.isFeed {
                let reports = try parser.parseFeed([UInt8](data), contentType: contentType).map(TrackingReport.init)
                if output.json { return try printJSON(reports) }
                for report in reports { Timeline.print(report); print() }
            } else {
                let result = try parser.parse([UInt8](data), contentType: contentType, number: number ?? "")
                if output.json { return try printJSON(TrackingReport(result)) }
                Timeline.print(TrackingReport(result))
            }
        } catch let error as TrackingError {
            throw fail(.tracking(error))
        }
    }
}
