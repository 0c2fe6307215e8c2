/// Why a whole import file cannot be read (single bad rows are rejections, not errors).
public enum ImportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file cannot be read.
    case unreadable(file: String, detail: String)
    /// The header lacks required columns.
    case missingColumns(file: String, columns: [String])
    /// The JSON is malformed or not an array of objects.
    case badJSON(file: String, detail: String)
    /// The file is larger than ``ImportLimits/maxFileBytes`` (`bytes` nil when only "more" is known).
    case tooLarge(file: String, bytes: Int?, limit: Int)
    /// The file has more rows than ``ImportLimits/maxRows``; `line` is where the first row past
    /// the limit starts (JSON: its element number).
    case tooManyRows(file: String, line: Int, limit: Int)

    /// A sentence for people.
    public var description: String {
        switch self {
        case .unreadable(let file, let detail):
            return "cannot read \(file): \(detail)"
        case .missingColumns(let file, let columns):
            return "\(file): the header lacks the column(s) \(columns.joined(separator: ", ")); expected \(OrderImporter.columns.joined(separator: ","))"
        case .badJSON(let file, let detail):
            return "\(file): \(detail); expected a JSON array of objects with the CSV column names as keys"
        case .tooLarge(let file, let bytes, let limit):
            let size = bytes.map { "\(ImportLimits.grouped($0)) bytes" } ?? "more than \(ImportLimits.grouped(limit)) bytes"
            return "\(file): \(size), the limit is \(ImportLimits.grouped(limit)); split the file or raise --max-file-size"
        case .tooManyRows(let file, let line, let limit):
            return
                "\(file):\(line): more than \(ImportLimits.grouped(limit)) rows, the limit is \(ImportLimits.grouped(limit)); split the file or raise --max-rows"
        }
    }
}
