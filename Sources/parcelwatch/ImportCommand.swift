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
            changes nothing. A CSV file is read in constant memory: checked whole first (nothing is written if it is over
            a limit, not UTF-8 or lacks columns), then stored 1000 rows per transaction; if the database fails part-way the
            earlier rows stay stored, and running the import again completes it. A postcode without letters or digits (-, ., empty) is imported as no postcode, with a note:
            such an order is found by its e-mail only.
            Limits (each refusal names the line and field): the file's size (--max-file-size, default 64M, checked before
            reading), the rows (--max-rows, default 200000), each field's length (--max-field-length, default 1000;
            customer_name --max-name-length, default 256); no field may hold a control character (NUL, tab, line break, DEL).
            Exit codes: 0 imported (even with rejected rows), 2 unreadable file, missing columns, or over the size or row limit,
            4 database unusable.
            """)
    @OptionGroup var store: StoreOptions
    @OptionGroup var carriers: CarrierOptions
    @OptionGroup var output: OutputOptions
    @Flag(help: "Show what would happen; write nothing.") var dryRun = false
    @Option(help: "The largest file read, in bytes or with K/M/G (binary units).") var maxFileSize = "64M"
    @Option(help: "The most rows one file may have.") var maxRows = ImportLimits.defaults.maxRows
    @Option(help: "The longest field, in characters.") var maxFieldLength = ImportLimits.defaults.maxFieldLength
    @Option(help: "The longest customer_name, in characters.") var maxNameLength = ImportLimits.defaults.maxNameLength
    @Argument(help: "The order file (.csv or .json).") var file: String

    func validate() throws {
        guard let bytes = ImportLimits.byteCount(maxFileSize), bytes > 0, bytes < Int.max else {
            throw ValidationError("--max-file-size '\(maxFileSize)' is not a size such as 67108864, 64M or 1G")
        }
        for (name, value) in [("--max-rows", maxRows), ("--max-field-length", maxFieldLength), ("--max-name-length", maxNameLength)] where value < 1 {
            throw ValidationError("\(name) must be at least 1")
        }
    }

    /// The limits from the options (``validate()`` checked them).
    private var limits: ImportLimits {
        ImportLimits(
            maxFileBytes: ImportLimits.byteCount(maxFileSize) ?? ImportLimits.defaults.maxFileBytes, maxRows: maxRows, maxFieldLength: maxFieldLength,
            maxNameLength: maxNameLength)
    }

    func run() async throws {
        let registry = try carriers.registry()
        let importer = OrderImporter(registry: registry, config: try store.shopConfig(), limits: limits)
        // The whole file is checked first (size, UTF-8, header, rows), a buffer at a time, then read
        // again and stored in batches: memory holds a buffer and a batch, not the file.
        let source: ImportSource
        do { source = try importer.prepare(file: file) } catch { throw fail(.importFile(error)) }
        let database = try await store.openStore(.readWrite)
        let now = try store.clock().now
        let summary: ImportSummary
        do {
            summary = try await importer.run(source, store: database, dryRun: dryRun, actor: store.actor, at: now)
        } catch {
            switch error {
            case .file(let error): throw fail(.importFile(error))
            case .store(let error): throw fail(.store(error))
            }
        }
        if output.json { return try printJSON(summary) }
        let verb = dryRun ? "would import" : "imported"
        print(
            "\(file): \(verb) \(summary.imported), unchanged \(summary.unchanged), rejected \(summary.rejected.count)\(dryRun ? " (dry run: nothing written)" : "")"
        )
        if !summary.rejected.isEmpty {
            print(Terminal.table(["LINE", "REASON"], summary.rejected.map { [String($0.line), Terminal.paint($0.reason, "31")] }))
        }
        if !summary.notes.isEmpty {
            print(Terminal.table(["LINE", "NOTE"], summary.notes.map { [String($0.line), Terminal.paint($0.note, "33")] }))
        }
    }
}
