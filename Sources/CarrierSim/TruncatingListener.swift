import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A bare TCP listener on 127.0.0.1 that promises a 100 000-byte body, sends 1 000 bytes and
/// hangs up: the one fault an HTTP framework will not produce on purpose. The `truncate` fault
/// redirects here.
final class TruncatingListener: Sendable {
    /// The bound port, 0 when the socket could not be opened.
    let port: Int
    private let socketFD: Int32

    init() {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard fd >= 0, bound == 0, listen(fd, 16) == 0, named == 0 else {
            if fd >= 0 { close(fd) }
            socketFD = -1
            port = 0
            return
        }
        socketFD = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { Self.serve(fd) }
        thread.name = "carrier-sim.truncate"
        thread.start()
    }

    deinit {
        if socketFD >= 0 { shutdown(socketFD, Int32(SHUT_RDWR)); close(socketFD) }
    }

    private static func serve(_ fd: Int32) {
        while true {
            let client = accept(fd, nil, nil)
            if client < 0 { return }
            var buffer = [UInt8](repeating: 0, count: 4096)
            _ = read(client, &buffer, buffer.count)
            let head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n"
            let body = [UInt8](repeating: 0x61, count: 1000)
            _ = Array(head.utf8).withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
            _ = body.withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
            close(client)
        }
    }
}
