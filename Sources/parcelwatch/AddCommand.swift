import ArgumentParser
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore

/// `parcelwatch add`: one order (and its tracking numbers) without a file.
struct AddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add an order and/or tracking numbers to it, validated like an import row.",
        discussion: """
            For an order already in the store, --order and the numbers are enough:
              parcelwatch add --order 1042 --carrier seur 12345678901234
            A new order needs its customer details:
              parcelwatch add --order 1043 --name "Anna Nowak" --email anna@example.com --postcode 00-950 \\
                --language pl --value 129.99 --currency PLN --promised 2026-11-24 --paid-at 2026-11-19T10:00:00+01:00 RR123456785PL
            Exit codes: 0 added or already there, 2 invalid input (the reason is printed), 4 database unusable.
            """)
    @OptionGroup var store: StoreOptions
    @OptionGroup var carriers: CarrierOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "The shop's order id.") var order: String
    @Option(help: "Carrier id for the numbers (detected when omitted).") var carrier: String?
    @Option(help: "Customer name (new orders).") var name: String?
    @Option(help: "Customer e-mail (new orders).") var email: String?
    @Option(help: "Customer phone, international form.") var phone: String?
    @Option(help: "Customer language: pl, en, es, lt.") var language: String?
    @Option(help: "Recipient postcode (new orders).") var postcode: String?
    @Option(help: "Order value, e.g. 129.99.") var value: String?
    @Option(help: "Currency, e.g. PLN.") var currency: String?
    @Option(help: "Promised delivery date, YYYY-MM-DD.") var promised: String?
    @Option(name: .customLong("paid-at"), help: "When the customer paid, ISO-8601.") var paidAt: String?
    @Flag(inversion: .prefixedNo, help: "May the order be reshipped from stock.") var reshippable = true
    @Argument(help: "Tracking numbers (none: an order not yet shipped).") var numbers: [String] = []

    func run() async throws {
        let registry = try carriers.registry()
        let importer = OrderImporter(registry: registry, config: try store.shopConfig())
        let database = try await store.openStore(.readWrite)
        var fields: [String: String] = ["order_id": order, "reshippable": reshippable ? "true" : "false"]
        do {
            if let existing = try await database.read({ try $0.shipments.order(id: order) }) {
                fields.merge([
                    "customer_name": existing.customerName, "email": existing.email, "phone": existing.phone ?? "",
                    "language": existing.language, "postcode": existing.postcode, "value": existing.value.decimalText,
                    "currency": existing.value.currency, "promised_date": existing.promisedDate ?? "",
                    "paid_at": existing.paidAt.map(ISOTime.utc) ?? "", "reshippable": existing.reshippable ? "true" : "false",
                ]) { _, stored in stored }
            }
        } catch { throw fail(.store(error)) }
        let given: [String: String?] = [
            "customer_name": name, "email": email, "phone": phone, "language": language, "postcode": postcode, "value": value,
            "currency": currency, "promised_date": promised, "paid_at": paidAt,
        ]
        for (key, value) in given { if let value { fields[key] = value } }
        let records = (numbers.isEmpty ? [""] : numbers).enumerated().map { index, number in
            var row = fields
            row["tracking_number"] = number
            row["carrier"] = number.isEmpty ? "" : (carrier ?? "")
            return (line: index + 1, fields: row)
        }
        let now = try store.clock().now
        let summary: ImportSummary
        do {
            summary = try await importer.run(records, store: database, dryRun: false, actor: store.actor, at: now)
        } catch { throw fail(.store(error)) }
        if output.json {
            try printJSON(summary)
        } else {
            print("order \(order): added \(summary.imported), already there \(summary.unchanged)")
            // Every row is the same order: one note says it (a postcode stored as none).
            if let note = summary.notes.first { print("note: \(note.note)") }
            for rejection in summary.rejected {
                let subject = numbers.isEmpty ? "order" : numbers[rejection.line - 1]
                FileHandle.standardError.write(Data("error: \(subject): \(rejection.reason)\n".utf8))
            }
        }
        if !summary.rejected.isEmpty { throw ExitCode(2) }
    }
}
