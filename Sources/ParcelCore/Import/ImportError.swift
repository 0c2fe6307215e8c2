/// Why a whole import file cannot be read (single bad rows are rejections, not errors).
public enum ImportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file cannot be read.
    case unreadable(file: String, detail: String)
    /// The header lacks required columns.
    case missingColumns(file: String, columns: [String])
    /// The JSON is malformed or not an array of objects.
    case badJSON(file: String, detail: String)

    /// A sentence for people.
    public var description: String {
        switch self {
        case .unreadable(let file, let detail):
            return "cannot read \(file): \(detail)"
        case .missingColumns(let file, let columns):
            return "\(file): the header lacks the column(s) \(columns.joined(separator: ", ")); expected \(OrderImporter.columns.joined(separator: ","))"
        case .badJSON(let file, let detail):
            return "\(file): \(detail); expected a JSON array of objects with the CSV column names as keys"
        }
    }
}
