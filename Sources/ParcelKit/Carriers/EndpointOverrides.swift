/// `--carrier-endpoint [ID=]URL` values: where to send a carrier's requests instead of its real
/// host (the simulator, a proxy). Without `ID=` the URL applies to every carrier.
public struct EndpointOverrides: Sendable, Equatable {
    private var byCarrier: [String: String] = [:]
    private var fallback: String?

    /// No overrides: every carrier at its real host.
    public static let none = EndpointOverrides()

    private init() {}

    /// Parses the repeated option values; an entry that is not a URL is an error naming it.
    public init(_ values: [String]) throws(TrackingError) {
        for value in values {
            var id: String?
            var url = value
            if let equals = value.firstIndex(of: "="), !value[..<equals].contains(":") {
                id = String(value[..<equals])
                url = String(value[value.index(after: equals)...])
            }
            guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
                throw .invalidNumber(number: value, reason: "--carrier-endpoint needs [ID=]http(s)://HOST[:PORT]")
            }
            if let id { byCarrier[id] = url } else { fallback = url }
        }
    }

    /// The override for `carrier`, if any.
    public func endpoint(for carrier: String) -> String? {
        byCarrier[carrier] ?? fallback
    }
}
