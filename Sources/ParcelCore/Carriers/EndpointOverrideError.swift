import Foundation

/// A `--carrier-endpoint` value that cannot be used, with the value (user info removed) and
/// what is wrong with it.
public struct EndpointOverrideError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// The option's value as given, `user:password@` removed.
    public var value: String
    /// What is wrong: `not an http(s) URL`, `has no host`…
    public var problem: String

    /// An error for `value` (redacted here, so no caller can leak a password into it).
    public init(value: String, problem: String) {
        self.value = Self.redacted(value)
        self.problem = problem
    }

    /// A sentence naming the value and the form it must take.
    public var description: String {
        "--carrier-endpoint '\(value)' \(problem); give [ID=]http(s)://HOST[:PORT], e.g. seur=http://127.0.0.1:8080"
    }

    /// Same as ``description``.
    public var errorDescription: String? { description }

    /// `value` with any `user:password@` after the scheme removed.
    private static func redacted(_ value: String) -> String {
        guard let schemeEnd = value.range(of: "://") else { return value }
        let rest = value[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return value }
        return String(value[..<schemeEnd.upperBound]) + rest[rest.index(after: at)...]
    }
}
