import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

@Suite struct CSVReaderTests {
    @Test func readsQuotesEscapesLineBreaksAndCRLF() {
        let text = "\u{FEFF}a,b,c\r\n\"Nowak, Anna\",\"say \"\"hi\"\"\",x\r\n\r\n\"two\nlines\",,\"\"\nlast,row,here"
        let csv = CSVReader(text: text)
        #expect(csv.failures.isEmpty)
        #expect(
            csv.records == [
                .init(line: 1, fields: ["a", "b", "c"]),
                .init(line: 2, fields: ["Nowak, Anna", "say \"hi\"", "x"]),
                .init(line: 4, fields: ["two\nlines", "", ""]),
                .init(line: 6, fields: ["last", "row", "here"]),
            ])
    }

    @Test func anUnterminatedQuoteNamesItsLine() {
        let csv = CSVReader(text: "a,b\n1,2\n\"open,3\n4,5\n")
        #expect(csv.records == [.init(line: 1, fields: ["a", "b"]), .init(line: 2, fields: ["1", "2"])])
        #expect(csv.failures == [.init(line: 3, reason: "a quoted field opened on line 3 is never closed")])
    }
}

@Suite struct OrderImporterTests {
    static let header = "order_id,customer_name,email,phone,language,postcode,value,currency,promised_date,paid_at,carrier,tracking_number"

    func importer() throws -> OrderImporter {
        OrderImporter(registry: try CarrierRegistry.load(directory: PackagePaths.carriers), config: .defaults)
    }

