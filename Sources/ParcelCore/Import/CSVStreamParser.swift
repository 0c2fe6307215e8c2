/// RFC 4180 CSV read incrementally from UTF-8 bytes: the same rules as ``CSVReader`` (which is
/// built on it), fed any number of bytes at a time, so a file is parsed in constant memory and a
/// quoted field, a `""` escape or a CRLF may be split across two feeds.
///
/// The structural characters (`,` `"` CR LF) are ASCII, which never occurs inside a multi-byte
/// UTF-8 sequence, so the parser works on bytes and decodes each field when it ends; a field
/// that is not valid UTF-8 is an error (the file is not UTF-8 text).
public struct CSVStreamParser: Sendable {
    /// The bytes decoded so far do not form UTF-8 text (reported with the line they are on).
    public struct InvalidText: Error, Sendable, Equatable {
        /// The 1-based line of the field that is not UTF-8.
        public var line: Int
    }

    private static let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
    private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    private var fields: [String] = []
    private var fieldsBytes = 0
    private var field: [UInt8] = []
    private var line = 1
    private var recordLine = 1
    private var inQuotes = false
    private var fieldWasQuoted = false
    /// A `"` inside quotes whose meaning (escape or closing quote) the next byte decides.
    private var quotePending = false
    /// A CR outside quotes: with an LF next it is part of CRLF, else it ends the record alone.
    private var crPending = false
    /// The first bytes, held until they are known to be (or not to be) a byte-order mark.
    private var start: [UInt8]? = []

    /// A parser at the start of a file.
    public init() {}

    /// Bytes of the record being read (its finished fields and the current one): what the parser
    /// holds beyond the caller's buffer.
    public var heldBytes: Int { fieldsBytes + field.count }

    /// Reads `bytes`, appending each record it completes (blank lines skipped) to `records`.
    /// - Throws: ``InvalidText`` when a field is not UTF-8.
    public mutating func feed(_ bytes: some Sequence<UInt8>, into records: inout [CSVReader.Record]) throws(InvalidText) {
        for byte in bytes {
            if var held = start {
                held.append(byte)
                if held == Self.byteOrderMark {
                    start = nil
                } else if Self.byteOrderMark.starts(with: held) {
                    start = held
                } else {
                    start = nil
                    for replayed in held { try process(replayed, into: &records) }
                }
                continue
            }
            try process(byte, into: &records)
        }
    }

    /// Ends the input: completes the last record, and returns the failure of a quoted field that
    /// is never closed (nil when the input ended cleanly).
    public mutating func finish(into records: inout [CSVReader.Record]) throws(InvalidText) -> CSVReader.Failure? {
        if let held = start {
            start = nil
            for replayed in held { try process(replayed, into: &records) }
        }
        if quotePending {
            quotePending = false
            inQuotes = false
        }
        if crPending {
            crPending = false
            try endRecord(into: &records)
            line += 1
            recordLine = line
        }
        if inQuotes {
            guard String(validating: field, as: UTF8.self) != nil else { throw InvalidText(line: recordLine) }
            return CSVReader.Failure(line: recordLine, reason: "a quoted field opened on line \(recordLine) is never closed")
        }
        if !field.isEmpty || !fields.isEmpty || fieldWasQuoted { try endRecord(into: &records) }
        return nil
    }

    private mutating func process(_ byte: UInt8, into records: inout [CSVReader.Record]) throws(InvalidText) {
        if quotePending {
            quotePending = false
            if byte == Self.quote {
                field.append(byte)
                return
            }
            inQuotes = false
        } else if inQuotes {
            if byte == Self.quote {
                quotePending = true
            } else {
                if byte == Self.lf { line += 1 }
                field.append(byte)
            }
            return
        }
        if crPending {
            crPending = false
            if byte != Self.lf {
                try endRecord(into: &records)
                line += 1
                recordLine = line
            }
        }
        switch byte {
        case Self.comma:
            try endField()
        case Self.quote where field.isEmpty:
            inQuotes = true
            fieldWasQuoted = true
        case Self.cr:
            crPending = true
        case Self.lf:
            try endRecord(into: &records)
            line += 1
            recordLine = line
        default:
            field.append(byte)
        }
    }

    private mutating func endField() throws(InvalidText) {
        guard let text = String(validating: field, as: UTF8.self) else { throw InvalidText(line: recordLine) }
        fields.append(text)
        fieldsBytes += field.count
        field.removeAll(keepingCapacity: field.capacity <= 4096)
        fieldWasQuoted = false
    }

    private mutating func endRecord(into records: inout [CSVReader.Record]) throws(InvalidText) {
        // A lone `""` line is a record; an empty line is not.
        let lastWasQuoted = fieldWasQuoted
        try endField()
        if !(fields.count == 1 && fields[0].isEmpty && !lastWasQuoted) {
            records.append(CSVReader.Record(line: recordLine, fields: fields))
        }
        fields = []
        fieldsBytes = 0
    }
}
