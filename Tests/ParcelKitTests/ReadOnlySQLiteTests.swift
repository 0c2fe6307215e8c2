import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

/// `StoreAccess.readOnly` on a real SQLite file: it reads what a writer stored, refuses every
/// write with an error that says so, never creates a missing file and never migrates another
/// schema. (Whether the operating system lets a user write the file is the binary-level
/// `ReadOnlyStoreTests`' part: it runs the commands as a user who may not.)
@Suite struct ReadOnlySQLiteTests {
    /// A closed store at a fresh path holding one order with one parcel.
    static func written() async throws -> String {
        let path = try temporaryDirectory("read-only-store") + "/p.sqlite"
        let store = try await Store.sqlite(path: path)
        _ = try await store.write {
            try $0.shipments.importRows(
                [ImportRow(line: 2, order: order("RO-1"), carrier: "seur", trackingNumber: "RO1")], dryRun: false, actor: "t", at: fixtureNow)
        }
        return path
    }

    @Test func readsWhatAWriterStoredAndRefusesWrites() async throws {
        let path = try await Self.written()
        let store = try await Store.sqlite(path: path, access: .readOnly)
        #expect(try await store.read { try $0.shipments.shipments(ShipmentFilter()) }.map(\.trackingNumber) == ["RO1"])
        #expect(try await store.read { try $0.shipments.order(id: "RO-1") }?.customerName == "Anna Nowak")
        let row = ImportRow(line: 2, order: order("RO-2"), carrier: "seur", trackingNumber: "RO2")
        await #expect(throws: StoreError.readOnly(location: "sqlite:\(path)", operation: "importing orders")) {
            _ = try await store.write { try $0.shipments.importRows([row], dryRun: false, actor: "t", at: fixtureNow) }
        }
        do {
            try await store.write { try $0.console.audit(AuditEntry(at: fixtureNow, actor: "t", action: "x", subject: "y", detail: "")) }
            Issue.record("a write through a read-only store succeeded")
        } catch {
            #expect(error.description.contains("opened read-only") && error.description.contains(path), "\(error)")
        }
        // Nothing was written: a writer sees only the first order.
        #expect(try await Store.sqlite(path: path).read { try $0.shipments.order(id: "RO-2") } == nil)
    }

    @Test func aMissingFileIsNotCreated() async throws {
        let path = try temporaryDirectory("read-only-store") + "/absent.sqlite"
        await #expect {
            _ = try await Store.sqlite(path: path, access: .readOnly)
        } throws: { error in
            "\(error)".contains(path) && "\(error)".contains("does not exist")
        }
        await #expect(throws: StoreError.self) { _ = try await StoreLocation.open(path, access: .readOnly) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func anOlderOrNewerSchemaIsNamedNotMigrated() async throws {
        let path = try await Self.written()
        let writer = try await Store.sqlite(path: path)
        // The newest two steps this binary knows, as it applied them.
        let steps = try await writer.unchecked { db in try db.scalars(String.self, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid") }
        try #require(steps.count >= 2)
        let (previous, newest) = (steps[steps.count - 2], steps[steps.count - 1])
        // Older: the newest step is not applied yet.
        try await writer.unchecked { db in try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = ?", arguments: [newest]) }
        await #expect {
            _ = try await Store.sqlite(path: path, access: .readOnly)
        } throws: { error in
            guard case .schemaVersion(let location, let found, let expected) = error as? StoreError else { return false }
            return location == path && found.hasPrefix("\(previous), older") && expected == newest && "\(error)".contains("never migrates")
        }
        let applied = try await writer.unchecked { db in
            try db.fetchAll(sql: "SELECT identifier FROM grdb_migrations WHERE identifier = ?", arguments: [newest]).count
        }
        #expect(applied == 0, "the read-only open migrated the file")
        // Newer: a step this binary does not know.
        try await writer.unchecked { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES (?), ('v99-from-the-future')", arguments: [newest])
        }
        await #expect {
            _ = try await Store.sqlite(path: path, access: .readOnly)
        } throws: { error in
            guard case .schemaVersion(_, let found, let expected) = error as? StoreError else { return false }
            return found.hasPrefix("v99-from-the-future, newer") && expected == newest
        }
    }
}
