import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One HTTP/1.1 exchange over a plain TCP socket bound to a chosen loopback source address
/// (`127.0.0.x`), so a test can be many clients at once: the server tells clients apart by the
/// connected peer, never by a header. The exchange blocks a thread of its own (not the test's
/// executor) and sends `Connection: close`, so the answer ends where the connection does.
public enum BoundHTTP {
    /// What came back.
    public struct Reply: Sendable {
        public var status: Int
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]

        /// The first header called `name` (any case).
        public func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
        /// The body as UTF-8 text.
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// Why an exchange failed.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Sends `method path` with `headers` and `body` from `source` to `127.0.0.1:port`.
    public static func request(
        port: Int, from source: String, _ method: String, _ path: String, headers: [(String, String)] = [], body: String? = nil
    ) async throws -> Reply {
        try await offThePool { try blockingRequest(port: port, from: source, method, path, headers: headers, body: body) }
    }

    /// ``request(port:from:_:_:headers:body:)`` on the calling thread, blocking it until the answer is in.
    public static func blockingRequest(
        port: Int, from source: String, _ method: String, _ path: String, headers: [(String, String)] = [], body: String? = nil
    ) throws -> Reply {
        var request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        if let body { request += "Content-Length: \(body.utf8.count)\r\n" }
        request += "\r\n" + (body ?? "")
        return try parse(try exchange(Array(request.utf8), port: port, source: source).get(), head: method == "HEAD")
    }

    private static func exchange(_ request: [UInt8], port: Int, source: String) -> Result<[UInt8], Failure> {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return .failure(Failure(description: "socket() failed")) }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        func address(_ ip: String, _ port: Int) -> sockaddr_in {
            var value = sockaddr_in()
            value.sin_family = sa_family_t(AF_INET)
            value.sin_port = in_port_t(UInt16(port).bigEndian)
            inet_pton(AF_INET, ip, &value.sin_addr)
            return value
        }
        var local = address(source, 0), remote = address("127.0.0.1", port)
        let size = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &local) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, size) } }
        guard bound == 0 else { return .failure(Failure(description: "cannot bind \(source)")) }
        let connected = withUnsafePointer(to: &remote) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, size) } }
        guard connected == 0 else { return .failure(Failure(description: "cannot connect to port \(port) from \(source)")) }
        var sent = 0
        while sent < request.count {
            let written = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            guard written > 0 else { return .failure(Failure(description: "send failed")) }
            sent += written
        }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let read = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard read > 0 else {
                return read == 0 ? .success(answer) : .failure(Failure(description: "recv failed after \(answer.count) bytes"))
            }
            answer += buffer[0..<read]
        }
    }

    private static func parse(_ raw: [UInt8], head: Bool) throws -> Reply {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = raw.indices.first(where: { raw[$0...].starts(with: separator) }) else {
            throw Failure(description: "no complete header in \(raw.count) bytes")
        }
        let lines = String(decoding: raw[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        guard let first = lines.first, let status = Int(first.split(separator: " ").dropFirst().first ?? "") else {
            throw Failure(description: "no status line")
        }
        let headers = lines.dropFirst().compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        var body = Array(raw[(end + separator.count)...])
        // Chunked bodies are joined, so tests compare content, not framing.
        if !head, headers.contains(where: { $0.name.lowercased() == "transfer-encoding" && $0.value.lowercased().contains("chunked") }) {
            body = dechunk(body)
        }
        return Reply(status: status, headers: headers, body: body)
    }

    private static func dechunk(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = [], index = 0
        while index < bytes.count {
            guard let lineEnd = bytes[index...].firstIndex(of: UInt8(ascii: "\r")) else { break }
            let size = Int(String(decoding: bytes[index..<lineEnd], as: UTF8.self).split(separator: ";").first ?? "", radix: 16) ?? 0
            guard size > 0, lineEnd + 2 + size <= bytes.count else { break }
            result += bytes[(lineEnd + 2)..<(lineEnd + 2 + size)]
            index = lineEnd + 2 + size + 2
        }
        return result
    }
}

extension BoundHTTP {
    /// `clients` clients asking for `path` on `port` again and again, each until the server
    /// stops answering it; `stop` runs once, as soon as the first answer is in, so connections
    /// keep arriving while the server stops. Returns the status of every answer.
    public static func keepAsking(port: Int, path: String, clients: Int, stop: @escaping @Sendable () -> Void) async -> [Int] {
        let first = FirstAnswer()
        return await withTaskGroup(of: [Int].self) { group in
            for _ in 0..<clients {
                group.addTask {
                    var statuses: [Int] = []
                    while let status = try? await request(port: port, from: "127.0.0.1", "GET", path).status {
                        statuses.append(status)
                        if first.claim() { stop() }
                    }
                    return statuses
                }
            }
            return await group.reduce(into: []) { $0 += $1 }
        }
    }
}

/// True for the first answer only.
private final class FirstAnswer: Sendable {
    private let seen = Mutex(false)

    /// Whether this is the first call.
    func claim() -> Bool {
        seen.withLock { seen in
            defer { seen = true }; return !seen
        }
    }
}
