import ArgumentParser
import Foundation
import ParcelKit

/// `parcelwatch customer export|erase EMAIL`: a customer's data rights, staff only, audited.
struct CustomerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "customer",
        abstract: "Export everything held about a customer, or erase their personal data (staff only, audited).",
        subcommands: [Export.self, Erase.self])

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Everything held about the customer with EMAIL, as JSON.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var staff: StaffOptions
        @Argument(help: "The customer's e-mail address.") var email: String

        func run() async throws {
            let now = try store.clock().now
            let database = try store.openStore()
            let export: CustomerExport
            do {
                try await requireStaff(database, staff.actor)
                export = try await database.customerData(email: email)
                try await database.audit(AuditEntry(at: now, actor: staff.actor, action: "customer.export", subject: "customer",
                                                    detail: "\(export.orders.count) order(s) exported"))
            } catch {
                throw fail(.store(error))
            }
            guard !export.orders.isEmpty else {
                FileHandle.standardError.write(Data("no orders with the e-mail \(email)\n".utf8))
                throw ExitCode(1)
            }
            try printJSON(export)
        }
    }

    struct Erase: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace the customer's name, e-mail, phone, postcode and notice texts; orders, parcels and figures stay.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var staff: StaffOptions
        @Argument(help: "The customer's e-mail address.") var email: String

        func run() async throws {
            let now = try store.clock().now
            let database = try store.openStore()
            let count: Int
            do {
                try await requireStaff(database, staff.actor)
                count = try await database.eraseCustomer(email: email, actor: staff.actor, at: now)
            } catch {
                throw fail(.store(error))
            }
            guard count > 0 else {
                FileHandle.standardError.write(Data("no orders with the e-mail \(email)\n".utf8))
                throw ExitCode(1)
            }
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
        let now = try store.clock().now
        let database = try store.openStore()
        do {
            try await requireStaff(database, staff.actor)
            let count = try await database.purge(before: now.addingTimeInterval(-(Self.seconds(olderThan) ?? 0)), actor: staff.actor, at: now)
            print("purged \(count) closed order(s)")
        } catch {
            throw fail(.store(error))
        }
    }

    /// `18mo` (30-day months), `2y` (365-day years), `90d`.
    static func seconds(_ text: String) -> TimeInterval? {
        let units: [(String, Double)] = [("mo", 30 * 86_400), ("y", 365 * 86_400), ("d", 86_400)]
        for (suffix, size) in units where text.hasSuffix(suffix) {
            guard let value = Double(text.dropLast(suffix.count)), value > 0 else { return nil }
            return value * size
        }
        return nil
    }
}

/// Refuses anyone not in the staff table.
func requireStaff(_ store: any Store, _ actor: String) async throws(StoreError) {
    guard try await store.staff().contains(where: { $0.name == actor }) else {
        throw .rejected("\(actor) is not a member of staff (see `parcelwatch staff list`); nothing was changed")
    }
}
