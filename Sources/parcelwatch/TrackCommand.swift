import ArgumentParser
import Curl
import Foundation
import ParcelKit

/// `parcelwatch track NUMBER`: ad hoc, no database.
struct TrackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "track",
        abstract: "Fetch a parcel's history from its carrier now and print the timeline (no database).",
        discussion: """
        The carrier is detected from the number unless --carrier names it. --carrier-endpoint [ID=]URL sends requests
        to another host (e.g. the carrier simulator); without ID= it applies to every carrier. Repeatable.
        Exit codes: 0 found, 1 the carrier does not know the number, 2 invalid number or options, 3 carrier unreachable or changed.
        """)
    @OptionGroup var carriers: CarrierOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The tracking number.") var number: String
    @Option(help: "Carrier id; detected from the number when omitted.") var carrier: String?
    @Option(name: .customLong("carrier-endpoint"), help: "[ID=]URL to use instead of the carrier's host (repeatable).")
    var carrierEndpoints: [String] = []
    @Option(help: "Recipient postcode, for carriers that ask for it.") var postcode: String?

    func run() async throws {
        let registry = try carriers.registry()
        let normalized = CarrierRegistry.normalize(number)
        do {
            let endpoints = try EndpointOverrides(carrierEndpoints)
            let definition = try pickCarrier(registry, normalized)
            let fetcher = CarrierFetcher(client: try HTTPClient(), endpoints: endpoints)
            var inputs: [String: String] = [:]
            if let postcode { inputs["postcode"] = postcode }
            guard case .updated(let result, _) = try await fetcher.track(normalized, carrier: definition, inputs: inputs) else { return }
            let report = TrackingReport(result)
            if output.json { printReports([report], asArray: false) } else { Timeline.print(report) }
        } catch let error as TrackingError {
            throw fail(.tracking(error))
        } catch let error as CurlError {
            throw fail(.tracking(.unreachable(carrier: carrier ?? "?", error: error)))
        }
    }

    private func pickCarrier(_ registry: CarrierRegistry, _ number: String) throws(TrackingError) -> CarrierDefinition {
        if let carrier {
            let definition = try registry.carrier(carrier)
            if let reason = registry.rejection(of: number, carrier: definition) { throw .invalidNumber(number: number, reason: "\(carrier): \(reason)") }
            return definition
        }
        let candidates = registry.detect(number)
        let valid = candidates.filter(\.valid)
        guard let first = valid.first else {
            let reasons = candidates.map { "\($0.carrier): \($0.reason ?? "")" }.joined(separator: "; ")
            throw .invalidNumber(number: number, reason: reasons.isEmpty ? "no carrier uses numbers like this" : reasons)
        }
        if valid.count > 1 {
            FileHandle.standardError.write(Data("note: \(number) fits \(valid.map(\.carrier).joined(separator: ", ")); using \(first.carrier) (pass --carrier to choose)\n".utf8))
        }
        return try registry.carrier(first.carrier)
    }
}
