import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

/// `import` reads a CSV file a buffer at a time (issue: 314 MB per 100k rows when it held the
/// file): the records, rejections, notes and errors are the ones the whole-file reader gives, at
/// any buffer size, and the reader never holds more than a buffer and a record.
@Suite struct ImportStreamingTests {
    static let header = OrderImporterTests.header

    static func importer(_ limits: ImportLimits = .defaults) throws -> OrderImporter {
        OrderImporter(registry: try CarrierRegistry.load(directory: PackagePaths.carriers), config: .defaults, limits: limits)
    }

    static func write(_ bytes: [UInt8], ext: String = "csv") throws -> String {
        let path = try temporaryDirectory("import-stream") + "/orders.\(ext)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func streamed(_ path: String, bufferSize: Int) throws -> (records: [CSVReader.Record], failure: CSVReader.Failure?) {
        let stream = try CSVFileStream(file: path, bufferSize: bufferSize, maxBytes: 1 << 30)
        var records: [CSVReader.Record] = []
        while let record = try stream.nextRecord() { records.append(record) }
        return (records, stream.failure)
    }

    /// Quoted fields with line breaks, `""` escapes, CRLF, a lone CR, a byte-order mark and
    /// multi-byte characters, cut at every possible place by buffers of 1 to 40 bytes.
    @Test func everyBufferSizeReadsWhatTheWholeFileReaderReads() throws {
        let text =
            "\u{FEFF}a,b,c\r\n\"Nowak, Anna\",\"say \"\"hi\"\"\",x\r\n\r\n\"two\nlines\r\nthree\",,\"\"\n\"Łódź, ul. Piotrkowska\",żółw,\"\"\"\"\rlast,row,\"here\"\n\"\"\n"
        let whole = CSVReader(text: text)
        #expect(whole.records.count == 6 && whole.failures.isEmpty)
        #expect(whole.records[2] == .init(line: 4, fields: ["two\nlines\r\nthree", "", ""]))
        let path = try Self.write(Array(text.utf8))
        for size in 1...40 {
            let read = try Self.streamed(path, bufferSize: size)
            #expect(read.records == whole.records, "buffer of \(size) bytes")
            #expect(read.failure == nil)
        }
    }

    /// A quoted field that spans the boundary between two buffers, and one never closed.
    @Test func aQuotedFieldAcrossTheBufferBoundaryIsOneField() throws {
        let prefix = "id,note\n1,"
        let note = "first line\nsecond, with a comma and \"\"quotes\"\"\nthird"
        let text = prefix + "\"" + note + "\"\n2,after\n3,\"open\n4,x\n"
        let path = try Self.write(Array(text.utf8))
        // The boundary falls inside the quoted field.
        let read = try Self.streamed(path, bufferSize: prefix.utf8.count + 12)
        #expect(read.records.map(\.fields) == [["id", "note"], ["1", note.replacingOccurrences(of: "\"\"", with: "\"")], ["2", "after"]])
        #expect(read.records.map(\.line) == [1, 2, 5])
        #expect(read.failure == .init(line: 6, reason: "a quoted field opened on line 6 is never closed"))
        #expect(CSVReader(text: text).failures == [read.failure].compactMap { $0 })
    }

    /// A generated file of several MB: the reader holds at most a buffer and a record, so it
    /// would fail if the file (or all its records) were held.
    @Test func theReaderHoldsABufferNotTheFile() async throws {
        let text = await offThePool {
            let row = "R%06d,\"Nowak, Anna\",anna%d@example.com,,pl,00-950,10.00,PLN,2026-11-24,,,\n"
            var text = Self.header + "\n"
            for index in 0..<60_000 { text += String(format: row, index, index) }
            return text
        }
        let path = try Self.write(Array(text.utf8))
        let fileSize = text.utf8.count
        #expect(fileSize > 4_000_000)
        let bufferSize = 16 * 1024
        let stream = try CSVFileStream(file: path, bufferSize: bufferSize, maxBytes: 1 << 30)
        var count = 0
        while try stream.nextRecord() != nil { count += 1 }
        #expect(count == 60_001)
        #expect(stream.peakBufferedBytes >= bufferSize)
        #expect(stream.peakBufferedBytes <= 2 * bufferSize + 200, "held \(stream.peakBufferedBytes) bytes of a \(fileSize)-byte file")

        // The import's second pass, through the importer, holds no more.
        let importer = try Self.importer()
        guard case .csv(let file, let columns, let size) = try importer.prepare(file: path, bufferSize: bufferSize) else {
            Issue.record("a CSV file was not streamed")
            return
        }
        let rows = try importer.csvRows(file: file, columns: columns, bufferSize: size)
        var records = 0
        while let next = try rows.next() {
            if case .record = next { records += 1 }
        }
        #expect(records == 60_000)
        #expect(rows.peakBufferedBytes <= 2 * bufferSize + 200)
    }

