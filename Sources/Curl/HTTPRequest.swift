/// One HTTP request for ``HTTPClient``, with every limit that protects Parcelwatch from a slow,
/// huge or looping carrier page set to a safe default.
public struct HTTPRequest: Sendable {
    /// An absolute `http` or `https` URL; other schemes are refused.
    public var url: String
    /// The method, `GET` unless a carrier needs `POST` (forms, SOAP).
    public var method: String
    /// Extra request headers.
    public var headers: HTTPHeaders
    /// The request body for `POST`/`PUT`; nil for none.
    public var body: [UInt8]?
    /// The whole transfer must finish within this time.
    public var timeout: Duration
    /// Connecting (DNS, TCP, TLS) must finish within this time.
    public var connectTimeout: Duration
    /// The transfer is aborted once the body grows past this many bytes.
    public var maxResponseBytes: Int
    /// Redirects are followed up to this many times; more is an error.
    public var maxRedirects: Int
    /// Validators from an earlier response; when set, the request is conditional and an
    /// unchanged resource answers `304 Not Modified`.
    public var validators: CacheValidators?
    /// An HTTP proxy URL, or nil to connect directly.
    public var proxy: String?
    /// Connect only to loopback addresses (127.0.0.0/8, ::1), for this request and every redirect;
    /// anything else is refused before a packet is sent.
    public var loopbackOnly = false

    /// Creates a request with safe defaults: 30 s timeout, 10 s to connect, 5 MiB body cap,
    /// at most 5 redirects.
    public init(
        url: String,
        method: String = "GET",
        headers: HTTPHeaders = [:],
        body: [UInt8]? = nil,
        timeout: Duration = .seconds(30),
        connectTimeout: Duration = .seconds(10),
        maxResponseBytes: Int = 5 * 1024 * 1024,
        maxRedirects: Int = 5,
        validators: CacheValidators? = nil,
        proxy: String? = nil
    ) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.maxResponseBytes = maxResponseBytes
        self.maxRedirects = maxRedirects
        self.validators = validators
        self.proxy = proxy
    }
}

/// The `ETag` and `Last-Modified` of a response, kept so the next request can ask
/// "only if changed".
public struct CacheValidators: Sendable, Equatable, Codable {
    /// The entity tag exactly as the server sent it (quotes included).
    public var etag: String?
    /// The `Last-Modified` date exactly as the server sent it.
    public var lastModified: String?

    /// Creates validators; both nil means the request is not conditional.
    public init(etag: String? = nil, lastModified: String? = nil) {
        self.etag = etag
        self.lastModified = lastModified
    }

    /// True when neither validator is known.
    public var isEmpty: Bool { etag == nil && lastModified == nil }
}
