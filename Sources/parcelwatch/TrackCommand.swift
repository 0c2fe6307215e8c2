import ArgumentParser
import Curl
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore

/// `parcelwatch track NUMBER`: ad hoc, no database.
struct TrackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "track",
        abstract: "Track a parcel: a customer's own parcel from the shop's store (--postcode/--email), else ask the carrier now.",
        discussion: """
            With --postcode CODE or --email ADDRESS and the shop's database (--db), a customer sees their own parcel: status,
            carrier events, the promised date and, when something is wrong, what the shop is doing and when they will hear
            next, in the order's language, and the estimate: the expected day (p50) to the late one (p90), with where it
            comes from ("estimated from 214 InPost parcels to 00-xxx in the last 90 days"). A wrong postcode or e-mail reads exactly like an unknown number. Without a store
            match, the carrier is asked directly (ad-hoc, nothing stored).
            The carrier is detected from the number unless --carrier names it. --carrier-endpoint [ID=]URL sends requests
            to another host (e.g. the carrier simulator); without ID= it applies to every carrier. Repeatable.
            With --server URL (or $PARCELWATCH_SERVER) the shop's `parcelwatch serve` is asked instead of a database: what
            a customer without the shop's database runs. It prints the same timeline, in the order's language.
            Examples:
              parcelwatch track 12345678901234 --postcode 28001 --server https://track.shop.example
              PARCELWATCH_SERVER=http://127.0.0.1:8080 parcelwatch track CP482915304ES --email ana@example.es --json
            Exit codes: 0 found, 1 unknown number (or not yours), 2 invalid number or options, 3 carrier or shop server
            unreachable or changed, 5 the shop's server is rate-limiting this address (try again later).
            """)
    @OptionGroup var carriers: CarrierOptions
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The tracking number.") var number: String
    @Option(help: "Carrier id; detected from the number when omitted.") var carrier: String?
    @Option(name: .customLong("carrier-endpoint"), help: "[ID=]URL to use instead of the carrier's host (repeatable).")
    var carrierEndpoints: [String] = []
    @Option(help: "The recipient's postcode: proves the parcel is yours (and some carriers ask for it).") var postcode: String?
    @Option(help: "The order's e-mail address: proves the parcel is yours.") var email: String?
    @Option(help: "The shop's server (`parcelwatch serve`) to ask, e.g. https://track.shop.example (default: $PARCELWATCH_SERVER).")
    var server: String?

    /// `--server`, else `$PARCELWATCH_SERVER`.
    private var serverURL: String? {
        (server ?? ProcessInfo.processInfo.environment["PARCELWATCH_SERVER"]).flatMap { $0.isEmpty ? nil : $0 }
    }

    func validate() throws {
        if serverURL != nil, postcode?.isEmpty != false, email?.isEmpty != false {
            throw ValidationError("asking the shop's server needs --postcode or --email of the order: they prove the parcel is yours")
        }
    }

    func run() async throws {
        if let serverURL { return try await ShopServerClient(base: serverURL).track(number: number, postcode: postcode, email: email, json: output.json) }
        if postcode != nil || email != nil, let database = try await existingStore() {
            let config = try store.shopConfig()
            let now = try store.clock().now
            let tracking: CustomerTracking
            // The carrier files, where found, give the estimate its lane's country and the
            // carrier's name, as `serve` has them; without them the shop's country and the id.
            let registry = CarrierRegistry.locate(explicit: carriers.directory) == nil ? nil : try carriers.registry()
            do { tracking = try ParcelServices(store: database, config: config, registry: registry).tracking } catch {
                throw ValidationError(error.description)
            }
            let found: CustomerParcel?
            do { found = try await tracking.lookup(number: number, postcode: postcode, email: email, now: now) } catch {
                throw fail(.store(error))
            }
            if let found {
                if output.json { return try printJSON(found) }
                return CustomerView.print(found, timeZone: config.timeZone)
            }
        }
        try await trackAtCarrier()
    }

    /// The shop's database when it exists (a customer query never creates one).
    private func existingStore() async throws -> (Store)? {
        let location = StoreLocation.resolve(explicit: store.db)
        guard StoreLocation.isPostgres(location) || FileManager.default.fileExists(atPath: StoreLocation.sqlitePath(location)) else { return nil }
        return try await store.openStore(.readOnly)
    }

    private func trackAtCarrier() async throws {
        let (registry, credentials) = try carriers.registry(credentialsFrom: try store.shopConfig())
        let normalized = CarrierRegistry.normalize(number)
        let endpoints: EndpointOverrides
        do { endpoints = try EndpointOverrides(carrierEndpoints) } catch { throw fail(.endpoint(error)) }
        do {
            let definition = try pickCarrier(registry, normalized)
            let fetcher = CarrierFetcher(client: try makeHTTPClient(), endpoints: endpoints, credentials: credentials)
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
            FileHandle.standardError.write(
                Data("note: \(number) fits \(valid.map(\.carrier).joined(separator: ", ")); using \(first.carrier) (pass --carrier to choose)\n".utf8))
        }
        return try registry.carrier(first.carrier)
    }
}