    /// The rows of `ImportTests`' file with every kind of rejection, a note, an order over two
    /// rows in different batches and a quoted field never closed: streamed with a 7-byte buffer
    /// and batches of 2, the summary and the store are those of the whole-file import.
    @Test func aStreamedImportGivesTheWholeFileImportsSummaryAndStore() async throws {
        let text = """
            \(Self.header)
            1001,"Nowak, Anna",anna@example.com,+48 601 234 567,pl,00-950,129.99,PLN,2026-11-24,2026-11-18T10:00:00+01:00,poczta-polska,RR123456785PL
            1002,Juan García,juan@example.es,,es,28001,59.90,EUR,2026-11-23,2026-11-18T10:00:00,,RR123456785ES
            1003,Bad Digit,bad@example.com,,en,SW1A 1AA,10,GBP,,,poczta-polska,RR123456784PL
            1004,Bad Date,date@example.com,,en,10001,10,USD,2026-02-30,,,
            1005,Bad Carrier,c@example.com,,en,10001,10,USD,,,dhl-xx,123
            1006,Dup,dup@example.com,,pl,00-950,10,PLN,,,poczta-polska,RR123456785PL
            1007,Never Shipped,never@example.com,,lt,-,20.5,EUR,2026-11-25,2026-11-17T10:00:00Z,,
            1001,"Nowak, Anna",anna@example.com,+48 601 234 567,pl,00-951,129.99,PLN,2026-11-24,2026-11-18T10:00:00+01:00,seur,12345678901234
            1001,"Nowak, Anna",anna@example.com,+48 601 234 567,pl,00-950,129.99,PLN,2026-11-24,2026-11-18T10:00:00+01:00,seur,12345678901235
            1008,No Mail,not-an-email,,pl,00-950,10,PLN,,,,
            1009,Short,short@example.com,,pl,00-950
            1010,"Two
            Lines",two@example.com,,pl,00-950,10,PLN,,,,
            1012,Quoted Carrier,q@example.com,,pl,00-950,10,PLN,,,"seur","12345678901299"
            1011,"Open,open@example.com,,pl,00-950,10,PLN,,,,

            """
        let path = try Self.write(Array(text.utf8))
        let importer = try Self.importer()
        let read = try importer.records(file: path)
        let wholeStore = try await Store.sqlite(path: try temporaryDirectory("import-stream") + "/whole.sqlite")
        let whole = try await importer.run(read.records, readRejections: read.rejected, store: wholeStore, dryRun: false, actor: "test", at: fixtureNow)
        #expect(whole.imported == 5 && whole.rejected.count == 9 && whole.notes.count == 1, "\(whole)")

        let streamStore = try await Store.sqlite(path: try temporaryDirectory("import-stream") + "/stream.sqlite")
        let source = try importer.prepare(file: path, bufferSize: 7)
        guard case .csv = source else {
            Issue.record("a CSV file was not streamed")
            return
        }
        let dry = try await importer.run(source, store: streamStore, dryRun: true, actor: "test", at: fixtureNow, batchSize: 2)
        #expect(dry.imported == whole.imported && dry.rejected == whole.rejected && dry.dryRun)
        #expect(try await streamStore.read { try $0.shipments.shipments(ShipmentFilter()) }.isEmpty)
        #expect(try await streamStore.read { try $0.console.auditLog(limit: 10) }.isEmpty)

        let streamed = try await importer.run(source, store: streamStore, dryRun: false, actor: "test", at: fixtureNow, batchSize: 2)
        #expect(streamed == whole)
        let shipments = { (store: Store) in
            try await store.read { try $0.shipments.shipments(ShipmentFilter()) }.map { "\($0.orderId) \($0.carrier) \($0.trackingNumber)" }
        }
        #expect(try await shipments(streamStore) == shipments(wholeStore))
        for id in ["1001", "1002", "1007", "1012"] {
            #expect(try await streamStore.read { try $0.shipments.order(id: id) } == wholeStore.read { try $0.shipments.order(id: id) })
        }
        // One audit entry for the import, as a whole-file import writes.
        let audit = try await streamStore.read { try $0.console.auditLog(limit: 10) }
        #expect(audit.map(\.detail) == ["5 imported, 0 unchanged, 0 rejected"])
        #expect(try await wholeStore.read { try $0.console.auditLog(limit: 10) }.map(\.detail) == audit.map(\.detail))

        let again = try await importer.run(source, store: streamStore, dryRun: false, actor: "test", at: fixtureNow, batchSize: 2)
        #expect(again.imported == 0 && again.unchanged == 5 && again.rejected == whole.rejected)
    }

    /// Whole-file problems are found before anything is written, with the whole-file reader's
    /// errors, wherever in the file they are.
    @Test func wholeFileProblemsAreTheSameErrorsFoundBeforeAnyWrite() throws {
        let importer = try Self.importer(ImportLimits(maxRows: 3))
        func same(_ bytes: [UInt8]) throws {
            let path = try Self.write(bytes)
            var whole: ImportError?
            do { _ = try importer.records(file: path) } catch { whole = error }
            var streamed: ImportError?
            do { _ = try importer.prepare(file: path, bufferSize: 5) } catch { streamed = error }
            #expect(whole != nil && streamed == whole, "whole \(String(describing: whole)), streamed \(String(describing: streamed))")
        }
        let row = Array("1,\"Nowak, Anna\",anna@example.com,,pl,00-950,10.00,PLN,,,,\n".utf8)
        let header = Array((Self.header + "\n").utf8)
        try same(header + row + row + row + row + row)  // too many rows: line 5
        try same(Array("order_id,email\n1,a@b.c\n".utf8))  // missing columns
        try same(Array("order_id,email\n1,a@b.c\n".utf8) + [0xB1, 0x0A])  // not UTF-8 beats missing columns
        try same(header + row + Array("2,\"Ł".utf8).dropLast() + Array(",x\n".utf8))  // a cut character
        try same([])  // no header at all
        let tiny = try Self.importer(ImportLimits(maxFileBytes: 100))
        let path = try Self.write(header + row)
        #expect(throws: ImportError.tooLarge(file: path, bytes: header.count + row.count, limit: 100)) { _ = try tiny.prepare(file: path) }
        #expect(throws: ImportError.self) { _ = try importer.prepare(file: "/nonexistent/orders.csv") }
    }
}
