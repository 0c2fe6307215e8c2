/// How many connections `parcelwatch serve` holds open at once, and how long a connection may
/// keep it waiting: what stops clients that connect and send nothing (or half a request) from
/// using up the server's file descriptors.
public struct ConnectionLimits: Sendable, Equatable {
    /// The time a new connection has to deliver its first complete request head (request line
    /// and headers); then it is closed.
    public var headerTimeout: Duration = .seconds(10)
    /// The time a connection may go without a request in flight (between keep-alive requests,
    /// or with a request head or body stalled halfway) before it is closed.
    public var idleTimeout: Duration = .seconds(30)
    /// The connections one client address may hold at once; a further one is closed at once.
    public var perClient = 16
    /// The connections the server holds at once, from all clients; a further one is closed at
    /// once. `nil`: the descriptor limit less ``DescriptorBudget/reserve``.
    public var total: Int?

    /// The defaults: 10 s for the head, 30 s idle, 16 per client, the total the descriptor limit allows.
    public init() {}
}
