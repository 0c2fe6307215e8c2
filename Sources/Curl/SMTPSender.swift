internal import CCurl
import Foundation

/// Sends e-mail over SMTP through libcurl: STARTTLS whenever the server offers it (or required
/// with `requireTLS`), `AUTH` when credentials are given, one message per call.
///
/// Each message runs on a thread of its own with a blocking easy handle: notices are few, and
/// the multi loop stays dedicated to carrier fetches.
public struct SMTPSender: Sendable {
    /// Where and how to connect.
    public struct Configuration: Sendable {
        /// `smtp://host:port` (STARTTLS when offered) or `smtps://host:port` (TLS from the start).
        public var url: String
        /// Login, when the server wants `AUTH`.
        public var username: String?
        /// Password for `username`; never printed.
        public var password: String?
        /// Refuse to send unless the connection is encrypted.
        public var requireTLS: Bool
        /// The whole exchange must finish within this time.
        public var timeout: Duration

        /// Creates a configuration.
        public init(url: String, username: String? = nil, password: String? = nil, requireTLS: Bool = false, timeout: Duration = .seconds(30)) {
            self.url = url
            self.username = username
            self.password = password
            self.requireTLS = requireTLS
            self.timeout = timeout
        }
    }

    private let configuration: Configuration

    /// Creates a sender.
    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Sends `message` (a complete RFC 5322 message, CRLF line ends) from `from` to `recipients`
    /// (bare addresses).
    public func send(_ message: [UInt8], from: String, to recipients: [String]) async throws(CurlError) {
        let configuration = self.configuration
        let result: Result<Void, CurlError> = await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(
                    returning: Result { () throws(CurlError) in
                        try SMTPTransfer(configuration: configuration, message: message, from: from, recipients: recipients).perform()
                    })
            }
            thread.name = "parcelwatch.smtp"
            thread.start()
        }
        try result.get()
    }
}

/// One SMTP exchange: owns the easy handle, the recipient list and the message being read out.
private final class SMTPTransfer {
    private let handle: UnsafeMutableRawPointer
    private var recipients: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private let message: [UInt8]
    private var offset = 0
    private let displayURL: String
    /// The configured limit for the whole exchange, for the error when it runs out.
    private let timeout: Duration

    init(configuration: SMTPSender.Configuration, message: [UInt8], from: String, recipients addresses: [String]) throws(CurlError) {
        guard configuration.url.hasPrefix("smtp://") || configuration.url.hasPrefix("smtps://") else {
            throw .invalidURL(URLCheck.redacted(configuration.url))
        }
        guard let handle = curl_easy_init() else { throw .setupFailed("curl_easy_init returned NULL") }
        self.handle = handle
        self.message = message
        self.displayURL = URLCheck.redacted(configuration.url)
        self.timeout = configuration.timeout
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        for address in addresses { recipients = curl_slist_append(recipients, "<\(address)>") }
        try configure(configuration, from: from)
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(recipients)
        errorBuffer.deallocate()
    }

    private func check(_ code: CURLcode, _ what: String) throws(CurlError) {
        guard code == CURLE_OK else { throw .setupFailed("\(what): \(String(cString: curl_easy_strerror(code)))") }
    }

    private func configure(_ configuration: SMTPSender.Configuration, from: String) throws(CurlError) {
        try check(ccurl_easy_setopt_string(handle, CURLOPT_URL, configuration.url), "URL")
        try check(ccurl_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "smtp,smtps"), "protocols")
        try check(ccurl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer), "error buffer")
        try check(ccurl_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1), "nosignal")
        try check(ccurl_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, configuration.timeout.milliseconds), "timeout")
        // curl's connect phase includes waiting for the server's greeting: it gets the same limit,
        // so a timeout always means the configured one.
        try check(ccurl_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, configuration.timeout.milliseconds), "connect timeout")
        let tls = configuration.requireTLS ? CURLUSESSL_ALL : CURLUSESSL_TRY
        try check(ccurl_easy_setopt_long(handle, CURLOPT_USE_SSL, Int(tls.rawValue)), "STARTTLS")
        try check(ccurl_easy_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1), "verify peer")
        try check(ccurl_easy_setopt_string(handle, CURLOPT_MAIL_FROM, "<\(from)>"), "mail from")
        try check(ccurl_easy_setopt_slist(handle, CURLOPT_MAIL_RCPT, recipients), "recipients")
        if let username = configuration.username { try check(ccurl_easy_setopt_string(handle, CURLOPT_USERNAME, username), "username") }
        if let password = configuration.password { try check(ccurl_easy_setopt_string(handle, CURLOPT_PASSWORD, password), "password") }
        try check(ccurl_easy_setopt_long(handle, CURLOPT_UPLOAD, 1), "upload")
        try check(ccurl_easy_setopt_off_t(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(message.count)), "size")
        try check(ccurl_easy_setopt_data_callback(handle, CURLOPT_READFUNCTION, smtpRead), "read callback")
        try check(ccurl_easy_setopt_pointer(handle, CURLOPT_READDATA, Unmanaged.passUnretained(self).toOpaque()), "read data")
    }

    func perform() throws(CurlError) {
        let code = curl_easy_perform(handle)
        guard code == CURLE_OK else {
            let detail = errorBuffer.pointee != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
            switch code {
            case CURLE_COULDNT_CONNECT: throw .connectionFailed(url: displayURL, detail: detail)
            case CURLE_COULDNT_RESOLVE_HOST: throw .hostNotFound(url: displayURL, detail: detail)
            case CURLE_OPERATION_TIMEDOUT: throw .timedOut(url: displayURL, limit: timeout)
            case CURLE_USE_SSL_FAILED, CURLE_SSL_CONNECT_ERROR: throw .tls(url: displayURL, detail: detail)
            default: throw .transferFailed(url: displayURL, code: Int(code.rawValue), detail: detail)
            }
        }
    }

    /// Copies the next part of the message into curl's buffer.
    func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        let count = min(capacity, message.count - offset)
        guard count > 0 else { return 0 }
        message.withUnsafeBufferPointer { source in
            guard let base = source.baseAddress else { return }
            UnsafeMutableRawPointer(buffer).copyMemory(from: base + offset, byteCount: count)
        }
        offset += count
        return count
    }
}

/// libcurl's read callback: hands out the message bit by bit.
private func smtpRead(_ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?) -> Int {
    guard let buffer, let userdata else { return 0 }
    let transfer = Unmanaged<SMTPTransfer>.fromOpaque(userdata).takeUnretainedValue()
    return transfer.read(into: buffer, capacity: size * count)
}
