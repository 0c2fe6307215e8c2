internal import CCurl
import Foundation
import Synchronization

/// Runs curl's global initialisation exactly once per process.
private let curlGlobalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

/// An async HTTP client over one libcurl multi handle, driven by one thread of its own.
///
/// Hundreds of transfers can be in flight at once without a thread each. Every request is
/// bounded (timeout, connect timeout, size cap, redirect cap), gzip/deflate are accepted, TLS
/// is verified, and cancelling the calling task aborts its transfer.
///
/// ```swift
/// let client = try HTTPClient()
/// let page = try await client.send(HTTPRequest(url: "https://example.com/track?n=1"))
/// ```
public final class HTTPClient: Sendable {
    /// Settings that apply to every transfer of one client.
    public struct Configuration: Sendable {
        /// Sent as `User-Agent`; carriers block anonymous clients.
        public var userAgent: String
        /// Connections kept open to one host at most (politeness towards carriers).
        public var maxConnectionsPerHost: Int
        /// Connections open at once, all hosts together.
        public var maxConnections: Int
        /// Every request of this client connects only to loopback addresses.
        public var loopbackOnly = false

        /// Creates a configuration.
        public init(userAgent: String = "Parcelwatch/0.1 (+shipment tracker)", maxConnectionsPerHost: Int = 16, maxConnections: Int = 256) {
            self.userAgent = userAgent
            self.maxConnectionsPerHost = maxConnectionsPerHost
            self.maxConnections = maxConnections
        }
    }

    private let mailbox: Mailbox
    private let loopbackOnly: Bool

    /// Starts the client's loop thread.
    /// - Throws: ``CurlError/setupFailed(_:)`` when libcurl cannot be initialised.
    public init(configuration: Configuration = Configuration()) throws(CurlError) {
        guard curlGlobalInit == CURLE_OK else {
            throw .setupFailed(String(cString: curl_easy_strerror(curlGlobalInit)))
        }
        let mailbox = try Mailbox()
        let loop = try MultiLoop(mailbox: mailbox, configuration: configuration)
        self.mailbox = mailbox
        loopbackOnly = configuration.loopbackOnly
        let transfer = LoopHandOff(loop: loop)
        let thread = Thread {
            transfer.take()?.run()
        }
        thread.name = "parcelwatch.curl"
        thread.start()
    }

    deinit {
        mailbox.shutDown()
    }

    /// Sends `request` and waits for the final response (after redirects).
    ///
    /// Any HTTP status is a response, including `304`, `429` and `5xx`: deciding what they mean
    /// is the caller's business. Transport failures throw ``CurlError``; cancelling the task
    /// throws `CancellationError` and aborts the transfer.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        var request = request
        if loopbackOnly { request.loopbackOnly = true }
        let id = mailbox.allocate()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                mailbox.submit(Mailbox.Submission(id: id, request: request, continuation: continuation))
            }
        } onCancel: {
            mailbox.cancel(id)
        }
    }

    /// The libcurl version this client runs on, e.g. `libcurl/7.88.1 OpenSSL/3.0.15 zlib/1.2.13`.
    public static var libraryVersion: String {
        String(cString: curl_version())
    }
}

/// Moves the non-Sendable loop onto its thread exactly once.
///
/// The loop is created on the caller's thread so setup errors surface from `init`; after the
/// hand-off only the loop thread touches it. The mutex makes the hand-off itself safe, and
/// `sending` proves no other reference to the loop remains.
private final class LoopHandOff: Sendable {
    private let slot: Mutex<MultiLoop?>

    init(loop: sending MultiLoop) {
        slot = Mutex(loop)
    }

    func take() -> sending MultiLoop? {
        slot.withLock { loop in
            let taken = loop
            loop = nil
            return taken
        }
    }
}
