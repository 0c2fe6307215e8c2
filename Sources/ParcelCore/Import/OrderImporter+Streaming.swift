import Foundation

/// Where `import`'s rows come from, decided (and the whole file checked) before the store opens.
public enum ImportSource: Sendable {
    /// Rows read whole: JSON, or input that cannot be read twice (a pipe).
    case whole(records: [(line: Int, fields: [String: String])], rejected: [ImportSummary.Rejection])
    /// A CSV file already checked end to end (size, UTF-8, header, row count), whose rows are
    /// read again in a second pass, a buffer at a time (``OrderImporter/csvRows(file:columns:bufferSize:)``).
    case csv(file: String, columns: [String], bufferSize: Int)
}

/// One item of a CSV file's second pass: a record to validate, or a row that could not be read.
public enum ImportRecord: Sendable {
    /// A record with as many fields as the header, keyed by column.
    case record(line: Int, fields: [String: String])
    /// A record with the wrong number of fields, or a quoted field never closed.
    case unreadable(ImportSummary.Rejection)
}

extension OrderImporter {
    /// Checks `file` as ``records(file:)`` does (the same errors, in the same order of precedence:
    /// size, UTF-8, header, rows) without holding it: a CSV file is read a buffer at a time and
    /// only its header and row count are kept. JSON, and input that cannot be read twice, are
    /// read whole (within ``ImportLimits/maxFileBytes``).
    public func prepare(file: String, bufferSize: Int = CSVFileStream.defaultBufferSize) throws(ImportError) -> ImportSource {
        guard let handle = FileHandle(forReadingAtPath: file) else { throw .unreadable(file: file, detail: "no such file or not readable") }
        let size = try? handle.seekToEnd()
        var start = Data()
        if size != nil {
            try? handle.seek(toOffset: 0)
            start = (try? handle.read(upToCount: 4096)) ?? Data()
        }
        try? handle.close()
        let trimmed = String(decoding: start, as: UTF8.self).drop { $0.isWhitespace || $0 == "\u{FEFF}" }
        guard let size, !file.lowercased().hasSuffix(".json"), trimmed.first != "[" else {
            let read = try records(file: file)
            return .whole(records: read.records, rejected: read.rejected)
        }
        if size > UInt64(limits.maxFileBytes) { throw .tooLarge(file: file, bytes: Int(clamping: size), limit: limits.maxFileBytes) }
        let stream = try CSVFileStream(file: file, bufferSize: bufferSize, maxBytes: limits.maxFileBytes)
        guard let header = try stream.nextRecord() else { throw .missingColumns(file: file, columns: Self.requiredColumns) }
        var rows = 0
        var firstPastLimit: Int?
        while let record = try stream.nextRecord() {
            rows += 1
            if rows == limits.maxRows + 1 { firstPastLimit = record.line }
        }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let missing = Self.requiredColumns.filter { !names.contains($0) }
        guard missing.isEmpty else { throw .missingColumns(file: file, columns: missing) }
        if let firstPastLimit { throw .tooManyRows(file: file, line: firstPastLimit, limit: limits.maxRows) }
        return .csv(file: file, columns: names, bufferSize: bufferSize)
    }

    /// The second pass over a CSV file ``prepare(file:bufferSize:)`` checked: its records after
    /// the header, one at a time.
    public func csvRows(file: String, columns: [String], bufferSize: Int) throws(ImportError) -> CSVRowStream {
        let stream = try CSVFileStream(file: file, bufferSize: bufferSize, maxBytes: limits.maxFileBytes)
        _ = try stream.nextRecord()
        return CSVRowStream(stream: stream, columns: columns)
    }
}

/// A checked CSV file's records after its header, as ``ImportRecord``s: what
/// `OrderImporter.records(file:)` would give, one at a time.
public final class CSVRowStream {
    private let stream: CSVFileStream
    private let columns: [String]
    private var reportedFailure = false

    init(stream: CSVFileStream, columns: [String]) {
        self.stream = stream
        self.columns = columns
    }

    /// The most bytes the underlying reader held at once (see ``CSVFileStream/peakBufferedBytes``).
    public var peakBufferedBytes: Int { stream.peakBufferedBytes }

    /// The next record, or nil at the end of the file.
    public func next() throws(ImportError) -> ImportRecord? {
        guard let record = try stream.nextRecord() else {
            if !reportedFailure, let failure = stream.failure {
                reportedFailure = true
                return .unreadable(.init(line: failure.line, reason: failure.reason))
            }
            return nil
        }
        guard record.fields.count == columns.count else {
            return .unreadable(
                .init(line: record.line, reason: "has \(record.fields.count) fields, the header has \(columns.count) (a comma inside a value needs quotes)"))
        }
        var fields: [String: String] = [:]
        for (name, value) in zip(columns, record.fields) { fields[name] = value }
        return .record(line: record.line, fields: fields)
    }
}
