import ArgumentParser
import Foundation
import ParcelCore
import ParcelStore

/// How every listing (`shipments`, `incidents`, `notices`, `audit`, `customer export`) reads and
/// writes: a page of rows at a time, each page in its own short read of the store, written out
/// (and flushed) before the next is read, so memory stays flat however long the list. `--limit N`
/// stops after N rows; when rows remain past them, `next: CURSOR` goes to standard error (never
/// into the JSON document or the table), and `--after CURSOR` gives exactly the rows after it.
enum Paging {
    /// `--after`'s help, the same on every listing.
    static let afterHelp = ArgumentHelp(
        "Go on after this cursor: the `next: CURSOR` line an earlier run of the same listing printed on standard error (with --limit).",
        valueName: "cursor")

    /// `--limit`'s value checked: at least 1.
    static func limit(_ value: Int?) throws -> Int? {
        guard let value else { return nil }
        guard value >= 1 else { throw ValidationError("--limit \(value) must be at least 1") }
        return value
    }

    /// `--after`'s cursor for `listing`, or a usage error (exit 2) saying what to pass.
    static func cursor(_ text: String?, for listing: ListingCursor.Listing) throws -> ListingCursor? {
        guard let text else { return nil }
        do { return try ListingCursor(text, for: listing) } catch { throw ValidationError("--after \(error.description)") }
    }

    /// Reads the listing a page at a time with ``ParcelStore/ListingPager`` (see there), writing
    /// each page before reading the next; returns the last row's key when more remain.
    static func run<Row, Key>(
        limit: Int?, after start: Key?, read: (Key?, Int) async throws -> [Row], key: (Row) -> Key, write: ([Row]) throws -> Void
    ) async throws -> Key? {
        try await ListingPager(limit: limit).run(after: start, read: read, key: key, write: write)
    }

    /// `next: CURSOR` on standard error, where scripts find it without it breaking the document.
    static func announce(_ next: ListingCursor?) {
        guard let next else { return }
        FileHandle.standardError.write(Data("next: \(next)\n".utf8))
    }

    /// Writes bytes to standard output at once (the page is flushed before the next is read).
    static func emit(_ bytes: Data) {
        FileHandle.standardOutput.write(bytes)
    }

    /// Writes a line of text to standard output.
    static func emit(line: String) {
        emit(Data((line + "\n").utf8))
    }
}
