import Foundation

/// Why the configuration could not be used; each message says what to change.
public enum ConfigError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// `--now` / `PARCELWATCH_NOW` is not an ISO-8601 time.
    case badNow(String)
    /// The config file cannot be read or parsed.
    case unreadable(file: String, detail: String)
    /// A key is unknown or has a value that cannot be used: `file:line: key: detail`, where
    /// `key` is the dotted path (`workflows.rules[0].action`) and `detail` says what is expected.
    case badValue(file: String, line: Int, key: String, detail: String)

    /// A sentence for people.
    public var description: String {
        switch self {
        case .badNow(let text):
            return "'\(text)' is not an ISO-8601 time such as 2026-11-20T12:00:00Z (from --now or PARCELWATCH_NOW)"
        case .unreadable(let file, let detail):
            return "cannot read config \(file): \(detail)"
        case .badValue(let file, let line, let key, let detail):
            return "\(file):\(line): \(key.isEmpty ? "" : key + ": ")\(detail)"
        }
    }

    /// The same sentence, for `localizedDescription`.
    public var errorDescription: String? { description }

    /// The config file's reader (shared with the carrier files) reports where: file, line, key.
    init(_ error: CarrierFileError) {
        self = .badValue(file: error.file, line: error.line, key: error.key, detail: error.message)
    }
}
