/// The open connections per client address, held against a cap per address and a cap in
/// total: the bookkeeping of ``ConnectionGate``, without locks or I/O.
///
/// At the total cap a new connection takes the place of the oldest one that has not yet sent a
/// complete request head (a client that connects and sends half a request, or nothing, is the
/// first to go; connections being served are never chosen). Only when there is none, or when
/// too many are already on their way out, is the new one refused.
struct ConnectionCounter: Sendable, Equatable {
    /// A counted connection.
    typealias ID = UInt64

    /// What happens to a new connection.
    enum Admission: Sendable, Equatable {
        /// It is counted under `id` and served; `evicting` is a connection to close for it.
        case admitted(ID, evicting: ID?)
        /// Its address already holds ``ConnectionCounter/perClient`` connections.
        case refusedClient
        /// The server already holds ``ConnectionCounter/total`` connections, none of them
        /// waiting for its head (or ``ConnectionCounter/evictionSlack`` already closing).
        case refusedTotal
    }

    /// The connections one address may hold at once.
    let perClient: Int
    /// The connections all addresses may hold at once (not counting those being evicted).
    let total: Int
    /// How many evicted connections may still be closing: the most ``open`` exceeds ``total`` by.
    let evictionSlack: Int
    /// The connections counted now, those being evicted included.
    private(set) var open = 0
    private var byClient: [String: Int] = [:]
    private var clientOf: [ID: String] = [:]
    /// Counted, no complete head yet, not being evicted.
    private var waiting: Set<ID> = []
    /// Evicted, not yet closed.
    private var evicting: Set<ID> = []
    /// IDs in the order they were admitted, from `orderStart`; some are no longer waiting.
    private var order: [ID] = []
    private var orderStart = 0
    private var nextID: ID = 1

    /// A counter with no connections.
    init(perClient: Int, total: Int, evictionSlack: Int = 32) {
        self.perClient = perClient
        self.total = total
        self.evictionSlack = evictionSlack
    }

    /// The connections `client` holds now.
    func count(_ client: String) -> Int { byClient[client, default: 0] }

    /// The number of addresses holding connections now.
    var clients: Int { byClient.count }

    /// Connections admitted that have not sent a complete request head.
    var awaitingHead: Int { waiting.count }

    /// Counts a new connection from `client` when the caps allow it, evicting the oldest
    /// connection still waiting for its head when the total cap is reached.
    mutating func admit(_ client: String) -> Admission {
        let held = count(client)
        guard held < perClient else { return .refusedClient }
        var victim: ID?
        if open - evicting.count >= total {
            guard evicting.count < evictionSlack, let oldest = oldestWaiting() else { return .refusedTotal }
            waiting.remove(oldest)
            evicting.insert(oldest)
            victim = oldest
        }
        let id = nextID
        nextID += 1
        byClient[client] = held + 1
        clientOf[id] = client
        open += 1
        waiting.insert(id)
        order.append(id)
        return .admitted(id, evicting: victim)
    }

    /// Connection `id` delivered a complete request head: it is no longer evicted for newcomers.
    mutating func headArrived(_ id: ID) {
        waiting.remove(id)
        prune()
    }

    /// Forgets connection `id` (it closed); a second release of it changes nothing.
    mutating func release(_ id: ID) {
        guard let client = clientOf.removeValue(forKey: id) else { return }
        let held = byClient[client, default: 1]
        byClient[client] = held > 1 ? held - 1 : nil
        open -= 1
        waiting.remove(id)
        evicting.remove(id)
        prune()
    }

    /// The oldest connection still waiting for its head, taken off the order.
    private mutating func oldestWaiting() -> ID? {
        while orderStart < order.count {
            let id = order[orderStart]
            orderStart += 1
            if waiting.contains(id) { return id }
        }
        return nil
    }

    /// Drops IDs no longer waiting from the order once they are most of it (amortised O(1)).
    private mutating func prune() {
        guard order.count - orderStart > 2 * waiting.count + 64 else { return }
        order = order[orderStart...].filter { waiting.contains($0) }
        orderStart = 0
    }
}
