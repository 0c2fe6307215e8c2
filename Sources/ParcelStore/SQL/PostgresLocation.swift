import Foundation
import ParcelCore

/// A `postgres://user:password@host:port/database?sslmode=…` location taken apart. The password
/// may instead come from `PGPASSWORD`, so it need not appear in a command line or a unit file;
/// it never appears in ``displayName``.
struct PostgresLocation: Sendable {
    var host: String
    var port: Int
    var username: String
    var password: String?
    var database: String
    /// `disable`, `prefer` (the default: TLS when the server offers it) or `require`.
    var sslMode: String

    /// Parses `text`; the error names what is wrong without repeating the password.
    init(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(StoreError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme,
            ["postgres", "postgresql"].contains(scheme), let host = components.host, !host.isEmpty
        else {
            throw .cannotOpen(location: "postgres://…", detail: "expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE")
        }
        self.host = host
        port = components.port ?? 5432
        username = components.user ?? "postgres"
        password = components.password?.removingPercentEncoding ?? environment["PGPASSWORD"]
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? username : path
        sslMode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        guard ["disable", "prefer", "require"].contains(sslMode) else {
            throw .cannotOpen(location: displayName, detail: "sslmode must be disable, prefer or require, not \(sslMode)")
        }
    }

    /// The location for people: no password, ever.
    var displayName: String { "postgres://\(username)@\(host):\(port)/\(database)" }
}
