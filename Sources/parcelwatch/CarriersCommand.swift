import ArgumentParser
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore

/// `parcelwatch carriers list|unmapped`.
struct CarriersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "carriers",
        abstract: "The carriers Parcelwatch knows: their sources and quotas, a credentials check, and raw statuses no rule maps.",
        subcommands: [List.self, Check.self, Unmapped.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "Every carrier: the source in use and why, its format, rules and quota use.",
            discussion: """
                A carrier answers through the first of its sources (carriers/<id>.yaml, `sources:`) whose credentials are all set, in
                the environment or in the carrier's credentials file (`carriers: { ID: { credentials: FILE } }` in parcelwatch.yaml);
                WHY says which were skipped ("official: UPS_CLIENT_ID not set, using public"). QUOTA shows today's and this hour's
                requests against the source's per_day/per_hour limits, counted in the store (--db) by every worker; "-" without one.
                With --json: [{"id","name","country","language","format","feed","batch","source","sources","usable","why",
                "statusRules","numberRules","quotas":[{"window","used","quota","left"}]}].
                """)
        @OptionGroup var carriers: CarrierOptions
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        struct Row: Encodable {
            var id, name, country, language, format: String
            var feed: Bool
            var batch: Bool
            var source: String
            var sources: [String]
            var usable: Bool
            var why: String
            var statusRules: Int
            var numberRules: Int
            var quotas: [QuotaUsageRow]
        }

        struct QuotaUsageRow: Encodable {
            var window: String
            var used, quota, left: Int
        }

        func run() async throws {
            let (registry, _) = try carriers.registry(credentialsFrom: try store.shopConfig())
            let now = try store.clock().now
            var usage: [String: [QuotaUsage]] = [:]
            let windows = registry.carriers.flatMap { carrier in QuotaWindow.windows(for: carrier.limits, at: now) }
            if !windows.isEmpty, let database = try await existingStore() {
                do {
                    for entry in try await database.read({ try $0.shipments.quotaUsage(windows: Array(Set(windows.map(\.key)))) }) {
                        usage[entry.carrier, default: []].append(entry)
                    }
                } catch { throw fail(.store(error)) }
            }
            let rows = registry.carriers.map { carrier in
                let quotas = QuotaWindow.windows(for: carrier.limits, at: now).map { window in
                    let used = usage[carrier.id]?.first { $0.window == window.key }?.used ?? 0
                    return QuotaUsageRow(window: window.key, used: used, quota: window.quota, left: max(0, window.quota - used))
                }
                return Row(
                    id: carrier.id, name: carrier.name, country: carrier.country, language: carrier.language, format: carrier.format.rawValue,
                    feed: carrier.isFeed, batch: carrier.isBatch, source: carrier.source.name, sources: carrier.sources.map(\.name),
                    usable: carrier.isUsable, why: carrier.sourceReason, statusRules: carrier.statuses.count,
                    numberRules: carrier.numbers.count, quotas: quotas)
            }
            if output.json { return try printJSON(rows) }
            print(
                Terminal.table(
                    ["ID", "NAME", "SOURCE", "FORMAT", "QUOTA", "WHY"],
                    rows.map { row in
                        [
                            row.id, row.name, row.source + (row.usable ? "" : " (unusable)"),
                            row.format + (row.feed ? " feed" : "") + (row.batch ? " batch" : ""),
                            row.quotas.isEmpty
                                ? "-" : row.quotas.map { "\($0.window.hasPrefix("day") ? "day" : "hour") \($0.used)/\($0.quota)" }.joined(separator: ", "),
                            row.why,
                        ]
                    }))
        }

        private func existingStore() async throws -> (Store)? {
            let location = StoreLocation.resolve(explicit: store.db)
            guard StoreLocation.isPostgres(location) || FileManager.default.fileExists(atPath: StoreLocation.sqlitePath(location)) else { return nil }
            return try await store.openStore(.readOnly)
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Try a carrier's credentials: fetch a token and make one harmless request.",
            discussion: """
                Uses the source `carriers list` shows as active (or --source). Says plainly what is wrong: a credential not set, bad
                credentials, quota spent, carrier unreachable, or an answer in a changed format. The probe asks about --number (default:
                a number the carrier cannot know, whose "unknown number" answer proves the request was accepted). No secret or token
                is printed. Exit 0: the carrier accepted the request; 2: a credential is not set; 3: refused, spent, unreachable or changed.
                """)
        @OptionGroup var carriers: CarrierOptions
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Carrier endpoint override, [ID=]URL (e.g. the simulator).") var carrierEndpoint: [String] = []
        @Option(help: "Source to check instead of the active one.") var source: String?
        @Option(help: "Tracking number for the probe request.") var number: String = "PARCELWATCH-PROBE-0"
        @Argument(help: "Carrier id.") var id: String

        struct Result: Encodable {
            var carrier, source: String
            var ok: Bool
            var problem: String?
            var message: String
            var tokenFetched: Bool
        }

        func run() async throws {
            let (registry, credentials) = try carriers.registry(credentialsFrom: try store.shopConfig())
            var carrier: CarrierDefinition
            do {
                carrier = try registry.carrier(id)
                if let source { carrier = try carrier.using(source: source) }
            } catch { throw fail(.tracking(error)) }
            let endpoints: EndpointOverrides
            do { endpoints = try EndpointOverrides(carrierEndpoint) } catch { throw fail(.endpoint(error)) }
            let fetcher = CarrierFetcher(client: try makeHTTPClient(), endpoints: endpoints, credentials: credentials)
            var problem: String?
            var message: String
            do {
                if carrier.isBatch {
                    _ = try await fetcher.trackBatch([number], carrier: carrier)
                } else {
                    _ = try await fetcher.track(number, carrier: carrier)
                }
                message = "\(carrier.id) (\(carrier.source.name)) accepted the request and answered in the expected format"
            } catch {
                switch error {
                case .notFound, .notYetAvailable:
                    message = "\(carrier.id) (\(carrier.source.name)) accepted the credentials; it answered 'unknown number' for the probe"
                case .missingCredential:
                    problem = "credentialNotSet"; message = error.description
                case .credentialsRejected:
                    problem = "credentialsRejected"; message = error.description
                case .quotaExceeded:
                    problem = "quotaSpent"; message = error.description
                case .formatChanged, .unreadable:
                    problem = "formatChanged"; message = error.description
                case .unreachable, .httpStatus, .transient:
                    problem = "unreachable"; message = error.description
                default:
                    problem = error.kind; message = error.description
                }
            }
            let fetched = await fetcher.tokens.fetched.values.reduce(0, +) > 0
            let result = Result(
                carrier: carrier.id, source: carrier.source.name, ok: problem == nil, problem: problem, message: message,
                tokenFetched: fetched)
            if output.json {
                try printJSON(result)
            } else {
                if case .oauth2? = carrier.source.auth { print(fetched ? "token: fetched" : "token: not fetched") }
                print((problem == nil ? "ok: " : "problem: ") + message)
            }
            if let problem { throw ExitCode(problem == "credentialNotSet" ? 2 : 3) }
        }
    }

    struct Unmapped: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "unmapped",
            abstract: "Raw statuses no rule maps, with counts, from the store or from saved pages.",
            discussion: """
                Without FILEs: every stored event no rule mapped (--db). With FILEs: each is parsed with the carrier named by
                --carrier, or by its parent directory's name (fixtures/<carrier>/…).
                """)
        @OptionGroup var carriers: CarrierOptions
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Carrier id for all files.") var carrier: String?
        @Argument(help: "Saved pages or feeds.") var files: [String] = []

        struct Row: Encodable, Hashable {
            var carrier: String
            var rawStatus: String
            var rawCode: String?
            var count: Int
        }

        func run() async throws {
            guard !files.isEmpty else {
                let stored: [UnmappedStatus]
                do { stored = try await store.openStore(.readOnly).read { try $0.shipments.unmappedStatuses() } } catch let error as StoreError {
                    throw fail(.store(error))
                }
                return try show(
                    stored.filter { carrier == nil || $0.carrier == carrier }
                        .map { Row(carrier: $0.carrier, rawStatus: $0.rawStatus, rawCode: $0.rawCode, count: $0.count) })
            }
            let registry = try carriers.registry()
            var counts: [String: (String, String, String?, Int)] = [:]
            for file in files {
                let id = carrier ?? ((file as NSString).deletingLastPathComponent as NSString).lastPathComponent
                let definition: CarrierDefinition
                do { definition = try registry.carrier(id) } catch { throw fail(.tracking(error)) }
                guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
                let parser = CarrierParser(definition: definition)
                let results: [TrackingResult]
                do {
                    results = definition.isFeed ? try parser.parseFeed([UInt8](data)) : [try parser.parse([UInt8](data), number: "")]
                } catch {
                    FileHandle.standardError.write(Data("warning: \(file): \(error.description)\n".utf8))
                    continue
                }
                for event in results.flatMap(\.unmapped) {
                    let key = "\(id)\u{1F}\(event.rawCode ?? "")\u{1F}\(event.rawStatus)"
                    let previous = counts[key]?.3 ?? 0
                    counts[key] = (id, event.rawStatus, event.rawCode, previous + 1)
                }
            }
            try show(counts.values.map { Row(carrier: $0.0, rawStatus: $0.1, rawCode: $0.2, count: $0.3) })
        }

        private func show(_ unsorted: [Row]) throws {
            let rows = unsorted.sorted { ($0.count, $1.carrier, $1.rawStatus) > ($1.count, $0.carrier, $0.rawStatus) }
            if output.json { return try printJSON(rows) }
            if rows.isEmpty { print("every raw status is mapped"); return }
            print(Terminal.table(["CARRIER", "COUNT", "CODE", "RAW STATUS"], rows.map { [$0.carrier, String($0.count), $0.rawCode ?? "", $0.rawStatus] }))
        }
    }
}
