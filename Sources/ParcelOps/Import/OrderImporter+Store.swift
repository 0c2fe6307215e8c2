import Foundation
import ParcelCore
import ParcelStore

extension OrderImporter {
    /// Validates and stores; rows the store rejects (a number that belongs to another order)
    /// join the rejections.
    public func run(
        _ records: [(line: Int, fields: [String: String])], readRejections: [ImportSummary.Rejection] = [],
        store: Store, dryRun: Bool, actor: String, at: Date
    ) async throws(StoreError) -> ImportSummary {
        let (rows, rejected) = validate(records)
        let outcomes = try await store.write { try $0.shipments.importRows(rows, dryRun: dryRun, actor: actor, at: at) }
        var summary = ImportSummary(imported: 0, unchanged: 0, rejected: readRejections + rejected, dryRun: dryRun)
        let postcodes = Dictionary(records.map { ($0.line, $0.fields["postcode"] ?? "") }, uniquingKeysWith: { first, _ in first })
        for (row, outcome) in zip(rows, outcomes) {
            switch outcome {
            case .imported: summary.imported += 1
            case .unchanged: summary.unchanged += 1
            case .rejected(let reason):
                summary.rejected.append(.init(line: row.line, reason: reason))
                continue
            }
            if row.order.postcode.isEmpty { summary.notes.append(.init(line: row.line, note: Self.noPostcodeNote(postcodes[row.line] ?? ""))) }
        }
        summary.rejected.sort { $0.line < $1.line }
        summary.notes.sort { $0.line < $1.line }
        return summary
    }
}
