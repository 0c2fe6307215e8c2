import Foundation

/// How a listing reads a long list in flat memory: a page of rows at a time, each page in its own
/// short read of the store (so no read holds the database for the whole list), each page handed
/// on before the next is read. Every listing of the CLI and the API pages through this.
public struct ListingPager: Sendable {
    /// Rows per read of the store: big enough that a round trip is cheap beside the page, small
    /// enough that a page is a few hundred kilobytes.
    public static let defaultPageSize = 1000

    /// Rows per read.
    public var pageSize: Int
    /// At most this many rows in all (nil: to the end of the listing).
    public var limit: Int?

    /// A pager of `limit` rows (all when nil), `pageSize` a read.
    public init(limit: Int?, pageSize: Int = ListingPager.defaultPageSize) {
        self.limit = limit
        self.pageSize = max(1, pageSize)
    }

    /// Reads pages after `start` (`read(after, count)` gives up to `count` rows in the listing's
    /// order after the row with key `after`, from the start when nil), handing each non-empty
    /// page to `write` as soon as it is read, until the listing ends or ``limit`` rows were
    /// written. Each read asks for one row more than it hands on, to know whether the listing goes
    /// on. Returns the key of the last row written when rows remain after it, nil when the
    /// listing ended: with `limit`, that key as `start` gives exactly the next rows.
    public func run<Row, Key>(
        after start: Key?, read: (Key?, Int) async throws -> [Row], key: (Row) -> Key, write: ([Row]) throws -> Void
    ) async throws -> Key? {
        var after = start
        var remaining = limit
        while true {
            let wanted = min(pageSize, remaining ?? pageSize)
            let rows = try await read(after, wanted + 1)
            let page = Array(rows.prefix(wanted))
            if !page.isEmpty { try write(page) }
            guard rows.count > wanted, let last = page.last else { return nil }
            after = key(last)
            if let left = remaining {
                remaining = left - page.count
                if remaining == 0 { return after }
            }
        }
    }
}
