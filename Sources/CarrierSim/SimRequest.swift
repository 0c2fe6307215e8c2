import Foundation

/// One request as the simulator's carrier logic sees it: method, path, full target, headers by
/// lower-case name, and the body as text.
struct SimRequest: Sendable {
    /// `GET`, `POST`…
    var method: String
    /// The path alone.
    var path: String
    /// Path and query, as sent.
    var target: String
    /// Headers by lower-case name; a repeated header keeps its first value.
    var headers: [String: String]
    /// The body, decoded as UTF-8.
    var body: String

    /// The header `name` (any case).
    func header(_ name: String) -> String? {
        headers[name.lowercased()]
    }

    /// The body read as an HTML form (`a=1&b=2`, `+` for spaces): fields by name, first wins.
    var formFields: [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            guard let name = parts.first, fields[name] == nil else { continue }
            fields[name] = parts.count > 1 ? parts[1] : ""
        }
        return fields
    }

    /// The body read as a JSON object whose string (or number) members are the fields; empty
    /// when it is not one.
    var jsonFields: [String: String] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else { return [:] }
        var fields: [String: String] = [:]
        for (name, value) in object {
            if let text = value as? String { fields[name] = text } else if let number = value as? NSNumber { fields[name] = number.stringValue }
        }
        return fields
    }

    /// The user and password of an `Authorization: Basic …` header.
    var basicCredentials: (user: String, password: String)? {
        guard let value = header("Authorization"), value.lowercased().hasPrefix("basic "),
            let data = Data(base64Encoded: String(value.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
            let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }
}
