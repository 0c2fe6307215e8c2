import ArgumentParser
import Foundation
import ParcelKit

/// `parcelwatch carriers list|unmapped`.
struct CarriersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "carriers",
        abstract: "List the carriers Parcelwatch knows and the raw statuses their rules do not map.",
        subcommands: [List.self, Unmapped.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Id, name, country, format and rule count of every carrier.")
        @OptionGroup var carriers: CarrierOptions
        @OptionGroup var output: OutputOptions

        struct Row: Encodable {
            var id, name, country, language, format: String
            var feed: Bool
            var statusRules: Int
            var numberRules: Int
        }

        func run() async throws {
            let registry = try carriers.registry()
            let rows = registry.carriers.map {
                Row(id: $0.id, name: $0.name, country: $0.country, language: $0.language, format: $0.format.rawValue,
                    feed: $0.isFeed, statusRules: $0.statuses.count, numberRules: $0.numbers.count)
            }
            if output.json { return try printJSON(rows) }
            print(Terminal.table(["ID", "NAME", "COUNTRY", "FORMAT", "RULES"], rows.map {
                [$0.id, $0.name, $0.country, $0.format + ($0.feed ? " feed" : ""), String($0.statusRules)]
            }))
        }
    }

    struct Unmapped: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
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
                do { stored = try await store.openStore().unmappedStatuses() } catch let error as StoreError { throw fail(.store(error)) }
                return try show(stored.filter { carrier == nil || $0.carrier == carrier }
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
