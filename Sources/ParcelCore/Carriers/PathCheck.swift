import Foundation
import Markup

/// Load-time validation of the paths in a carrier file.
enum PathCheck {
    /// Why `path` cannot be used with `format`, or nil when it compiles.
    static func problem(_ path: String, format: CarrierDefinition.Format) -> String? {
        switch format {
        case .html, .xml:
            do { _ = try XPath(path) } catch { return error.description }
        case .json:
            do { _ = try JSONCondition(path) } catch { return error.description }
        }
        return nil
    }
}

/// A JSON path optionally compared with a value (`$[0].error.codError != '0'`), for
/// `not_found` probes on carriers that answer "unknown number" with an error code.
struct JSONCondition: Sendable {
    let path: JSONPath
    let comparison: (equal: Bool, value: String)?

    init(_ text: String) throws(PathError) {
        for (symbol, equal) in [(" == ", true), (" != ", false)] {
            if let range = text.range(of: symbol) {
                path = try JSONPath(String(text[..<range.lowerBound]))
                var value = String(text[range.upperBound...]).trimmingSpace()
                if value.count >= 2, let quote = value.first, quote == "'" || quote == "\"", value.last == quote {
                    value = String(value.dropFirst().dropLast())
                }
                comparison = (equal, value)
                return
            }
        }
        path = try JSONPath(text)
        comparison = nil
    }

    /// True when the path reaches a non-empty value (that satisfies the comparison).
    func holds(in root: JSONValue) -> Bool {
        guard let comparison else {
            return path.evaluate(root).contains { value in
                switch value {
                case .null: return false
                case .array(let items): return !items.isEmpty
                case .object(let members): return !members.isEmpty
                default: return !(value.text ?? "").isEmpty
                }
            }
        }
        let texts = path.evaluate(root).compactMap(\.text)
        guard !texts.isEmpty else { return false }
        return comparison.equal ? texts.contains(comparison.value) : !texts.contains(comparison.value)
    }
}
