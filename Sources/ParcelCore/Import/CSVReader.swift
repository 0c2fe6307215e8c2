/// Reads RFC 4180 CSV: comma-separated, `"`-quoted fields with `""` for a quote, line breaks
/// inside quotes, LF or CRLF endings, an optional UTF-8 byte-order mark. Each record keeps the
/// line it starts on, so every import error can name its line.
public struct CSVReader: Sendable {
    /// One record and the 1-based line it starts on.
    public struct Record: Sendable, Equatable {
        public var line: Int
        public var fields: [String]

        /// Creates a record.
        public init(line: Int, fields: [String]) {
            self.line = line
            self.fields = fields
        }
    }

    /// A record that cannot be read (an unterminated quote), with its line.
    public struct Failure: Sendable, Equatable {
        public var line: Int
        public var reason: String

        /// Creates a failure.
        public init(line: Int, reason: String) {
            self.line = line
            self.reason = reason
        }
    }

    /// The records, blank lines skipped, and the failures.
    public let records: [Record]
    /// Records that could not be read.
    public let failures: [Failure]

    /// Reads `text` (the whole of it at once; ``CSVStreamParser`` reads a file piece by piece
    /// with the same rules).
    public init(text: String) {
        var parser = CSVStreamParser()
        var records: [Record] = []
        var failure: Failure?
        // A String is valid UTF-8, so neither call can find invalid text.
        do throws(CSVStreamParser.InvalidText) {
            try parser.feed(text.utf8, into: &records)
            failure = try parser.finish(into: &records)
        } catch {
            failure = Failure(line: error.line, reason: "not UTF-8 text")
        }
        self.records = records
        self.failures = failure.map { [$0] } ?? []
    }
}
