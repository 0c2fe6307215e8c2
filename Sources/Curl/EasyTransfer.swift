internal import CCurl

/// One libcurl easy handle and everything C holds on to while it runs: the header list, the
/// error buffer and the body collected so far.
///
/// Lives only on the multi loop's thread, so it is deliberately not `Sendable`.
final class EasyTransfer {
    /// The id the caller's continuation is filed under.
    let id: UInt64
    /// The request as the caller gave it (for limits and error messages).
    let request: HTTPRequest
    /// The URL as shown in errors: user info removed.
    let displayURL: String
    /// The handle itself; freed in `deinit`.
    let handle: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// Set by the loopback-only socket callback when it refused an address.
    private let denied: UnsafeMutablePointer<Int32>
    private(set) var body: [UInt8] = []
    private(set) var headers = HTTPHeaders()
    private(set) var exceededSizeCap = false

    /// Creates and configures an easy handle for `request`.
    init(id: UInt64, request: HTTPRequest, userAgent: String) throws(CurlError) {
        guard URLCheck.isFetchable(request.url) else { throw .invalidURL(URLCheck.redacted(request.url)) }
        guard let handle = curl_easy_init() else { throw .setupFailed("curl_easy_init returned NULL") }
        self.id = id
        self.request = request
        self.displayURL = URLCheck.redacted(request.url)
        self.handle = handle
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        denied = .allocate(capacity: 1)
        denied.initialize(to: 0)
        try configure(userAgent: userAgent)
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
        denied.deallocate()
    }

    private func check(_ code: CURLcode, _ what: String) throws(CurlError) {
        guard code == CURLE_OK else {
            throw .setupFailed("\(what): \(String(cString: curl_easy_strerror(code)))")
        }
    }

