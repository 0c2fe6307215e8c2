import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

/// Import limits (issue 16, finding 7): the file's size before it is read, the row count, each
/// field's length, and no control characters in a field, each refusal naming its line and field.
@Suite struct ImportLimitTests {
    static let header = "order_id,customer_name,email,phone,language,postcode,value,currency,promised_date,paid_at,carrier,tracking_number"

    static func importer(_ limits: ImportLimits = .defaults) throws -> OrderImporter {
        OrderImporter(registry: try CarrierRegistry.load(directory: PackagePaths.carriers), config: .defaults, limits: limits)
    }

    static func write(_ text: String, ext: String = "csv") throws -> String {
        let path = try temporaryDirectory("import-limits") + "/orders.\(ext)"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func line(_ id: String, name: String = "Anna Nowak", email: String = "anna@example.com") -> String {
        "\(id),\"\(name)\",\(email),,pl,00-950,10.00,PLN,,,,"
    }

    /// Imports `text` into a fresh store and returns the summary and the store.
    static func run(_ text: String, limits: ImportLimits = .defaults) async throws -> (ImportSummary, Store) {
        let importer = try importer(limits)
        let read = try importer.records(file: try write(text))
        let store = try await Store.sqlite(path: try temporaryDirectory("import-limits") + "/p.sqlite")
        return (try await importer.run(read.records, readRejections: read.rejected, store: store, dryRun: false, actor: "test", at: fixtureNow), store)
    }

    /// A 100 MiB sparse file: its size is refused from the file system, before a byte is read.
    @Test func aFileOverTheSizeLimitIsRefusedBeforeItIsRead() throws {
        let path = try temporaryDirectory("import-limits") + "/huge.csv"
        #expect(FileManager.default.createFile(atPath: path, contents: Data((Self.header + "\n").utf8)))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 100 * 1024 * 1024)
        try handle.close()
        let started = ContinuousClock.now
        #expect(throws: ImportError.tooLarge(file: path, bytes: 104_857_600, limit: 67_108_864)) { _ = try Self.importer().records(file: path) }
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(
            ImportError.tooLarge(file: "orders.csv", bytes: 104_857_600, limit: 67_108_864).description
                == "orders.csv: 104,857,600 bytes, the limit is 67,108,864; split the file or raise --max-file-size")
        // The limit is the caller's: the same small file passes a larger one and fails a smaller one.
        let small = try Self.write(Self.header + "\n" + Self.line("1") + "\n")
        #expect(throws: ImportError.self) { _ = try Self.importer(ImportLimits(maxFileBytes: 100)).records(file: small) }
        #expect(try Self.importer(ImportLimits(maxFileBytes: 1_000)).records(file: small).records.count == 1)
    }

    @Test func moreRowsThanTheLimitRefuseTheFileNamingTheFirstLinePastIt() throws {
        let csv = try Self.write(([Self.header] + (1...5).map { Self.line("R\($0)") }).joined(separator: "\n") + "\n")
        #expect(throws: ImportError.tooManyRows(file: csv, line: 5, limit: 3)) { _ = try Self.importer(ImportLimits(maxRows: 3)).records(file: csv) }
        #expect(try Self.importer(ImportLimits(maxRows: 5)).records(file: csv).records.count == 5)
        let json = try Self.write("[" + (1...4).map { _ in #"{"order_id": "J"}"# }.joined(separator: ",") + "]", ext: "json")
        #expect(throws: ImportError.tooManyRows(file: json, line: 4, limit: 3)) { _ = try Self.importer(ImportLimits(maxRows: 3)).records(file: json) }
        #expect(
            ImportError.tooManyRows(file: "orders.csv", line: 200_002, limit: 200_000).description
                == "orders.csv:200002: more than 200,000 rows, the limit is 200,000; split the file or raise --max-rows")
    }

    /// The 20 MiB customer name of the finding, and fields just over and at their limits.
    @Test func aFieldOverItsLengthLimitIsRejectedWithItsLineAndField() async throws {
        let huge = String(repeating: "a", count: 20 * 1024 * 1024)
        let text = [
            Self.header + ",notes",
            Self.line("L1", name: huge) + ",",
            Self.line("L2", name: String(repeating: "ż", count: 257)) + ",",
            Self.line("L3", name: String(repeating: "ż", count: 256)) + ",",
            Self.line("L4") + "," + String(repeating: "n", count: 1_001),
            Self.line("L5") + "," + String(repeating: "n", count: 1_000),
        ].joined(separator: "\n")
        let (summary, store) = try await Self.run(text)
        #expect(
            summary.rejected == [
                .init(line: 2, reason: "customer_name: 20,971,520 characters, the limit is 256"),
                .init(line: 3, reason: "customer_name: 257 characters, the limit is 256"),
                .init(line: 5, reason: "notes: 1,001 characters, the limit is 1,000"),
            ])
        #expect(summary.imported == 2)
        #expect(try await store.read { try $0.shipments.order(id: "L1") } == nil)
        #expect(try await store.read { try $0.shipments.order(id: "L3") }?.customerName.count == 256)
        // The limits are the caller's.
        let (custom, _) = try await Self.run(text, limits: ImportLimits(maxFieldLength: 2_000, maxNameLength: 300))
        #expect(custom.rejected.map(\.line) == [2])
    }

    /// A NUL used to cut the stored name short without a word; every control character in a
    /// field is now refused with its line, field and code point.
    @Test func aControlCharacterInAFieldIsRejectedWithItsLineAndField() async throws {
        let text = [
            Self.header,
            Self.line("C1", name: "Anna\u{0}Nowak"),
            Self.line("C2", name: "Anna\tNowak"),
            Self.line("C3", name: "Anna\nNowak"),
            Self.line("C4", name: "Anna\u{7F}Nowak"),
            Self.line("C5", name: "Anna\u{85}Nowak"),
            Self.line("C6\u{1B}"),
            Self.line("C7", email: "anna\u{0}@example.com"),
            Self.line("C8", name: "  Anna Nowak  "),
        ].joined(separator: "\n")
        let (summary, store) = try await Self.run(text)
        let reasons = Dictionary(uniqueKeysWithValues: summary.rejected.map { ($0.line, $0.reason) })
        #expect(reasons[2] == "customer_name: control character U+0000 at position 5 (NUL, tabs, line breaks and other control characters are not allowed)")
        #expect(reasons[3]?.hasPrefix("customer_name: control character U+0009 at position 5") == true)
        #expect(reasons[4]?.hasPrefix("customer_name: control character U+000A at position 5") == true, "the quoted line break; the record starts on line 4")
        #expect(reasons[6]?.hasPrefix("customer_name: control character U+007F") == true)
        #expect(reasons[7]?.hasPrefix("customer_name: control character U+0085") == true)
        #expect(reasons[8]?.hasPrefix("order_id: control character U+001B at position 3") == true)
        #expect(reasons[9]?.hasPrefix("email: control character U+0000") == true)
        #expect(summary.rejected.count == 7 && summary.imported == 1, "\(summary.rejected)")
        for id in ["C1", "C2", "C3", "C4", "C5", "C7"] { #expect(try await store.read { try $0.shipments.order(id: id) } == nil, "\(id) was stored") }
        // Spaces around a value are trimmed as before, not refused.
        #expect(try await store.read { try $0.shipments.order(id: "C8") }?.customerName == "Anna Nowak")
    }

    @Test func sizesReadWithBinaryUnits() {
        #expect(ImportLimits.byteCount("67108864") == 67_108_864)
        #expect(ImportLimits.byteCount("64M") == 67_108_864 && ImportLimits.byteCount("64mib") == 67_108_864)
        #expect(ImportLimits.byteCount("512k") == 524_288 && ImportLimits.byteCount("1G") == 1_073_741_824)
        for bad in ["", "M", "64 X", "-1", "99999999999999999999G"] { #expect(ImportLimits.byteCount(bad) == nil, "\(bad)") }
    }
}
