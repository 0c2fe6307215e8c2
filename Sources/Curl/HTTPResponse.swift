/// A completed HTTP exchange: the final response after any redirects.
public struct HTTPResponse: Sendable {
    /// The HTTP status code of the final response.
    public var status: Int
    /// The final response's header fields.
    public var headers: HTTPHeaders
    /// The decoded body (gzip/deflate already undone); empty for `304`.
    public var body: [UInt8]
    /// The URL that answered, after redirects.
    public var effectiveURL: String
    /// How many redirects were followed.
    public var redirectCount: Int

    /// Creates a response.
    public init(status: Int, headers: HTTPHeaders, body: [UInt8], effectiveURL: String, redirectCount: Int) {
        self.status = status
        self.headers = headers
        self.body = body
        self.effectiveURL = effectiveURL
        self.redirectCount = redirectCount
    }

    /// True for `304 Not Modified`: the validators sent still match.
    public var isNotModified: Bool { status == 304 }

    /// The validators to send next time.
    public var validators: CacheValidators {
        CacheValidators(etag: headers["ETag"], lastModified: headers["Last-Modified"])
    }

    /// The `Content-Type` header, if any.
    public var contentType: String? { headers["Content-Type"] }

    /// The seconds a `429`/`503` asks the client to wait (`Retry-After` in seconds or as an
    /// HTTP date relative to `now`); nil when absent or unreadable.
    public func retryAfter(now: Double) -> Double? {
        guard let value = headers["Retry-After"]?.trimmingSpaces else { return nil }
        if let seconds = Double(value) { return max(0, seconds) }
        guard let date = HTTPDate.parse(value) else { return nil }
        return max(0, date - now)
    }
}

extension String {
    /// The text without leading and trailing spaces, tabs, CR and LF (scalar-wise: "\r\n" is one
    /// Character in Swift, so Character comparisons would miss it).
    var trimmingSpaces: String {
        let scalars = unicodeScalars
        let isSpace: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard let start = scalars.firstIndex(where: { !isSpace($0) }),
            let end = scalars.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(scalars[start...end])
    }
}
