import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

/// A postcode without letters or digits is no postcode (issue 16, finding 3): the import stores
/// it as none and says so, and such a postcode never proves an order; its e-mail does.
@Suite struct NoPostcodeTests {
    /// What shops write where there is no postcode, as CSV fields.
    static let nonPostcodes = ["-", ".", "", " ", "\u{2014}", "\"- -\""]

    static func importNonPostcodes() async throws -> (ImportSummary, Store) {
        let lines =
            [ImportLimitTests.header]
            + nonPostcodes.enumerated().map { index, postcode in
                "N\(index),Ona Petraitė,ona\(index)@example.lt,,lt,\(postcode),20.00,EUR,,,seur,1000000000006\(index)"
            }
        let importer = try ImportLimitTests.importer()
        let read = try importer.records(file: try ImportLimitTests.write(lines.joined(separator: "\n") + "\n"))
        let store = try await Store.sqlite(path: try temporaryDirectory("no-postcode") + "/p.sqlite")
        return (try await importer.run(read.records, store: store, dryRun: false, actor: "test", at: fixtureNow), store)
    }

    @Test func theImportTakesItAsNoPostcodeAndSaysSoPerLine() async throws {
        let (summary, store) = try await Self.importNonPostcodes()
        #expect(summary.rejected.isEmpty && summary.imported == Self.nonPostcodes.count, "\(summary.rejected)")
        #expect(
            summary.notes == [
                .init(line: 2, note: "postcode '-' has no letters or digits: imported as no postcode; the customer proves the order with its e-mail"),
                .init(line: 3, note: "postcode '.' has no letters or digits: imported as no postcode; the customer proves the order with its e-mail"),
                .init(line: 4, note: "postcode is empty: imported as no postcode; the customer proves the order with its e-mail"),
                .init(line: 5, note: "postcode is empty: imported as no postcode; the customer proves the order with its e-mail"),
                .init(line: 6, note: "postcode '\u{2014}' has no letters or digits: imported as no postcode; the customer proves the order with its e-mail"),
                .init(line: 7, note: "postcode '- -' has no letters or digits: imported as no postcode; the customer proves the order with its e-mail"),
            ])
        for index in Self.nonPostcodes.indices { #expect(try await store.read { try $0.shipments.order(id: "N\(index)") }?.postcode == "") }
        // The note is in the JSON of `import --json` and the shop API.
        let json = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(summary)) as? [String: Any]
        let first = (json?["notes"] as? [[String: Any]])?.first
        #expect(first?["line"] as? Int == 2 && (first?["note"] as? String)?.hasPrefix("postcode '-' has no letters or digits") == true)
        // A real postcode gets no note.
        let again = try await ImportLimitTests.importer().run(
            try ImportLimitTests.importer().records(file: try ImportLimitTests.write(ImportLimitTests.header + "\n" + ImportLimitTests.line("P1"))).records,
            store: store, dryRun: false, actor: "test", at: fixtureNow)
        #expect(again.imported == 1 && again.notes.isEmpty)
    }

    @Test func aPostcodeWithoutLettersOrDigitsNeverProvesAnOrder() async throws {
        let (_, store) = try await Self.importNonPostcodes()
        // An order stored with `-` before the rule, too.
        _ = try await store.write {
            try $0.shipments.importRows(
                [ImportRow(line: 2, order: order("OLD", email: "old@example.pl", postcode: "-"), carrier: "seur", trackingNumber: "10000000000070")],
                dryRun: false, actor: "test", at: fixtureNow)
        }
        let tracking = CustomerTracking(store: store, config: .defaults)
        for (number, email) in [("10000000000060", "ona0@example.lt"), ("10000000000070", "old@example.pl")] {
            for postcode in ["-", ".", "", " ", "\u{2014}", "!", "- -"] {
                #expect(try await tracking.lookup(number: number, postcode: postcode, email: nil, now: fixtureNow) == nil, "\(number) '\(postcode)'")
                let report = try await tracking.report(
                    number: number, postcode: postcode, email: nil, problem: .cancelOrder, message: nil, now: fixtureNow)
                let opened = report != nil
                #expect(!opened, "\(number) '\(postcode)' opened a case")
            }
            #expect(try await tracking.lookup(number: number, postcode: "-", email: email.uppercased(), now: fixtureNow)?.trackingNumber == number)
        }
        #expect(try await store.read { try $0.cases.incidents(IncidentFilter(kinds: [.customerReport])) }.isEmpty)
    }

    /// The proof query on both backends: every parcel with the number (any carrier), nothing for
    /// an unknown one, even when an order's id equals that number.
    @Test(arguments: StoreKind.all) func theProofQueryReturnsEachParcelsOrderProof(kind: StoreKind) async throws {
        let store = try await kind.open()
        _ = try await store.write {
            try $0.shipments.importRows(
                [
                    ImportRow(line: 2, order: order("A", email: "a@example.com", postcode: "00-950"), carrier: "seur", trackingNumber: "12345678901234"),
                    ImportRow(line: 3, order: order("B", email: "b@example.com", postcode: ""), carrier: "gls", trackingNumber: "12345678901234"),
                    ImportRow(line: 4, order: order("99999999999999"), carrier: nil, trackingNumber: nil),
                ], dryRun: false, actor: "test", at: fixtureNow)
        }
        let proofs = try await store.read { try $0.customers.parcelProofs(trackingNumber: "12345678901234") }
        #expect(proofs.map { "\($0.orderId) \($0.postcode) \($0.email)" } == ["A 00-950 a@example.com", "B  b@example.com"])
        #expect(try await store.read { try $0.customers.parcelProofs(trackingNumber: "99999999999999") }.isEmpty)
        #expect(try await store.read { try $0.customers.parcelProofs(trackingNumber: "55555555555555") }.isEmpty)
    }

    @Test func theProofComparesLettersAndDigitsOnly() {
        let proof = CustomerProof(postcode: "00 950", email: nil)
        #expect(proof.postcode == "00950" && !proof.isEmpty)
        #expect(proof.matches(postcode: "00-950", email: "a@b.c") && !proof.matches(postcode: "00-951", email: "a@b.c"))
        #expect(!proof.matches(postcode: "", email: "a@b.c") && !proof.matches(postcode: "-", email: "a@b.c"))
        for empty in ["-", ".", "", " ", "\u{2014}"] {
            #expect(CustomerProof(postcode: empty, email: nil).isEmpty && CustomerProof.isUnusable(postcode: empty))
        }
        #expect(!CustomerProof.isUnusable(postcode: nil) && CustomerProof(postcode: nil, email: nil).isEmpty)
        let email = CustomerProof(postcode: "-", email: " Ona@Example.LT ")
        #expect(email.email == "ona@example.lt" && email.matches(postcode: "", email: "ona@example.lt"))
        #expect(!email.checkAgainstNothing())
    }
}
