import Foundation

/// Why a transfer failed, in words a person running a sweep can act on.
///
/// Each case carries the URL (never credentials: ``HTTPClient`` strips user info before it
/// reports a URL) and, where curl gave one, its own explanation.
public enum CurlError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// The URL is malformed or uses a scheme other than http/https.
    case invalidURL(String)
    /// The host name did not resolve (DNS).
    case hostNotFound(url: String, detail: String)
    /// The host resolved but refused or dropped the connection.
    case connectionFailed(url: String, detail: String)
    /// The transfer took longer than its timeout.
    case timedOut(url: String, limit: Duration)
    /// TLS failed: handshake, certificate or verification.
    case tls(url: String, detail: String)
    /// The body grew past the request's size cap and the transfer was aborted.
    case responseTooLarge(url: String, limit: Int)
    /// More redirects than the request allows.
    case tooManyRedirects(url: String, limit: Int)
    /// The server closed the connection before sending the whole body.
    case truncated(url: String, detail: String)
    /// Any other curl failure, with curl's code and message.
    case transferFailed(url: String, code: Int, detail: String)
    /// The client was shut down while the transfer was waiting or running.
    case clientShutDown
    /// Loopback-only mode refused a non-loopback address (before any packet was sent).
    case notAllowed(url: String)
    /// libcurl could not be set up at all (out of memory, broken installation).
    case setupFailed(String)

    /// A sentence naming what failed, where, and what to try.
    public var description: String {
        switch self {
        case .invalidURL(let url):
            return "invalid URL '\(url)': only absolute http:// and https:// URLs can be fetched"
        case .hostNotFound(let url, let detail):
            return "could not resolve the host of \(url) (\(detail)); check the carrier endpoint and DNS"
        case .connectionFailed(let url, let detail):
            return "could not connect to \(url) (\(detail)); the carrier may be down or the endpoint wrong"
        case .timedOut(let url, let limit):
            let peer = url.lowercased().hasPrefix("smtp") ? "the mail server" : "the carrier"
            return "\(url) did not answer within \(limit.secondsText); \(peer) is slow or unreachable"
        case .tls(let url, let detail):
            return "TLS failed for \(url) (\(detail)); check the certificate and the system CA store"
        case .responseTooLarge(let url, let limit):
            return "the response from \(url) exceeded the \(limit)-byte limit and was aborted"
        case .tooManyRedirects(let url, let limit):
            return "\(url) redirected more than \(limit) times; the carrier may be looping"
        case .truncated(let url, let detail):
            return "the response from \(url) was cut short (\(detail)); it will be retried"
        case .transferFailed(let url, let code, let detail):
            return "fetching \(url) failed (curl error \(code): \(detail))"
        case .notAllowed(let url):
            return "refused to connect to \(url): only loopback addresses are allowed in loopback-only mode"
        case .clientShutDown:
            return "the HTTP client was shut down before the transfer finished"
        case .setupFailed(let detail):
            return "libcurl could not be initialised: \(detail)"
        }
    }

    /// Same as ``description``, for Foundation's error reporting.
    public var errorDescription: String? { description }

    /// A short stable name for counting errors by kind in sweep summaries.
    public var kind: String {
        switch self {
        case .notAllowed: return "notAllowed"
        case .invalidURL: return "invalidURL"
        case .hostNotFound: return "dns"
        case .connectionFailed: return "connect"
        case .timedOut: return "timeout"
        case .tls: return "tls"
        case .responseTooLarge: return "tooLarge"
        case .tooManyRedirects: return "redirects"
        case .truncated: return "truncated"
        case .transferFailed: return "transfer"
        case .clientShutDown: return "shutdown"
        case .setupFailed: return "setup"
        }
    }
}

extension Duration {
    /// "2.5 s" style text for error messages.
    var secondsText: String {
        let (seconds, attoseconds) = components
        let value = Double(seconds) + Double(attoseconds) / 1e18
        return String(format: "%g s", value)
    }

    /// Whole milliseconds, at least 1, for curl's `_MS` options.
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}

extension CurlError {
    /// The same error with every occurrence of `secrets` in its URL and detail replaced by
    /// `***`, for callers that had to put a secret into a URL (some carrier APIs want one there).
    public func redacting(_ secrets: [String]) -> CurlError {
        let secrets = secrets.filter { !$0.isEmpty }
        guard !secrets.isEmpty else { return self }
        func clean(_ text: String) -> String {
            secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: "***") }
        }
        switch self {
        case .invalidURL(let url): return .invalidURL(clean(url))
        case .hostNotFound(let url, let detail): return .hostNotFound(url: clean(url), detail: clean(detail))
        case .connectionFailed(let url, let detail): return .connectionFailed(url: clean(url), detail: clean(detail))
        case .timedOut(let url, let limit): return .timedOut(url: clean(url), limit: limit)
        case .tls(let url, let detail): return .tls(url: clean(url), detail: clean(detail))
        case .responseTooLarge(let url, let limit): return .responseTooLarge(url: clean(url), limit: limit)
        case .tooManyRedirects(let url, let limit): return .tooManyRedirects(url: clean(url), limit: limit)
        case .truncated(let url, let detail): return .truncated(url: clean(url), detail: clean(detail))
        case .transferFailed(let url, let code, let detail): return .transferFailed(url: clean(url), code: code, detail: clean(detail))
        case .notAllowed(let url): return .notAllowed(url: clean(url))
        case .clientShutDown, .setupFailed: return self
        }
    }
}
