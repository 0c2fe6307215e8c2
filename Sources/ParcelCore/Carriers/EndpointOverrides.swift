/// `--carrier-endpoint [ID=]URL` values: where to send a carrier's requests instead of its real
/// host (the simulator, a proxy). Without `ID=` the URL applies to every carrier.
public struct EndpointOverrides: Sendable, Equatable {
    private var byCarrier: [String: String] = [:]
    private var fallback: String?

    /// No overrides: every carrier at its real host.
    public static let none = EndpointOverrides()

    private init() {}

    /// Parses the repeated option values; an entry that is not an http(s) URL with a host is an
    /// error naming it.
    public init(_ values: [String]) throws(EndpointOverrideError) {
        for value in values {
            var id: String?
            var url = value
            if let equals = value.firstIndex(of: "="), !value[..<equals].contains(":") {
                id = String(value[..<equals])
                url = String(value[value.index(after: equals)...])
            }
            if id?.isEmpty == true { throw EndpointOverrideError(value: value, problem: "names no carrier before '='") }
            if let problem = Self.problem(url) { throw EndpointOverrideError(value: value, problem: problem) }
            if let id { byCarrier[id] = url } else { fallback = url }
        }
    }

    /// What keeps `url` from being an endpoint, or nil when it is one.
    private static func problem(_ url: String) -> String? {
        guard !url.contains(where: \.isWhitespace) else { return "is not a URL (it contains spaces)" }
        let lower = url.lowercased()
        let scheme = ["http://", "https://"].first { lower.hasPrefix($0) }
        guard let scheme else {
            if let end = url.firstRange(of: "://") { return "uses \(url[..<end.lowerBound])://; only http:// and https:// are allowed" }
            return "is not an http(s) URL"
        }
        guard let first = url.dropFirst(scheme.count).first, !"/?#:".contains(first) else { return "has no host" }
        return nil
    }

    /// The override for `carrier`, if any.
    public func endpoint(for carrier: String) -> String? {
        byCarrier[carrier] ?? fallback
    }
}
