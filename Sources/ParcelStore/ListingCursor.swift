import Foundation

/// Where a listing goes on: the key of the last row one page gave, as text a script passes back
/// (`parcelwatch shipments --after CURSOR`, `GET /api/shipments?after=CURSOR`). Every listing is
/// read in the order of a key no two rows share, so the rows after a cursor are exactly those a
/// longer read would have given next, whatever page size each read used.
///
/// The text is `LISTING:KEY` (`shipments:1042`), meant to be passed back unchanged: it names its
/// listing so a cursor of one is refused by another instead of silently skipping rows.
public enum ListingCursor: Sendable, Equatable, CustomStringConvertible {
    /// Shipments, by id.
    case shipments(after: Int64)
    /// Every case (`incidents --all`), by id.
    case incidents(after: Int64)
    /// The open queue, by next deadline, then priority (highest first), then id.
    case queue(after: IncidentPosition)
    /// Notices, newest (highest id) first.
    case notices(after: Int64)
    /// The audit log, newest (highest id) first.
    case audit(after: Int64)
    /// One customer's orders (`customer export`), by order id.
    case orders(after: String)

    /// Which listing a cursor continues, as `parcelwatch` names it in its messages.
    public enum Listing: String, Sendable, CaseIterable {
        case shipments, incidents, queue, notices, audit, orders
    }

    /// The listing this cursor continues.
    public var listing: Listing {
        switch self {
        case .shipments: .shipments
        case .incidents: .incidents
        case .queue: .queue
        case .notices: .notices
        case .audit: .audit
        case .orders: .orders
        }
    }

    /// `LISTING:KEY`: an order id as hex of its UTF-8 bytes (it may hold any character), the queue's
    /// key as `DEADLINE,PRIORITY,ID` with the deadline's exact seconds since 1970.
    public var description: String {
        switch self {
        case .shipments(let id), .incidents(let id), .notices(let id), .audit(let id):
            return "\(listing.rawValue):\(id)"
        case .queue(let position):
            return "queue:\(position.deadline),\(position.priority),\(position.id)"
        case .orders(let id):
            return "orders:" + id.utf8.map { String(format: "%02x", $0) }.joined()
        }
    }

    /// Reads a cursor a listing printed, for the listing `expected`.
    /// - Throws: ``Malformed`` when `text` is not one, or continues another listing.
    public init(_ text: String, for expected: Listing) throws(Malformed) {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let listing = Listing(rawValue: String(parts[0])) else {
            throw Malformed(text: text, expected: expected, reason: "it is not a cursor a listing printed")
        }
        guard listing == expected else {
            throw Malformed(text: text, expected: expected, reason: "it continues the \(listing.rawValue) listing")
        }
        let key = String(parts[1])
        switch listing {
        case .shipments, .incidents, .notices, .audit:
            guard let id = Int64(key), id >= 0 else { throw Malformed(text: text, expected: expected, reason: "its key is not a row id") }
            self =
                switch listing {
                case .shipments: .shipments(after: id)
                case .incidents: .incidents(after: id)
                case .notices: .notices(after: id)
                default: .audit(after: id)
                }
        case .queue:
            let fields = key.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == 3, let deadline = Double(fields[0]), deadline.isFinite, let priority = Int(fields[1]), let id = Int64(fields[2])
            else { throw Malformed(text: text, expected: expected, reason: "its key is not a deadline, a priority and a case id") }
            self = .queue(after: IncidentPosition(deadline: deadline, priority: priority, id: id))
        case .orders:
            var bytes: [UInt8] = []
            var index = key.startIndex
            while index < key.endIndex {
                let next = key.index(index, offsetBy: 2, limitedBy: key.endIndex) ?? key.endIndex
                guard let byte = UInt8(key[index..<next], radix: 16), key.distance(from: index, to: next) == 2 else {
                    throw Malformed(text: text, expected: expected, reason: "its key is not an order id in hex")
                }
                bytes.append(byte)
                index = next
            }
            guard !bytes.isEmpty, let id = String(bytes: bytes, encoding: .utf8) else {
                throw Malformed(text: text, expected: expected, reason: "its key is not an order id in hex")
            }
            self = .orders(after: id)
        }
    }

    /// A `--after` (or `after=`) value that is not a cursor of the listing it was given to.
    public struct Malformed: Error, Sendable, Equatable, CustomStringConvertible {
        /// What was given.
        public var text: String
        /// The listing it was given to.
        public var expected: Listing
        /// What is wrong with it.
        public var reason: String

        /// A sentence saying what to pass instead.
        public var description: String {
            "'\(text)' is not a cursor of the \(expected.rawValue) listing (\(reason)): pass the `next` value an earlier run of the same listing printed"
        }
    }
}

/// A case's place in the open queue: its next deadline (seconds since 1970, exactly as the store
/// computes it), its priority (higher first) and its id, which breaks ties.
public struct IncidentPosition: Sendable, Equatable {
    /// ``ParcelCore/Incident/nextDeadline`` in seconds since 1970.
    public var deadline: Double
    /// The case's priority.
    public var priority: Int
    /// The case's id.
    public var id: Int64

    /// Creates a position.
    public init(deadline: Double, priority: Int, id: Int64) {
        self.deadline = deadline
        self.priority = priority
        self.id = id
    }
}
