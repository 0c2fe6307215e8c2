import Foundation

/// The small path language carrier files use for JSON answers: `$` the root, `.key` a member,
/// `[N]` an element, `[*]` every element, `.*` every member value of an object used as a map,
/// `@json` a string that itself holds JSON (Amazon puts JSON inside JSON). `$.a.b[*]`,
/// `tracking_details[*]`, `location.city`, `colli.*.observations[*]`.
///
/// Answers converted from XML flatten a list of one into the element itself, so `[*]` and `[0]`
/// applied to an object reach that object, as if it were a list of one.
public struct JSONPath: Sendable, Equatable {
    enum Step: Sendable, Equatable {
        case key(String), index(Int), all, members, decode
    }

    /// The source text.
    public let text: String
    let steps: [Step]

    /// Parses a path; nil with a reason when it is not one.
    public init(_ text: String) throws(PathError) {
        self.text = text
        var steps: [Step] = []
        var chars = Substring(text.trimmingSpace())
        if chars.first == "$" { chars = chars.dropFirst() }
        while let first = chars.first {
            switch first {
            case ".":
                chars = chars.dropFirst()
                let key = chars.prefix { $0 != "." && $0 != "[" && $0 != "@" }
                guard !key.isEmpty else { throw PathError(path: text, reason: "empty key after '.'") }
                steps.append(key == "*" ? .members : .key(String(key)))
                chars = chars.dropFirst(key.count)
            case "[":
                guard let close = chars.firstIndex(of: "]") else { throw PathError(path: text, reason: "missing ']'") }
                let inner = chars[chars.index(after: chars.startIndex)..<close]
                if inner == "*" {
                    steps.append(.all)
                } else if let index = Int(inner), index >= 0 {
                    steps.append(.index(index))
                } else if inner.count >= 2, let quote = inner.first, quote == "'" || quote == "\"", inner.last == quote {
                    steps.append(.key(String(inner.dropFirst().dropLast())))
                } else {
                    throw PathError(path: text, reason: "'[\(inner)]' is not [N], [*] or ['key']")
                }
                chars = chars[chars.index(after: close)...]
            case "@":
                guard chars.hasPrefix("@json") else { throw PathError(path: text, reason: "only @json is known after '@'") }
                steps.append(.decode)
                chars = chars.dropFirst(5)
            default:
                let key = chars.prefix { $0 != "." && $0 != "[" && $0 != "@" }
                guard steps.isEmpty, !key.isEmpty else { throw PathError(path: text, reason: "unexpected '\(first)'") }
                steps.append(.key(String(key)))
                chars = chars.dropFirst(key.count)
            }
        }
        self.steps = steps
    }

    /// Every value the path reaches from `root` (missing members simply reach nothing).
    public func evaluate(_ root: JSONValue) -> [JSONValue] {
        var current = [root]
        for step in steps {
            var next: [JSONValue] = []
            for value in current {
                switch (step, value) {
                case (.key(let key), .object(let members)):
                    if let member = members[key] { next.append(member) }
                case (.index(let index), .array(let items)):
                    if index < items.count { next.append(items[index]) }
                case (.index(0), .object), (.all, .object):
                    next.append(value)
                case (.all, .array(let items)):
                    next.append(contentsOf: items)
                case (.members, .object(let members)):
                    next.append(contentsOf: members.keys.sorted().compactMap { members[$0] })
                case (.decode, .string(let text)):
                    if let decoded = try? JSONValue.parse(Array(text.utf8)) { next.append(decoded) }
                default:
                    break
                }
            }
            current = next
        }
        return current
    }

    /// The first non-empty text the path reaches, or nil.
    public func text(in root: JSONValue) -> String? {
        for value in evaluate(root) {
            if let text = value.text?.trimmingSpace(newlines: true), !text.isEmpty { return text }
        }
        return nil
    }
}

/// A path in a carrier file that cannot be used.
public struct PathError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The path.
    public var path: String
    /// Why.
    public var reason: String
    /// A sentence.
    public var description: String { "invalid path '\(path)': \(reason)" }
}
