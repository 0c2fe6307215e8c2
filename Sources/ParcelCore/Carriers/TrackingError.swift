import Curl
import Foundation
import Markup

/// Why a carrier answer gave no tracking history, sorted by what should happen next.
public enum TrackingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The carrier says it does not know this number.
    case notFound(carrier: String, number: String)
    /// The answer parsed but no longer looks like the carrier file expects: staff must update
    /// the carrier file; no customer incident is raised from it.
    case formatChanged(carrier: String, detail: String)
    /// The bytes are not a readable page or feed at all.
    case unreadable(carrier: String, detail: String)
    /// The carrier answered with an HTTP error.
    case httpStatus(carrier: String, status: Int, retryAfter: Double?)
    /// The carrier could not be reached.
    case unreachable(carrier: String, error: CurlError)
    /// No carrier file has this id.
    case unknownCarrier(String)
    /// The number fits no carrier, or not the one named.
    case invalidNumber(number: String, reason: String)
    /// The carrier needs a secret from the environment that is not set.
    case missingCredential(carrier: String, variable: String)
    /// The carrier file has no source of that name.
    case unknownSource(carrier: String, source: String, known: [String])
    /// The carrier refused the configured credentials, even after a fresh token.
    case credentialsRejected(carrier: String, detail: String)
    /// The carrier's request quota is spent; its `Retry-After` in seconds when it gave one.
    case quotaExceeded(carrier: String, retryAfter: Double?)
    /// The carrier knows the number but has no information yet.
    case notYetAvailable(carrier: String, number: String)
    /// A passing failure the carrier reported inside its answer; worth retrying.
    case transient(carrier: String, detail: String)
    /// A rule of the carrier file could not finish matching the answer (a regex that
    /// backtracks catastrophically ran past its time limit): staff must fix the rule; the
    /// events it would have mapped are not guessed as `unknown`.
    case badRule(carrier: String, error: TextPatternMatchError)

    /// A sentence for people.
    public var description: String {
        switch self {
        case .notFound(let carrier, let number):
            return "\(carrier) does not know tracking number \(number)"
        case .formatChanged(let carrier, let detail):
            return "\(carrier)'s answer no longer matches carriers/\(carrier).yaml (\(detail)); the carrier file needs updating"
        case .unreadable(let carrier, let detail):
            return "\(carrier)'s answer could not be read: \(detail)"
        case .httpStatus(let carrier, let status, let retryAfter):
            return "\(carrier) answered HTTP \(status)" + (retryAfter.map { " (retry after \(Int($0)) s)" } ?? "")
        case .unreachable(let carrier, let error):
            return "\(carrier) unreachable: \(error)"
        case .unknownCarrier(let id):
            return "no carrier '\(id)' (see `parcelwatch carriers list`)"
        case .invalidNumber(let number, let reason):
            return "'\(number)' is not a valid tracking number: \(reason)"
        case .missingCredential(let carrier, let variable):
            return
                "\(carrier) needs the credential \(variable) (an environment variable, or a key of the carrier's credentials file in parcelwatch.yaml); it is not set"
        case .unknownSource(let carrier, let source, let known):
            return "\(carrier) has no source '\(source)' (its sources: \(known.joined(separator: ", ")))"
        case .credentialsRejected(let carrier, let detail):
            return "\(carrier) refused the configured credentials (\(detail)); check them with `parcelwatch carriers check \(carrier)`"
        case .quotaExceeded(let carrier, let retryAfter):
            return "\(carrier)'s request quota is spent" + (retryAfter.map { " (the carrier says: retry after \(Int($0)) s)" } ?? "")
        case .notYetAvailable(let carrier, let number):
            return "\(carrier) knows \(number) but has no tracking information for it yet"
        case .transient(let carrier, let detail):
            return "\(carrier) reported a passing failure: \(detail)"
        case .badRule(let carrier, let error):
            return "a rule of \(carrier)'s carrier file cannot be used: \(error)"
        }
    }

    /// A short stable name for counting by kind (`notFound`, `formatChanged`, `http500`, `timeout`…).
    public var kind: String {
        switch self {
        case .notFound: return "notFound"
        case .formatChanged: return "formatChanged"
        case .unreadable: return "unreadable"
        case .httpStatus(_, let status, _): return "http\(status)"
        case .unreachable(_, let error): return error.kind
        case .unknownCarrier: return "unknownCarrier"
        case .invalidNumber: return "invalidNumber"
        case .missingCredential: return "missingCredential"
        case .unknownSource: return "unknownSource"
        case .credentialsRejected: return "credentialsRejected"
        case .quotaExceeded: return "quotaExceeded"
        case .notYetAvailable: return "notYetAvailable"
        case .transient: return "transient"
        case .badRule: return "badRule"
        }
    }
}
