/// Why the configuration could not be used; each message says what to change.
public enum ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `--now` / `PARCELWATCH_NOW` is not an ISO-8601 time.
    case badNow(String)
    /// The config file cannot be read or parsed.
    case unreadable(file: String, detail: String)
    /// A key has a value that cannot be used.
    case badValue(file: String, key: String, detail: String)

    /// A sentence for people.
    public var description: String {
        switch self {
        case .badNow(let text):
            return "'\(text)' is not an ISO-8601 time such as 2026-11-20T12:00:00Z (from --now or PARCELWATCH_NOW)"
        case .unreadable(let file, let detail):
            return "cannot read config \(file): \(detail)"
        case .badValue(let file, let key, let detail):
            return "\(file): \(key): \(detail)"
        }
    }
}
