import ArgumentParser
import Curl
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore

/// `parcelwatch notices [--pending|--failed|--sent]` and `parcelwatch notices deliver`.
struct NoticesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notices",
        abstract: "The customer notice outbox: list it, or deliver what is due (sweeps deliver too).",
        discussion: """
            Notices are written with the change that caused them (a new customer-facing incident) in the order's language and
            held until the shop's quiet hours end. Delivery is configured under `notices:` in parcelwatch.yaml (files, smtp,
            webhook); a failed delivery is retried with backoff and never sent twice once accepted.
            """,
        subcommands: [List.self, Deliver.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List notices (default: pending), newest first.",
            discussion: """
                Notices are written as they are read, a page at a time. With --limit, `next: CURSOR` on standard error means
                more remain: pass it as --after to get exactly the next (older) ones.
                """)
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Flag(help: "Which notices.") var state: NoticeState = .pending
        @Option(help: "At most this many (then `next: CURSOR` on standard error when more remain).") var limit = 100
        @Option(help: Paging.afterHelp) var after: String?

        func run() async throws {
            let limit = try Paging.limit(self.limit)
            let cursor = try Paging.cursor(after, for: .notices)
            let start: Int64? = if case .notices(let id)? = cursor { id } else { nil }
            let database = try await store.openStore(.readOnly)
            let state = self.state
            var json = try output.json ? JSONArrayStream() : nil
            var table = Terminal.TableStream(["ID", "TO", "LANG", "TEMPLATE", "DUE", "SENT", "TRIES", "SUBJECT"])
            var count = 0
            let next = try await Paging.run(
                limit: limit, after: start,
                read: { (after: Int64?, size: Int) -> [OutboxNotice] in
                    do throws(StoreError) { return try await database.read { try $0.outbox.notices(state, limit: size, after: after) } } catch {
                        throw fail(.store(error))
                    }
                },
                key: \OutboxNotice.id,
                write: { notices in
                    count += notices.count
                    if var stream = json {
                        Paging.emit(try stream.next(notices))
                        json = stream
                        return
                    }
                    Paging.emit(
                        line: table.next(
                            notices.map {
                                [
                                    String($0.id), $0.recipient, $0.language, $0.template, When.short($0.dueAt), When.short($0.sentAt), String($0.attempts),
                                    $0.lastError.map { Terminal.paint(String($0.prefix(40)), "31") } ?? $0.subject,
                                ]
                            }))
                })
            if let json {
                Paging.emit(json.end())
            } else if count == 0 {
                Paging.emit(line: "no \(state.rawValue) notices")
            }
            Paging.announce(next.map { ListingCursor.notices(after: $0) })
        }
    }

    struct Deliver: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "deliver", abstract: "Deliver every notice that is due now.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let config = try store.shopConfig()
            let now = try store.clock().now
            let database = try await store.openStore(.readWrite)
            let client: HTTPClient
            client = try makeHTTPClient()
            let services: ParcelServices
            do { services = try ParcelServices(store: database, config: config, registry: nil) } catch {
                throw ValidationError(error.description)
            }
            let summary: NoticeDeliverer.Summary
            do { summary = try await services.deliverer(defaultDirectory: store.defaultOutbox, client: client).deliver(now: now) } catch {
                throw fail(.store(error))
            }
            if output.json { return try printJSON(summary) }
            print("notices: sent \(summary.sent), failed \(summary.failed)")
            for error in summary.errors { FileHandle.standardError.write(Data("  \(error)\n".utf8)) }
        }
    }
}

extension NoticeState: EnumerableFlag {}
