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

    /// Reads `text`.
    public init(text: String) {
        var records: [Record] = []
        var failures: [Failure] = []
        var fields: [String] = []
        var field = ""
        var line = 1
        var recordLine = 1
        var inQuotes = false
        var fieldWasQuoted = false
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        var index = 0
        func endRecord() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty && !fieldWasQuoted) {
                records.append(Record(line: recordLine, fields: fields))
            }
            fields = []
            field = ""
            fieldWasQuoted = false
        }
        while index < scalars.count {
            let scalar = scalars[index]
            if inQuotes {
                if scalar == "\"" {
                    if index + 1 < scalars.count, scalars[index + 1] == "\"" {
                        field.unicodeScalars.append("\"")
                        index += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
            } else {
                switch scalar {
                case ",":
                    fields.append(field)
                    field = ""
                    fieldWasQuoted = false
                case "\"" where field.isEmpty:
                    inQuotes = true
                    fieldWasQuoted = true
                case "\r" where index + 1 < scalars.count && scalars[index + 1] == "\n":
                    break
                case "\n", "\r":
                    endRecord()
                    line += 1
                    recordLine = line
                default:
                    field.unicodeScalars.append(scalar)
                }
            }
            index += 1
        }
        if inQuotes {
            failures.append(Failure(line: recordLine, reason: "a quoted field opened on line \(recordLine) is never closed"))
        } else if !field.isEmpty || !fields.isEmpty || fieldWasQuoted {
            endRecord()
        }
        self.records = records
        self.failures = failures
    }
}
