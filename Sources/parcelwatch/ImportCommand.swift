import ArgumentParser
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore

/// `parcelwatch import FILE`: the shop's orders and tracking numbers into the store.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import orders and tracking numbers from a CSV or JSON file (idempotent upsert).",
        discussion: """
            CSV: a header row with the columns
              \(OrderImporter.columns.joined(separator: ","))
            (reshippable optional, default true). JSON: an array of objects with the same keys; a rejected element is
            reported by its 1-based position. promised_date is YYYY-MM-DD in the shop's time zone, paid_at ISO-8601.
            An empty carrier is detected from the number; a row without a tracking number is an order not yet shipped.
            Every bad row is reported with its line and reason and the good rows are imported. Re-importing the same file
            changes nothing.
            Exit codes: 0 imported (even with rejected rows), 2 unreadable file or missing columns, 4 database unusable.
            """)
    @OptionGroup var store: StoreOptions
    @OptionGroup var carriers: CarrierOptions
    @OptionGroup var output: OutputOptions
    @Flag(help: "Show what would happen; write nothing.") var dryRun = false
    @Argument(help: "The order file (.csv or .json).") var file: String

    func run() async throws {
        let registry = try carriers.registry()
        let importer = OrderImporter(registry: registry, config: try store.shopConfig())
        let read: (records: [(line: Int, fields: [String: String])], rejected: [ImportSummary.Rejection])
        do { read = try importer.records(file: file) } catch { throw fail(.importFile(error)) }
        let database = try await store.openStore(.readWrite)
        let now = try store.clock().now
        let summary: ImportSummary
        do {
            summary = try await importer.run(
                read.records, readRejections: read.rejected, store: database, dryRun: dryRun,
                actor: store.actor, at: now)
        } catch {
            throw fail(.store(error))
        }
        if output.json { return try printJSON(summary) }
        let verb = dryRun ? "would import" : "imported"
        print(
            "\(file): \(verb) \(summary.imported), unchanged \(summary.unchanged), rejected \(summary.rejected.count)\(dryRun ? " (dry run: nothing written)" : "")"
        )
        if !summary.rejected.isEmpty {
            print(Terminal.table(["LINE", "REASON"], summary.rejected.map { [String($0.line), Terminal.paint($0.reason, "31")] }))
        }
    }
}
