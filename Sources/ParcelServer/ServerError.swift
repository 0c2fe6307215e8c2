/// Why the server cannot start.
public enum ServerError: Error, Sendable, CustomStringConvertible {
    /// A file shipped with the package is missing or broken (a bad install).
    case resources(String)
    /// The address cannot be listened on.
    case listen(String)
    /// The connection limits do not fit the process's descriptor limit.
    case limits(String)

    /// A sentence for people.
    public var description: String {
        switch self {
        case .resources(let detail): "cannot start the server: \(detail); reinstall Parcelwatch"
        case .listen(let detail): "cannot listen: \(detail)"
        case .limits(let detail): "cannot start the server: \(detail)"
        }
    }
}
