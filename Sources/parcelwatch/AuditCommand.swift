import ArgumentParser
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore

/// `parcelwatch audit`: who did what, when, newest first.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "The audit log: imports, sweeps, incidents opened, staff actions and escalations, newest first.",
        discussion: """
            Entries are written as they are read, a page at a time. With --limit, `next: CURSOR` on standard error means more
            remain: pass it as --after to get exactly the next (older) ones.
              parcelwatch audit --json --limit 5000 2>next.txt
            """)
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Only entries about this incident.") var incident: Int64?
    @Option(help: "At most this many entries (then `next: CURSOR` on standard error when more remain).") var limit = 50
    @Option(help: Paging.afterHelp) var after: String?

    func run() async throws {
        let limit = try Paging.limit(self.limit)
        let cursor = try Paging.cursor(after, for: .audit)
        let start: Int64? = if case .audit(let id)? = cursor { id } else { nil }
        let database = try await store.openStore(.readOnly)
        let subject = incident.map { "incident:\($0)" }
        var json = try output.json ? JSONArrayStream() : nil
        var table = Terminal.TableStream(["TIME (UTC)", "ACTOR", "ACTION", "SUBJECT", "DETAIL"])
        let next = try await Paging.run(
            limit: limit, after: start,
            read: { (after: Int64?, size: Int) -> [(id: Int64, entry: AuditEntry)] in
                let entries: [AuditEntry]
                do throws(StoreError) { entries = try await database.read { tx in try tx.console.auditLog(limit: size, subject: subject, after: after) } } catch
                {
                    throw fail(.store(error))
                }
                return try entries.map { entry in
                    guard let id = entry.id else { throw fail(.store(.failed(operation: "reading the audit log", detail: "an entry came without its id"))) }
                    return (id: id, entry: entry)
                }
            },
            key: { (row: (id: Int64, entry: AuditEntry)) in row.id },
            write: { page in
                let entries = page.map { $0.entry }
                if var stream = json {
                    Paging.emit(try stream.next(entries))
                    json = stream
                    return
                }
                Paging.emit(line: table.next(entries.map { [When.short($0.at), $0.actor, $0.action, $0.subject, $0.detail] }))
            })
        if let json {
            Paging.emit(json.end())
        } else if !table.started {
            Paging.emit(line: table.next([]))
        }
        Paging.announce(next.map { ListingCursor.audit(after: $0) })
    }
}
