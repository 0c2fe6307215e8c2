import ArgumentParser
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore

/// `parcelwatch customer export|erase EMAIL`: a customer's data rights, staff only, audited.
struct CustomerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "customer",
        abstract: "Export everything held about a customer, or erase their personal data (staff only, audited).",
        subcommands: [Export.self, Erase.self])

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Everything held about the customer with EMAIL, as JSON.",
            discussion: """
                Orders are listed by id and written as they are read, a page at a time, so a customer with any number of orders
                is exported in little memory. With --limit, `next: CURSOR` on standard error means more orders remain: pass it
                as --after to get exactly the next ones (each run is one JSON document and one audit entry).
                """)
        @OptionGroup var store: StoreOptions
        @OptionGroup var staff: StaffOptions
        @Argument(help: "The customer's e-mail address.") var email: String
        @Option(help: "At most this many orders (then `next: CURSOR` on standard error when more remain).") var limit: Int?
        @Option(help: Paging.afterHelp) var after: String?

        func run() async throws {
            let limit = try Paging.limit(self.limit)
            let cursor = try Paging.cursor(after, for: .orders)
            let start: String? = if case .orders(let id)? = cursor { id } else { nil }
            let (database, now) = try await openForStaff(store, staff)
            let email = self.email
            var json = try CustomerExport.stream(email: email)
            let next = try await Paging.run(
                limit: limit, after: start,
                read: { (after: String?, size: Int) -> [CustomerExport.OrderRecord] in
                    do throws(StoreError) {
                        return try await database.read { try $0.customers.customerData(email: email, after: after, limit: size) }.orders
                    } catch {
                        throw fail(.store(error))
                    }
                },
                key: \CustomerExport.OrderRecord.order.id,
                write: { orders in
                    Paging.emit(try json.next(orders))
                })
            do {
                try await database.write { [count = json.count] in
                    try $0.console.audit(
                        AuditEntry(at: now, actor: staff.actor, action: "customer.export", subject: "customer", detail: "\(count) order(s) exported"))
                }
            } catch {
                throw fail(.store(error))
            }
            // No order at all is an error; none left after a cursor is the end of the export.
            guard json.count > 0 || start != nil else { throw noOrders(email) }
            Paging.emit(json.end())
            Paging.announce(next.map { ListingCursor.orders(after: $0) })
        }
    }

    struct Erase: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "erase",
            abstract: "Replace the customer's name, e-mail, phone, postcode and notice texts; orders, parcels and figures stay.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var staff: StaffOptions
        @Argument(help: "The customer's e-mail address.") var email: String

        func run() async throws {
            let (database, now) = try await openForStaff(store, staff)
            let count: Int
            do { count = try await database.write { try $0.customers.eraseCustomer(email: email, actor: staff.actor, at: now) } } catch {
                throw fail(.store(error))
            }
            guard count > 0 else { throw noOrders(email) }
            print("personal data erased from \(count) order(s)")
        }
    }
}

/// `parcelwatch purge --older-than 18mo`.
struct PurgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Delete closed orders (all parcels delivered/returned, no open case) with no activity for a while (staff only, audited).")
    @OptionGroup var store: StoreOptions
    @OptionGroup var staff: StaffOptions
    @Option(name: .customLong("older-than"), help: "Age: 18mo, 2y, 90d.") var olderThan: String

    func validate() throws {
        guard Self.seconds(olderThan) != nil else { throw ValidationError("--older-than '\(olderThan)' is not an age such as 18mo, 2y or 90d") }
    }

    func run() async throws {
        let (database, now) = try await openForStaff(store, staff)
        let count: Int
        do {
            count = try await database.write {
                try $0.customers.purge(before: now.addingTimeInterval(-(Self.seconds(olderThan) ?? 0)), actor: staff.actor, at: now)
            }
        } catch {
            throw fail(.store(error))
        }
        print("purged \(count) closed order(s)")
    }

    /// `18mo` (30-day months), `2y` (365-day years), `90d`.
    static func seconds(_ text: String) -> TimeInterval? {
        let units: [(String, Double)] = [("mo", 30 * 86_400), ("y", 365 * 86_400), ("d", 86_400)]
        for (suffix, size) in units where text.hasSuffix(suffix) {
            let digits = text.dropLast(suffix.count)
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), let value = Double(digits), value > 0,
                value < 1000
            else { return nil }
            return value * size
        }
        return nil
    }
}

/// The database and the clock for a staff-only command, after checking the actor is staff.
func openForStaff(_ store: StoreOptions, _ staff: StaffOptions) async throws -> (database: Store, now: Date) {
    let now = try store.clock().now
    let database = try await store.openStore(.readWrite)
    let members: [StaffMember]
    do { members = try await database.read { try $0.console.staff() } } catch { throw fail(.store(error)) }
    guard members.contains(where: { $0.name == staff.actor }) else {
        throw fail(.store(.rejected("\(staff.actor) is not a member of staff (see `parcelwatch staff list`); nothing was changed")))
    }
    return (database, now)
}

/// "No orders with this e-mail", exit 1.
private func noOrders(_ email: String) -> ExitCode {
    FileHandle.standardError.write(Data("no orders with the e-mail \(email)\n".utf8))
    return ExitCode(1)
}
