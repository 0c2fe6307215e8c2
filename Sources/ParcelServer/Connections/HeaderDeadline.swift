/// When a connection that has not delivered a complete request head is closed: armed as the
/// connection opens, disarmed by the first head. Time is passed in, so it is tested without
/// waiting.
struct HeaderDeadline: Sendable, Equatable {
    /// The time allowed for the head.
    let timeout: Duration
    /// The instant the connection is closed unless a head arrived; `nil` before it opens and after the head.
    private(set) var deadline: ContinuousClock.Instant?
    /// Whether the head already came.
    private(set) var headArrived = false

    /// A deadline `timeout` after the connection opens.
    init(timeout: Duration) {
        self.timeout = timeout
    }

    /// The connection opened at `now`: arms the deadline (once) and returns it.
    mutating func opened(at now: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        guard deadline == nil, !headArrived else { return nil }
        let due = now + timeout
        deadline = due
        return due
    }

    /// The request head is complete: the deadline no longer applies.
    mutating func head() {
        headArrived = true
        deadline = nil
    }

    /// Whether the connection is to be closed at `now`.
    func expired(at now: ContinuousClock.Instant) -> Bool {
        guard let deadline else { return false }
        return now >= deadline
    }
}
