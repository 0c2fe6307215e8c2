#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's file-descriptor limit (`ulimit -n`, RLIMIT_NOFILE's soft limit, read once at
/// start) and the part of it that client connections may use: every connection is a
/// descriptor, and the server must keep some for its database, logs and outgoing requests.
public struct DescriptorBudget: Sendable, Equatable {
    /// Descriptors never given to client connections: the database and its journal, standard
    /// streams, event loops, the listening socket, outgoing requests, and the brief overshoot of
    /// connections accepted only to be closed (the server stops accepting at the cap plus half
    /// the reserve until some close).
    public static let reserve = 128

    /// The soft limit on open descriptors.
    public let limit: Int

    /// A budget for `limit` descriptors.
    public init(limit: Int) {
        self.limit = limit
    }

    /// The limit this process runs with now.
    public static func current() -> DescriptorBudget {
        var limits = rlimit()
        #if os(Linux)
        let status = getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limits)
        #else
        let status = getrlimit(RLIMIT_NOFILE, &limits)
        #endif
        // No answer (never seen) or no limit (RLIM_INFINITY): count as a large one.
        guard status == 0 else { return DescriptorBudget(limit: 1 << 20) }
        return DescriptorBudget(limit: Int(clamping: min(limits.rlim_cur, 1 << 20)))
    }

    /// The most connections the limit allows: the limit less the reserve.
    public var maximumConnections: Int { limit - Self.reserve }

    /// The total connection cap to run with: `requested`, or ``maximumConnections`` without
    /// one. Throws when the requested cap (or the limit itself) leaves less than the reserve.
    public func connectionCap(requested: Int?) throws(ServerError) -> Int {
        guard maximumConnections >= 1 else {
            throw ServerError.limits(
                "the descriptor limit is \(limit) (ulimit -n), which leaves no connections after the \(Self.reserve) kept for the database, "
                    + "logs and outgoing requests; raise it (ulimit -n 4096)")
        }
        guard let requested else { return maximumConnections }
        guard requested >= 1 else { throw ServerError.limits("--max-connections must be at least 1, not \(requested)") }
        guard requested <= maximumConnections else {
            throw ServerError.limits(
                "--max-connections \(requested) does not fit the descriptor limit of \(limit) (ulimit -n) less the \(Self.reserve) kept for "
                    + "the database, logs and outgoing requests: use at most \(maximumConnections), or raise the limit (ulimit -n \(requested + Self.reserve))")
        }
        return requested
    }
}
