/// Text put into HTML or XML the server writes by hand (not through a Mustache template): the
/// five markup specials escaped, so text from data or a request can never open a tag or end an
/// attribute.
enum MarkupText {
    /// `text` with `&`, `<`, `>`, `"` and `'` escaped, for element text and attribute values alike.
    static func escaped(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