    func write(_ text: String, ext: String = "csv") throws -> String {
        let path = try temporaryDirectory("import") + "/orders.\(ext)"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func everyBadRowIsReportedWithItsLineAndTheRestImported() async throws {
        let file = try write(
            """
            \(Self.header)
            1001,"Nowak, Anna",anna@example.com,+48 601 234 567,pl,00-950,129.99,PLN,2026-11-24,2026-11-18T10:00:00+01:00,poczta-polska,RR123456785PL
            1002,Juan García,juan@example.es,,es,28001,59.90,EUR,2026-11-23,2026-11-18T10:00:00,,RR123456785ES
            1003,Bad Digit,bad@example.com,,en,SW1A 1AA,10,GBP,,,poczta-polska,RR123456784PL
            1004,Bad Date,date@example.com,,en,10001,10,USD,2026-02-30,,,
            1005,Bad Carrier,c@example.com,,en,10001,10,USD,,,dhl-xx,123
            1006,Dup,dup@example.com,,pl,00-950,10,PLN,,,poczta-polska,RR123456785PL
            1007,Never Shipped,never@example.com,,lt,LT-01100,20.5,EUR,2026-11-25,2026-11-17T10:00:00Z,,
            1001,"Nowak, Anna",anna@example.com,+48 601 234 567,pl,00-951,129.99,PLN,2026-11-24,2026-11-18T10:00:00+01:00,seur,12345678901234
            1008,No Mail,not-an-email,,pl,00-950,10,PLN,,,,
            1009,Short,short@example.com,,pl,00-950
            """)
        let importer = try importer()
        let read = try importer.records(file: file)
        let store = try await Store.sqlite(path: try temporaryDirectory("import") + "/p.sqlite")
        let summary = try await importer.run(read.records, readRejections: read.rejected, store: store, dryRun: false, actor: "test", at: fixtureNow)
        #expect(summary.imported == 3)
        #expect(summary.unchanged == 0)
        #expect(summary.rejected.map(\.line) == [4, 5, 6, 7, 9, 10, 11])
        let reasons = Dictionary(uniqueKeysWithValues: summary.rejected.map { ($0.line, $0.reason) })
        #expect(reasons[4] == "invalid tracking number RR123456784PL for poczta-polska: s10 check digit expected 5, got 4")
        #expect(reasons[5]?.hasPrefix("bad date: promised_date '2026-02-30'") == true)
        #expect(reasons[6]?.hasPrefix("unknown carrier 'dhl-xx'") == true)
        #expect(reasons[7] == "duplicate: poczta-polska RR123456785PL is already on line 2")
        #expect(reasons[9] == "order 1001 differs from line 2 (postcode); rows of one order must agree")
        #expect(reasons[10]?.hasPrefix("email 'not-an-email'") == true)
        #expect(reasons[11]?.hasPrefix("has 6 fields, the header has 12") == true)

        // Detected carrier, E.164 phone, money in minor units, zone-less paid_at in the shop's zone.
        #expect(try await store.read { try $0.shipments.order(id: "1001") }?.phone == "+48601234567")
        #expect(try await store.read { try $0.shipments.order(id: "1007") }?.value == Money(minorUnits: 2050, currency: "EUR"))
        #expect(try await store.read { try $0.shipments.shipment(carrier: "correos", trackingNumber: "RR123456785ES") } != nil)
        #expect(try await store.read { try $0.shipments.order(id: "1002") }?.paidAt == isoDate("2026-11-18T09:00:00Z"))
        #expect(try await store.read { try $0.shipments.shipments(ShipmentFilter(orderId: "1007")) }.isEmpty)

        let again = try await importer.run(read.records, readRejections: read.rejected, store: store, dryRun: false, actor: "test", at: fixtureNow)
        #expect(again.imported == 0 && again.unchanged == 3 && again.rejected.count == 7)
    }

    @Test func jsonRowsUseTheSameKeysAndReportTheirPosition() async throws {
        let file = try write(
            """
            [{"order_id": "2001", "customer_name": "Jonas Jonaitis", "email": "jonas@example.lt", "language": "lt", "postcode": "LT-01100",
              "value": 45.5, "currency": "EUR", "promised_date": "2026-11-25", "paid_at": "2026-11-18T08:00:00+02:00",
              "carrier": "lietuvos-pastas", "tracking_number": "RR123456785LT", "reshippable": false},
             {"order_id": "2002", "customer_name": "X", "email": "x@example.lt", "language": "lithuanian", "postcode": "1", "value": "1", "currency": "EUR"}]
            """, ext: "json")
        let importer = try importer()
        let read = try importer.records(file: file)
        let store = try await Store.sqlite(path: try temporaryDirectory("import") + "/p.sqlite")
        let summary = try await importer.run(read.records, store: store, dryRun: false, actor: "test", at: fixtureNow)
        #expect(summary.imported == 1)
        #expect(summary.rejected == [.init(line: 2, reason: "language 'lithuanian' is not a two-letter code (pl, en, es, lt)")])
        let stored = try #require(try await store.read { try $0.shipments.order(id: "2001") })
        #expect(stored.reshippable == false && stored.value.minorUnits == 4550)
    }

    @Test func wholeFileProblemsAreErrorsNotRows() throws {
        let importer = try importer()
        let narrow = try write("order_id,email\n1,a@b.c\n")
        #expect(
            throws: ImportError.missingColumns(
                file: narrow,
                columns: [
                    "customer_name", "phone", "language", "postcode", "value", "currency",
                    "promised_date", "paid_at", "carrier", "tracking_number",
                ])
        ) {
            _ = try importer.records(file: narrow)
        }
        #expect(throws: ImportError.self) { _ = try importer.records(file: "/nonexistent/orders.csv") }
        #expect(throws: ImportError.self) { _ = try importer.records(file: try write("[1, 2", ext: "json")) }
        let latin2 = try temporaryDirectory("import") + "/latin2.csv"
        try Data([0x6F, 0x72, 0x64, 0x65, 0x72, 0xB1, 0x0A]).write(to: URL(fileURLWithPath: latin2))
        #expect(throws: ImportError.self) { _ = try importer.records(file: latin2) }
    }

    @Test func moneyIsReadExactly() {
        #expect(Money(decimal: "129.99", currency: "PLN")?.minorUnits == 12999)
        #expect(Money(decimal: "129,9", currency: "PLN")?.minorUnits == 12990)
        #expect(Money(decimal: "7", currency: "PLN")?.decimalText == "7.00")
        for bad in ["", "-1", "1.234", "abc", "1e3", "99999999999999999999"] { #expect(Money(decimal: bad, currency: "PLN") == nil, "\(bad)") }
    }
}

func isoDate(_ text: String) -> Date? {
    ISOTime.parse(text)
}
