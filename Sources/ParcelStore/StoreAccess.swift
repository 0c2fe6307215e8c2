/// How a command opens the store: to change it, or only to look.
public enum StoreAccess: Sendable, Equatable {
    /// Reads and writes; the schema is brought up to date (migrated) on open, and a missing
    /// SQLite file is created.
    case readWrite
    /// Reads only: the database must exist and already have exactly this binary's schema (it is
    /// never migrated or created), SQLite opens the file read-only, and every write is refused
    /// with ``StoreError/readOnly(location:operation:)``. A file or directory the user may only
    /// read (a copy, a backup, another user's store) can be looked at this way.
    case readOnly
}
