import Synchronization

/// Raw carrier texts already mapped to a canonical status, shared by every task parsing answers
/// with one carrier source. Bounded: past ``capacity`` distinct texts (a carrier putting
/// parcel-specific words into its statuses) it starts again rather than grow without end.
final class StatusMemo: Sendable {
    /// Most distinct (code, text) pairs kept.
    static let capacity = 4096

    private let entries = Mutex<[String: (TrackingStatus, ExceptionReason?)]>([:])

    /// The mapping remembered for `key`; setting one beyond ``capacity`` forgets the others first.
    subscript(key: String) -> (TrackingStatus, ExceptionReason?)? {
        get { entries.withLock { $0[key] } }
        set {
            entries.withLock { entries in
                if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
                entries[key] = newValue
            }
        }
    }
}
