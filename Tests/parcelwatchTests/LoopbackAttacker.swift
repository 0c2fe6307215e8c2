import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Raw POSIX sockets against a server on loopback, for the connection attack tests: many
/// half-sent requests from chosen source addresses (127.0.0.2 …; Linux routes all of 127/8 to
/// `lo`), and plain HTTP/1.1 requests with a deadline. Blocking calls: run it on a thread of its
/// own. Every socket it opens is closed by ``closeAll()`` (and on deinit).
final class LoopbackAttacker {
    /// The server's port on 127.0.0.1.
    let port: UInt16
    /// The attack's sockets, connected and holding half a request.
    private(set) var sockets: [Int32] = []
    /// Sockets that could not connect or send.
    private(set) var failed = 0

    /// An attacker on `port`.
    init(port: UInt16) {
        self.port = port
    }

    deinit { closeAll() }

    /// Raises this process's soft descriptor limit to its hard limit (the attack needs thousands).
    static func raiseOwnDescriptorLimit() -> Int {
        var limits = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limits) == 0 else { return 0 }
        limits.rlim_cur = limits.rlim_max
        _ = setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limits)
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limits) == 0 else { return 0 }
        return Int(clamping: limits.rlim_cur)
    }

    /// Opens `count` connections from `source` and sends each `partial` (half a request),
    /// waiting at most `timeout` for them to connect; returns how many got that far.
    @discardableResult
    func open(_ count: Int, from source: String, partial: String = "GET /healthz HTT", timeout: Duration = .seconds(3)) -> Int {
        var pending: [Int32] = []
        for _ in 0..<count {
            guard let fd = Self.connectingSocket(from: source, to: port) else {
                failed += 1
                continue
            }
            pending.append(fd)
        }
        let writable = Self.wait(pending, for: Int16(POLLOUT), until: .now + timeout)
        var sent = 0
        for fd in pending {
            if writable.contains(fd), Self.socketError(fd) == 0, Self.send(fd, partial) {
                sockets.append(fd)
                sent += 1
            } else {
                Glibc.close(fd)
                failed += 1
            }
        }
        return sent
    }

    /// How many of the attack's sockets the server has closed (or answered) by now.
    func closedByServer() -> Int {
        Self.wait(sockets, for: Int16(POLLIN), until: .now).count
    }

    /// Waits until at least `count` sockets are closed by the server or `timeout` passes; returns the number closed.
    func waitUntilClosed(atLeast count: Int, timeout: Duration) -> Int {
        let end = ContinuousClock.now + timeout
        var closed = closedByServer()
        while closed < count, ContinuousClock.now < end {
            Thread.sleep(forTimeInterval: 0.1)
            closed = closedByServer()
        }
        return closed
    }

    /// Closes the first `count` attack sockets (the client gives up on them).
    func close(first count: Int) {
        for fd in sockets.prefix(count) { Glibc.close(fd) }
        sockets.removeFirst(min(count, sockets.count))
    }

    /// Closes every attack socket.
    func closeAll() {
        for fd in sockets { Glibc.close(fd) }
        sockets.removeAll()
    }

    /// `GET path` on a new connection from 127.0.0.1 that closes after the answer: the status,
    /// or nil when none came within `timeout` (refused, closed or too slow), and the time taken.
    static func get(_ path: String, port: UInt16, timeout: Duration = .seconds(2)) -> (status: Int?, elapsed: Duration) {
        let start = ContinuousClock.now
        guard let fd = connectingSocket(from: "127.0.0.1", to: port) else { return (nil, .zero) }
        defer { Glibc.close(fd) }
        let end = start + timeout
        guard wait([fd], for: Int16(POLLOUT), until: end).contains(fd), socketError(fd) == 0,
            send(fd, "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        else { return (nil, ContinuousClock.now - start) }
        let status = readResponse(fd, until: end)
        return (status, ContinuousClock.now - start)
    }

    /// A connection from 127.0.0.1 that stays open across requests (keep-alive).
    final class KeepAlive {
        private let fd: Int32?

        /// Connects to `port` from `source`.
        init(port: UInt16, from source: String = "127.0.0.1") {
            let fd = LoopbackAttacker.connectingSocket(from: source, to: port)
            if let fd, LoopbackAttacker.wait([fd], for: Int16(POLLOUT), until: .now + .seconds(2)).contains(fd), LoopbackAttacker.socketError(fd) == 0 {
                self.fd = fd
            } else {
                if let fd { Glibc.close(fd) }
                self.fd = nil
            }
        }

        deinit { if let fd { Glibc.close(fd) } }

        /// `GET path` on this connection: the status, or nil without an answer within `timeout`.
        func get(_ path: String, timeout: Duration = .seconds(2)) -> Int? {
            guard let fd, LoopbackAttacker.send(fd, "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n") else { return nil }
            return LoopbackAttacker.readResponse(fd, until: .now + timeout)
        }
    }

    // MARK: sockets

    fileprivate static func connectingSocket(from source: String, to port: UInt16) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        guard fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == 0,
            withAddress(source, port: 0, { bind(fd, $0, $1) }) == 0
        else {
            Glibc.close(fd)
            return nil
        }
        let status = withAddress("127.0.0.1", port: port) { connect(fd, $0, $1) }
        guard status == 0 || errno == EINPROGRESS else {
            Glibc.close(fd)
            return nil
        }
        return fd
    }

    private static func withAddress(_ ip: String, port: UInt16, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32) -> Int32 {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, ip, &address.sin_addr) == 1 else { return -1 }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }

    /// The sockets among `fds` ready for `events` (or hung up, or in error) by `end`.
    fileprivate static func wait(_ fds: [Int32], for events: Int16, until end: ContinuousClock.Instant) -> Set<Int32> {
        var polled = fds.map { pollfd(fd: $0, events: events, revents: 0) }
        var ready = Set<Int32>()
        repeat {
            let left = max(.zero, end - .now)
            let milliseconds = Int32(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)
            guard poll(&polled, nfds_t(polled.count), milliseconds) >= 0 || errno == EINTR else { break }
            for entry in polled where entry.revents != 0 { ready.insert(entry.fd) }
            polled = polled.filter { $0.revents == 0 }.map { pollfd(fd: $0.fd, events: events, revents: 0) }
        } while !polled.isEmpty && ContinuousClock.now < end
        return ready
    }

    fileprivate static func socketError(_ fd: Int32) -> Int32 {
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 else { return errno }
        return error
    }

    fileprivate static func send(_ fd: Int32, _ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
    }

    /// Reads one response (head, then a body of its Content-Length); its status, or nil if it
    /// did not all come by `end`.
    fileprivate static func readResponse(_ fd: Int32, until end: ContinuousClock.Instant) -> Int? {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let separator = Array("\r\n\r\n".utf8)
        while ContinuousClock.now < end {
            if let headEnd = received.firstRange(of: separator)?.upperBound {
                let head = String(decoding: received[..<headEnd], as: UTF8.self)
                let fields = head.lowercased().split(separator: "\r\n")
                let length = fields.first { $0.hasPrefix("content-length:") }.flatMap { Int($0.dropFirst(15).trimmingCharacters(in: .whitespaces)) } ?? 0
                if received.count - headEnd >= length {
                    return head.split(separator: " ").dropFirst().first.flatMap { Int($0) }
                }
            }
            guard wait([fd], for: Int16(POLLIN), until: end).contains(fd) else { return nil }
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count > 0 {
                received += buffer[..<count]
            } else if count == 0 || errno != EAGAIN {
                return nil  // closed (or reset) before a whole answer
            }
        }
        return nil
    }
}
