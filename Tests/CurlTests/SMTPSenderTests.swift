import Curl
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A TCP listener on 127.0.0.1 that takes connections and never says a word: the kernel
/// completes each handshake into the listen backlog, and nothing ever reads or writes. An SMTP
/// client waits for a greeting that never comes.
final class SilentListener {
    /// The bound port.
    let port: Int
    private let fd: Int32

    struct SocketError: Error, CustomStringConvertible {
        var description: String
    }

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SocketError(description: "socket() failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard bound == 0, listen(fd, 8) == 0, named == 0 else {
            close(fd)
            throw SocketError(description: "cannot listen on 127.0.0.1: errno \(errno)")
        }
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(fd) }
}

/// The SMTP sender against servers on loopback that misbehave.
@Suite struct SMTPSenderTests {
    /// The error names the timeout the sender was configured with (it used to say 30 s
    /// whatever the configuration), and the sender gives up at that time, not at curl's default.
    @Test(arguments: [400, 1500])
    func aServerThatNeverAnswersTimesOutAtTheConfiguredLimit(milliseconds: Int) async throws {
        let listener = try SilentListener()
        let url = "smtp://127.0.0.1:\(listener.port)"
        let timeout = Duration.milliseconds(milliseconds)
        let sender = SMTPSender(configuration: .init(url: url, timeout: timeout))
        let started = ContinuousClock.now
        do {
            try await sender.send(Array("Subject: x\r\n\r\nx\r\n".utf8), from: "shop@example.com", to: ["anna@example.com"])
            Issue.record("a server that never greets cannot take a message")
        } catch {
            #expect(error == .timedOut(url: url, limit: timeout))
            let seconds = String(format: "%g s", Double(milliseconds) / 1000)
            #expect(error.description == "\(url) did not answer within \(seconds); the mail server is slow or unreachable", "\(error)")
        }
        // It waited for the configured limit, not less (an upper bound would only measure how busy
        // the machine is: the message above names the configured limit).
        let elapsed = ContinuousClock.now - started
        #expect(elapsed >= timeout - .milliseconds(50), "gave up after \(elapsed)")
        withExtendedLifetime(listener) {}
    }
}