    private func configure(userAgent: String) throws(CurlError) {
        let opaqueSelf = Unmanaged.passUnretained(self).toOpaque()
        try check(ccurl_easy_setopt_string(handle, CURLOPT_URL, request.url), "URL")
        try check(ccurl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer), "error buffer")
        try check(ccurl_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1), "nosignal")
        try check(ccurl_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"), "protocols")
        try check(ccurl_easy_setopt_string(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"), "redirect protocols")
        try check(ccurl_easy_setopt_long(handle, CURLOPT_FOLLOWLOCATION, request.maxRedirects > 0 ? 1 : 0), "follow")
        try check(ccurl_easy_setopt_long(handle, CURLOPT_MAXREDIRS, max(0, request.maxRedirects)), "max redirects")
        try check(ccurl_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, request.timeout.milliseconds), "timeout")
        try check(ccurl_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, request.connectTimeout.milliseconds), "connect timeout")
        try check(ccurl_easy_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, ""), "accept encoding")
        try check(ccurl_easy_setopt_off_t(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(request.maxResponseBytes)), "max size")
        try check(ccurl_easy_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1), "verify peer")
        try check(ccurl_easy_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2), "verify host")
        try check(ccurl_easy_setopt_string(handle, CURLOPT_USERAGENT, userAgent), "user agent")
        if request.loopbackOnly { try check(ccurl_easy_restrict_to_loopback(handle, denied), "loopback only") }
        if let proxy = request.proxy {
            try check(ccurl_easy_setopt_string(handle, CURLOPT_PROXY, proxy), "proxy")
        } else {
            // Never pick up http_proxy from the environment silently: endpoints must be explicit.
            try check(ccurl_easy_setopt_string(handle, CURLOPT_PROXY, ""), "proxy")
        }

        try check(
            ccurl_easy_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION) { buffer, size, count, userdata in
                guard let userdata else { return 0 }
                let transfer = Unmanaged<EasyTransfer>.fromOpaque(userdata).takeUnretainedValue()
                return transfer.receiveBody(buffer, size * count)
            }, "write callback")
        try check(ccurl_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, opaqueSelf), "write data")
        try check(
            ccurl_easy_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION) { buffer, size, count, userdata in
                guard let userdata else { return 0 }
                let transfer = Unmanaged<EasyTransfer>.fromOpaque(userdata).takeUnretainedValue()
                return transfer.receiveHeader(buffer, size * count)
            }, "header callback")
        try check(ccurl_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, opaqueSelf), "header data")

        var headers = request.headers
        if let etag = request.validators?.etag { headers.set(name: "If-None-Match", value: etag) }
        if let date = request.validators?.lastModified { headers.set(name: "If-Modified-Since", value: date) }
        for field in headers {
            // A CR or LF in a header would let a carrier file smuggle extra headers.
            guard !field.name.contains(where: \.isNewline), !field.value.contains(where: \.isNewline) else {
                throw .setupFailed("header '\(field.name)' contains a line break")
            }
            guard let list = curl_slist_append(headerList, "\(field.name): \(field.value)") else {
                throw .setupFailed("curl_slist_append returned NULL")
            }
            headerList = list
        }
        if let headerList {
            try check(ccurl_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList), "headers")
        }

        let method = request.method.uppercased()
        if let body = request.body {
            try check(ccurl_easy_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)), "body size")
            let copied = body.withUnsafeBytes { raw -> CURLcode in
                guard let base = raw.baseAddress, !raw.isEmpty else {
                    return ccurl_easy_setopt_string(handle, CURLOPT_COPYPOSTFIELDS, "")
                }
                return ccurl_easy_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: base))
            }
            try check(copied, "body")
            if method != "POST" {
                try check(ccurl_easy_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method), "method")
            }
        } else if method == "HEAD" {
            try check(ccurl_easy_setopt_long(handle, CURLOPT_NOBODY, 1), "head")
        } else if method != "GET" {
            try check(ccurl_easy_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method), "method")
        }
    }

    /// Appends body bytes; returns a short count (which makes curl abort) past the size cap.
    private func receiveBody(_ buffer: UnsafeMutablePointer<CChar>?, _ length: Int) -> Int {
        guard let buffer else { return 0 }
        if body.count + length > request.maxResponseBytes {
            exceededSizeCap = true
            return 0
        }
        body.append(contentsOf: UnsafeRawBufferPointer(start: buffer, count: length))
        return length
    }

    /// Records one header line; a new status line (redirect, `100 Continue`) starts over.
    private func receiveHeader(_ buffer: UnsafeMutablePointer<CChar>?, _ length: Int) -> Int {
        guard let buffer else { return 0 }
        let bytes = UnsafeRawBufferPointer(start: buffer, count: length)
        let line = String(decoding: bytes, as: UTF8.self).trimmingSpaces
        if line.hasPrefix("HTTP/") {
            headers = HTTPHeaders()
            body.removeAll(keepingCapacity: true)
        } else if let colon = line.firstIndex(of: ":") {
            let name = String(line[..<colon]).trimmingSpaces
            let value = String(line[line.index(after: colon)...]).trimmingSpaces
            if !name.isEmpty { headers.add(name: name, value: value) }
        }
        return length
    }

    /// The response, or the error that ended the transfer, for curl's final `code`.
    func outcome(_ code: CURLcode) -> Result<HTTPResponse, CurlError> {
        if code == CURLE_OK {
            var status = 0
            _ = ccurl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
            var redirects = 0
            _ = ccurl_easy_getinfo_long(handle, CURLINFO_REDIRECT_COUNT, &redirects)
            var effective: UnsafeMutablePointer<CChar>?
            _ = ccurl_easy_getinfo_string(handle, CURLINFO_EFFECTIVE_URL, &effective)
            let url = effective.map { String(cString: $0) } ?? request.url
            return .success(
                HTTPResponse(
                    status: status, headers: headers, body: body,
                    effectiveURL: URLCheck.redacted(url), redirectCount: redirects))
        }
        return .failure(error(for: code))
    }

    private func error(for code: CURLcode) -> CurlError {
        let buffered = String(cString: errorBuffer)
        let detail = buffered.isEmpty ? String(cString: curl_easy_strerror(code)) : buffered
        switch code {
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return .invalidURL(displayURL)
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .hostNotFound(url: displayURL, detail: detail)
        case CURLE_COULDNT_CONNECT where denied.pointee != 0:
            var effective: UnsafeMutablePointer<CChar>?
            _ = ccurl_easy_getinfo_string(handle, CURLINFO_EFFECTIVE_URL, &effective)
            return .notAllowed(url: URLCheck.redacted(effective.map { String(cString: $0) } ?? request.url))
        case CURLE_COULDNT_CONNECT, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING:
            return .connectionFailed(url: displayURL, detail: detail)
        case CURLE_OPERATION_TIMEDOUT:
            return .timedOut(url: displayURL, limit: request.timeout)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE,
            CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            return .tls(url: displayURL, detail: detail)
        case CURLE_FILESIZE_EXCEEDED:
            return .responseTooLarge(url: displayURL, limit: request.maxResponseBytes)
        case CURLE_WRITE_ERROR where exceededSizeCap:
            return .responseTooLarge(url: displayURL, limit: request.maxResponseBytes)
        case CURLE_TOO_MANY_REDIRECTS:
            return .tooManyRedirects(url: displayURL, limit: request.maxRedirects)
        case CURLE_PARTIAL_FILE, CURLE_BAD_CONTENT_ENCODING:
            return .truncated(url: displayURL, detail: detail)
        default:
            return .transferFailed(url: displayURL, code: Int(code.rawValue), detail: detail)
        }
    }
}
