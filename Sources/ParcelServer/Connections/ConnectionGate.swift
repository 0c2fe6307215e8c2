import Synchronization

/// The server's count of open connections per client address, shared by every connection's
/// ``ConnectionAdmissionHandler`` on every event loop.
final class ConnectionGate: Sendable {
    private let counter: Mutex<ConnectionCounter>

    /// A gate allowing `perClient` connections per address and `total` in all.
    init(perClient: Int, total: Int) {
        counter = Mutex(ConnectionCounter(perClient: perClient, total: total))
    }

    /// Counts a new connection from `client` if the caps allow it.
    func admit(_ client: String) -> ConnectionCounter.Admission {
        counter.withLock { $0.admit(client) }
    }

    /// Forgets an admitted connection of `client`.
    func release(_ client: String) {
        counter.withLock { $0.release(client) }
    }

    /// The connections open now (admitted, not yet closed).
    var open: Int { counter.withLock { $0.open } }
}
