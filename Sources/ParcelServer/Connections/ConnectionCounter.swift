/// The open connections per client address, held against a cap per address and a cap in
/// total: the bookkeeping of ``ConnectionGate``, without locks or I/O.
struct ConnectionCounter: Sendable, Equatable {
    /// What happens to a new connection.
    enum Admission: Sendable, Equatable {
        /// It is counted and served.
        case admitted
        /// Its address already holds ``ConnectionCounter/perClient`` connections.
        case refusedClient
        /// The server already holds ``ConnectionCounter/total`` connections.
        case refusedTotal
    }

    /// The connections one address may hold at once.
    let perClient: Int
    /// The connections all addresses may hold at once.
    let total: Int
    /// The connections counted now.
    private(set) var open = 0
    private var byClient: [String: Int] = [:]

    /// A counter with no connections.
    init(perClient: Int, total: Int) {
        self.perClient = perClient
        self.total = total
    }

    /// The connections `client` holds now.
    func count(_ client: String) -> Int { byClient[client, default: 0] }

    /// The number of addresses holding connections now.
    var clients: Int { byClient.count }

    /// Counts a new connection from `client` when both caps allow it.
    mutating func admit(_ client: String) -> Admission {
        let held = count(client)
        guard held < perClient else { return .refusedClient }
        guard open < total else { return .refusedTotal }
        byClient[client] = held + 1
        open += 1
        return .admitted
    }

    /// Forgets one admitted connection of `client` (it closed).
    mutating func release(_ client: String) {
        guard let held = byClient[client] else { return }
        byClient[client] = held > 1 ? held - 1 : nil
        open -= 1
    }
}
