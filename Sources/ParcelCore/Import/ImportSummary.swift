/// What an import did, printed by `parcelwatch import` (`--json` gives exactly this shape plus
/// `dryRun`).
public struct ImportSummary: Sendable, Equatable, Codable {
    /// One rejected row.
    public struct Rejection: Error, Sendable, Equatable, Codable {
        /// The 1-based line (JSON: element index).
        public var line: Int
        /// Why, in words the shop can act on.
        public var reason: String

        /// Creates a rejection.
        public init(line: Int, reason: String) {
            self.line = line
            self.reason = reason
        }
    }

    /// Something said about a row that was imported: what was read differently from how it was
    /// written (a postcode of `-` stored as no postcode).
    public struct Note: Sendable, Equatable, Codable {
        /// The 1-based line (JSON: element index).
        public var line: Int
        /// What was done, in words the shop can act on.
        public var note: String

        /// Creates a note.
        public init(line: Int, note: String) {
            self.line = line
            self.note = note
        }
    }

    /// Rows that added or changed something.
    public var imported: Int
    /// Rows already stored exactly so.
    public var unchanged: Int
    /// Rows not imported, by line.
    public var rejected: [Rejection]
    /// Notes on imported rows, by line.
    public var notes: [Note]
    /// True when nothing was written.
    public var dryRun: Bool

    /// Creates a summary.
    public init(imported: Int, unchanged: Int, rejected: [Rejection], notes: [Note] = [], dryRun: Bool) {
        self.imported = imported
        self.unchanged = unchanged
        self.rejected = rejected
        self.notes = notes
        self.dryRun = dryRun
    }
}
