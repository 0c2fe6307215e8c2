import Foundation
import Yams

/// The checks `parcelwatch.yaml` needs on top of the carrier files' reader: a key is either
/// absent (its default stays) or holds what it expects, and a message says what that is and
/// what was found instead.
extension YAMLField {
    /// Absent or null (`key:`, `key: ~`): the default stays. A quoted `""` is a value (and is
    /// refused where text is expected).
    var isAbsent: Bool {
        guard let node else { return true }
        if case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any, ["", "~", "null", "Null", "NULL"].contains(scalar.string) {
            return true
        }
        return false
    }

    /// What the value is, for messages: `'text'`, `a list`, `a mapping`.
    var found: String {
        switch node {
        case .scalar(let scalar)?: return "'\(scalar.string)'"
        case .sequence?: return "a list"
        case .mapping?: return "a mapping"
        case .alias?: return "an alias"
        case nil: return "nothing"
        }
    }

    /// `expected …, not …` at this value.
    func expected(_ what: String) -> CarrierFileError {
        error("expected \(what), not \(found)")
    }

    /// A required `key` of this mapping is missing (reported at the mapping's line).
    func missing(_ key: String, _ what: String) -> CarrierFileError {
        CarrierFileError(file: file, line: line, key: self(key).path, message: "is required: \(what)")
    }

    /// Whether this mapping is given (false when absent); fails when it is not a mapping or
    /// holds a key not in `keys`.
    func section(_ keys: Set<String>, expected what: String = "a mapping") throws(CarrierFileError) -> Bool {
        guard !isAbsent else { return false }
        guard node?.mapping != nil else { throw expected(what) }
        try allowOnly(keys)
        return true
    }

    /// The pairs of a mapping whose keys are names (carrier ids, currencies, incident kinds), in
    /// file order, or nil when absent. (A key given twice is refused by the YAML parser.)
    func entries(_ what: String) throws(CarrierFileError) -> [(String, YAMLField)]? {
        guard !isAbsent else { return nil }
        guard node?.mapping != nil else { throw expected(what) }
        return try pairs()
    }

    /// One line of non-empty text (trimmed), or nil when absent.
    func text(_ what: String) throws(CarrierFileError) -> String? {
        guard !isAbsent else { return nil }
        guard case .scalar(let scalar)? = node else { throw expected(what) }
        let value = scalar.string.trimmingCharacters(in: .whitespaces)
        guard !value.isEmpty, !value.contains(where: \.isNewline) else { throw expected(what) }
        return value
    }

    /// A whole number in `range` (`what` names its unit), or nil when absent.
    func wholeNumber(_ range: ClosedRange<Int>, _ what: String) throws(CarrierFileError) -> Int? {
        guard let text = try text("a whole number of \(what) from \(range.lowerBound) to \(range.upperBound)") else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw expected("a whole number of \(what) from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// `true` or `false`, or nil when absent.
    func flag() throws(CarrierFileError) -> Bool? {
        switch try text("true or false") {
        case nil: return nil
        case "true": return true
        case "false": return false
        default: throw expected("true or false")
        }
    }

    /// The items of a list, or nil when absent.
    func items(_ what: String) throws(CarrierFileError) -> [YAMLField]? {
        guard !isAbsent else { return nil }
        guard node?.sequence != nil else { throw expected(what) }
        return try list()
    }

    /// The name of an environment variable (`SMTP_PASSWORD`), or nil when absent.
    func environmentName() throws(CarrierFileError) -> String? {
        let what = "the name of an environment variable such as SMTP_PASSWORD"
        guard let name = try text(what) else { return nil }
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic),
            name.unicodeScalars.allSatisfy({ $0 == "_" || ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0) })
        else {
            throw expected(what)
        }
        return name
    }

    /// An `http://` or `https://` URL with a host, or nil when absent.
    func webURL(_ what: String) throws(CarrierFileError) -> String? {
        guard let text = try text(what) else { return nil }
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host?.isEmpty == false else {
            throw expected(what)
        }
        return text
    }

    /// An e-mail address such as `help@shop.example` (no display name), or nil when absent.
    func emailAddress() throws(CarrierFileError) -> String? {
        let what = "an e-mail address such as help@shop.example"
        guard let text = try text(what) else { return nil }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            !text.contains(where: { $0.isWhitespace || "<>()[],;:\"\\".contains($0) })
        else {
            throw expected(what)
        }
        return text
    }
}
