import Foundation
import ParcelCore
import ParcelStore

/// Why a streamed import stopped: its file (a second pass found it changed) or the store.
public enum ImportRunError: Error, Sendable, CustomStringConvertible {
    /// The file could not be read on the second pass.
    case file(ImportError)
    /// The store failed; the batches before this one are stored (re-run the import: it is idempotent).
    case store(StoreError)

    /// A sentence for people.
    public var description: String {
        switch self {
        case .file(let error): return error.description
        case .store(let error): return error.description
        }
    }
}

extension OrderImporter {
    /// Rows per `store.write` when a CSV file is streamed.
    public static let defaultBatchSize = 1_000

    /// Imports what ``prepare(file:bufferSize:)`` found: rows read whole in one unit of work, or a
    /// CSV file's rows streamed from its second pass, validated in file order and stored
    /// `batchSize` at a time, each batch one `store.write` (so memory holds one buffer and one
    /// batch, never the file). The summary is the one a whole-file import gives.
    ///
    /// Every file-level check (size, UTF-8, header, rows) passed before the first write. A store
    /// failure part-way leaves the earlier batches stored: the import is an idempotent upsert, so
    /// running it again completes it. A dry run rolls back each batch.
    public func run(
        _ source: ImportSource, store: Store, dryRun: Bool, actor: String, at: Date, batchSize: Int = OrderImporter.defaultBatchSize
    ) async throws(ImportRunError) -> ImportSummary {
        let file: String
        let columns: [String]
        let bufferSize: Int
        switch source {
        case .whole(let records, let rejected):
            do { return try await run(records, readRejections: rejected, store: store, dryRun: dryRun, actor: actor, at: at) } catch {
                throw .store(error)
            }
        case .csv(let name, let names, let size):
            (file, columns, bufferSize) = (name, names, size)
        }
        let rows: CSVRowStream
        do { rows = try csvRows(file: file, columns: columns, bufferSize: bufferSize) } catch { throw .file(error) }
        var summary = ImportSummary(imported: 0, unchanged: 0, rejected: [], dryRun: dryRun)
        var storeRejected = 0
        var checker = ImportRowChecker()
        var ended = false
        while !ended {
            var batch: [ImportRow] = []
            var postcodes: [Int: String] = [:]
            while batch.count < max(1, batchSize) {
                let next: ImportRecord?
                do { next = try rows.next() } catch { throw .file(error) }
                guard let next else {
                    ended = true
                    break
                }
                switch next {
                case .unreadable(let rejection):
                    summary.rejected.append(rejection)
                case .record(let line, let fields):
                    switch row(fields, line: line) {
                    case .failure(let rejection):
                        summary.rejected.append(rejection)
                    case .success(let row):
                        if let rejection = checker.check(row) {
                            summary.rejected.append(rejection)
                        } else {
                            batch.append(row)
                            postcodes[line] = fields["postcode"] ?? ""
                        }
                    }
                }
            }
            guard !batch.isEmpty else { continue }
            let outcomes: [ImportOutcome]
            do {
                outcomes = try await store.write { [batch] in
                    try $0.shipments.importRows(batch, dryRun: dryRun, actor: actor, at: at, audit: false)
                }
            } catch { throw .store(error) }
            for (row, outcome) in zip(batch, outcomes) {
                switch outcome {
                case .imported: summary.imported += 1
                case .unchanged: summary.unchanged += 1
                case .rejected(let reason):
                    summary.rejected.append(.init(line: row.line, reason: reason))
                    storeRejected += 1
                    continue
                }
                if row.order.postcode.isEmpty { summary.notes.append(.init(line: row.line, note: Self.noPostcodeNote(postcodes[row.line] ?? ""))) }
            }
        }
        if !dryRun {
            let (imported, unchanged, rejected) = (summary.imported, summary.unchanged, storeRejected)
            do {
                try await store.write {
                    try $0.shipments.auditImport(imported: imported, unchanged: unchanged, rejected: rejected, actor: actor, at: at)
                }
            } catch { throw .store(error) }
        }
        summary.rejected.sort { $0.line < $1.line }
        summary.notes.sort { $0.line < $1.line }
        return summary
    }
}
