/// Why a page or feed could not be read, or an XPath could not be used.
public enum MarkupError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Zero bytes: nothing to parse.
    case emptyInput
    /// The bytes are not text (NUL bytes where markup should be).
    case binaryInput
    /// Larger than the parser's size cap.
    case tooLarge(bytes: Int, limit: Int)
    /// The document declares entities; Parcelwatch refuses them (XXE, entity bombs).
    case entitiesRefused
    /// libxml2 could not build a document; the first parser messages say why.
    case unparseable(kind: Document.Kind, messages: [String])
    /// An XPath expression does not compile or evaluate.
    case invalidXPath(String)
    /// A namespace prefix could not be registered.
    case invalidNamespace(prefix: String, uri: String)

    /// A sentence saying what is wrong with the input.
    public var description: String {
        switch self {
        case .emptyInput:
            return "the document is empty"
        case .binaryInput:
            return "the document is binary data, not HTML or XML"
        case .tooLarge(let bytes, let limit):
            return "the document is \(bytes) bytes, over the \(limit)-byte limit"
        case .entitiesRefused:
            return "the document declares XML entities, which are refused for safety (XXE / entity expansion)"
        case .unparseable(let kind, let messages):
            let detail = messages.prefix(3).joined(separator: "; ")
            return "the \(kind.rawValue.uppercased()) could not be parsed" + (detail.isEmpty ? "" : ": \(detail)")
        case .invalidXPath(let expression):
            return "invalid XPath expression '\(expression)'"
        case .invalidNamespace(let prefix, let uri):
            return "could not register namespace prefix '\(prefix)' for '\(uri)'"
        }
    }
}
