import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

extension SQLiteBackend {
    /// Opens the existing database at `path` read-only (SQLite's `SQLITE_OPEN_READONLY`), checks
    /// its schema is exactly this binary's, and never migrates or creates anything.
    ///
    /// A WAL database opened read-only needs its `-shm` file: SQLite creates it when the directory
    /// is writable, or uses it when it exists. In a read-only directory without one (the usual
    /// state after a writer closed cleanly, which deletes both `-wal` and `-shm`), SQLite refuses
    /// with `SQLITE_READONLY` or `SQLITE_CANTOPEN`. When the `-wal` file is then missing or empty,
    /// every committed change is in the main file, so it is opened `immutable` instead; a `-wal`
    /// that holds changes cannot be read without `-shm`, and the error says what to do.
    static func openReadOnly(path: String) throws(StoreError) -> DatabasePool {
        guard FileManager.default.fileExists(atPath: path) else {
            throw .cannotOpen(
                location: path, detail: "the file does not exist, and a read-only command never creates one (`parcelwatch import` makes a store)")
        }
        do {
            return try checkedPool(path: path)
        } catch let error as StoreError {
            throw error
        } catch {
            guard needsSharedMemory(error, path: path) else { throw .cannotOpen(location: path, detail: describe(error)) }
        }
        let directory = directoryOf(path)
        if let size = fileSize(path + "-wal"), size > 0 {
            throw .cannotOpen(
                location: path,
                detail: "it is a WAL database whose \(path)-wal holds changes not yet in the main file, and there is no \(path)-shm, "
                    + "which SQLite needs to read them but cannot create in the read-only directory \(directory): make \(directory) "
                    + "writable for this user, or let its owner run a writing command (such as `parcelwatch sweep`) once to fold the WAL in")
        }
        do {
            return try checkedPool(path: immutableURI(path))
        } catch let error as StoreError {
            throw error
        } catch {
            throw .cannotOpen(
                location: path,
                detail: "\(describe(error)) (it is a WAL database in the read-only directory \(directory) without a \(path)-shm file, "
                    + "and opening it as immutable failed too)")
        }
    }

    /// A read-only pool on `path` (a file or an SQLite `file:` URI) whose schema was checked.
    private static func checkedPool(path: String) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        let pool = try DatabasePool(path: path, configuration: configuration)
        let migrator = SQLiteSchema.migrator
        let applied = try pool.read { db in try migrator.appliedIdentifiers(db) }
        if let mismatch = SchemaVersion.mismatch(applied: applied, known: migrator.migrations) {
            throw StoreError.schemaVersion(location: path, found: mismatch.found, expected: mismatch.expected)
        }
        return pool
    }

    /// True when `error` is SQLite refusing a read-only WAL open because it cannot create the
    /// `-shm` file: no `-shm` exists and the directory is not writable.
    private static func needsSharedMemory(_ error: any Error, path: String) -> Bool {
        guard let database = error as? DatabaseError,
            [.SQLITE_READONLY, .SQLITE_CANTOPEN].contains(database.resultCode.primaryResultCode)
        else { return false }
        return !FileManager.default.fileExists(atPath: path + "-shm") && access(directoryOf(path), W_OK) != 0
    }

    private static func directoryOf(_ path: String) -> String {
        let directory = (path as NSString).deletingLastPathComponent
        return directory.isEmpty ? "." : directory
    }

    private static func fileSize(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue
    }

    /// `file:PATH?immutable=1`, the path absolute and its `%`, `?` and `#` escaped.
    private static func immutableURI(_ path: String) -> String {
        var absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        for (character, escape) in [("%", "%25"), ("?", "%3f"), ("#", "%23")] {
            absolute = absolute.replacingOccurrences(of: character, with: escape)
        }
        return "file:\(absolute)?immutable=1"
    }
}
