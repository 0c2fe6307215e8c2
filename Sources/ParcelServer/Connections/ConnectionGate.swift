import NIOCore
import Synchronization

/// The server's count of open connections per client address, shared by every connection's
/// ``ConnectionAdmissionHandler`` on every event loop; closes the connections
/// ``ConnectionCounter`` evicts.
final class ConnectionGate: Sendable {
    private struct State {
        var counter: ConnectionCounter
        var channels: [ConnectionCounter.ID: any Channel] = [:]
    }

    private let state: Mutex<State>

    /// A gate allowing `perClient` connections per address and `total` in all.
    init(perClient: Int, total: Int) {
        state = Mutex(State(counter: ConnectionCounter(perClient: perClient, total: total)))
    }

    /// Counts `channel`, a new connection from `client`: its ID, or nil when it is to be closed.
    /// A connection evicted to make room is closed here.
    func admit(_ client: String, channel: any Channel) -> ConnectionCounter.ID? {
        let (id, victim) = state.withLock { state -> (ConnectionCounter.ID?, (any Channel)?) in
            guard case .admitted(let id, let evicting) = state.counter.admit(client) else { return (nil, nil) }
            state.channels[id] = channel
            return (id, evicting.flatMap { state.channels[$0] })
        }
        victim?.close(promise: nil)
        return id
    }

    /// Connection `id` delivered a complete request head.
    func headArrived(_ id: ConnectionCounter.ID) {
        state.withLock { $0.counter.headArrived(id) }
    }

    /// Forgets connection `id` (it closed).
    func release(_ id: ConnectionCounter.ID) {
        state.withLock { state in
            state.counter.release(id)
            state.channels[id] = nil
        }
    }

    /// The connections open now (admitted, not yet closed).
    var open: Int { state.withLock { $0.counter.open } }
}
