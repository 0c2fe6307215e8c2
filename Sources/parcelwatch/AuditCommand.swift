import ArgumentParser
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore

/// `parcelwatch audit`: who did what, when, newest first.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "The audit log: imports, sweeps, incidents opened, staff actions and escalations, newest first.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Only entries about this incident.") var incident: Int64?
    @Option(help: "At most this many entries.") var limit = 50

    func run() async throws {
        let database = try await store.openStore(.readOnly)
        let entries: [AuditEntry]
        do { entries = try await database.read { tx in try tx.console.auditLog(limit: max(1, limit), subject: incident.map { "incident:\($0)" }) } } catch {
            throw fail(.store(error))
        }
        if output.json { return try printJSON(entries) }
        print(
            Terminal.table(
                ["TIME (UTC)", "ACTOR", "ACTION", "SUBJECT", "DETAIL"],
                entries.map {
                    [When.short($0.at), $0.actor, $0.action, $0.subject, $0.detail]
                }))
    }
}
