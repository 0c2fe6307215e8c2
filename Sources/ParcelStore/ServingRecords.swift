import Foundation
import ParcelCore

/// One counter behind `/metrics`: a Prometheus-style name, its labels and its value.
public struct CounterValue: Sendable, Equatable {
    /// `parcelwatch_fetches_total`.
    public var name: String
    /// `["carrier": "seur"]`.
    public var labels: [String: String]
    /// The count (or, for a latency sum, seconds).
    public var value: Double

    /// A counter value (or an increment of one).
    public init(name: String, labels: [String: String] = [:], value: Double) {
        self.name = name
        self.labels = labels
        self.value = value
    }

    /// The labels as stored: `carrier=seur,kind=timeout`, sorted by key.
    var labelText: String {
        labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }

    /// Labels from their stored text.
    static func labels(_ text: String) -> [String: String] {
        var labels: [String: String] = [:]
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { labels[String(parts[0])] = String(parts[1]) }
        }
        return labels
    }
}

/// A shop API token as staff see it: never its secret.
public struct APIToken: Sendable, Equatable, Codable {
    public var name: String
    public var createdAt: Date
    public var createdBy: String
    public var lastUsedAt: Date?
    public var revokedAt: Date?

    /// A token record.
    public init(name: String, createdAt: Date, createdBy: String, lastUsedAt: Date?, revokedAt: Date?) {
        self.name = name
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
    }
}

/// What signing in to the staff console checks.
public struct StaffCredentials: Sendable, Equatable {
    public var name: String
    public var displayName: String
    /// The bcrypt hash, nil until `parcelwatch staff passwd` sets one.
    public var passwordHash: String?
    public var failedSignIns: Int
    public var lockedUntil: Date?

    /// Credentials as stored.
    public init(name: String, displayName: String, passwordHash: String?, failedSignIns: Int, lockedUntil: Date?) {
        self.name = name
        self.displayName = displayName
        self.passwordHash = passwordHash
        self.failedSignIns = failedSignIns
        self.lockedUntil = lockedUntil
    }
}

/// A signed-in staff member's console session. The cookie holds a random value; the store
/// keeps only its SHA-256 (`idHash`), so a copy of the database signs no one in.
public struct StaffSession: Sendable, Equatable {
    public var idHash: String
    public var staff: String
    /// The token every form of this session must carry.
    public var csrfToken: String
    public var createdAt: Date
    public var expiresAt: Date

    /// A session.
    public init(idHash: String, staff: String, csrfToken: String, createdAt: Date, expiresAt: Date) {
        self.idHash = idHash
        self.staff = staff
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}
