import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// The real PostgreSQL server `make test` starts for the tests (`scripts/test-postgres.sh`):
/// `PARCELWATCH_TEST_POSTGRES` is its URL, `PGPASSWORD` its password. Without it, plain
/// `swift test` runs the SQLite variants only.
public enum PostgresTestServer {
    /// The server's URL (`postgres://parcelwatch@127.0.0.1:PORT/postgres`), nil when none runs.
    public static var url: String? {
        ProcessInfo.processInfo.environment["PARCELWATCH_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// True when a server is there to test against.
    public static var isAvailable: Bool { url != nil }

    /// Creates an empty database of its own for one test and returns its URL.
    public static func freshDatabase(_ label: String = "t") async throws -> String {
        guard let url, let components = URLComponents(string: url), let host = components.host else {
            throw TestServerError(message: "PARCELWATCH_TEST_POSTGRES is not set; run the tests with `make test`")
        }
        let name = "pw_\(label)_\(UUID().uuidString.prefix(8).lowercased())"
        let configuration = PostgresConnection.Configuration(
            host: host, port: components.port ?? 5432, username: components.user ?? "postgres",
            password: ProcessInfo.processInfo.environment["PGPASSWORD"], database: "postgres", tls: .disable)
        var logger = Logger(label: "test.postgres")
        logger.logLevel = .critical
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration,
            id: 1, logger: logger
        ).get()
        do {
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
        var database = components
        database.path = "/" + name
        return database.string ?? url
    }
}

/// A test could not reach its server.
public struct TestServerError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
