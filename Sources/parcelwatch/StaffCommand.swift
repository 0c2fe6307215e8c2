import ArgumentParser
import Foundation
import ParcelCore
import ParcelOps
import ParcelServer
import ParcelStore

/// `parcelwatch staff add|list`: the people who may act on incidents.
struct StaffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staff",
        abstract: "The staff table: only its members may act on incidents; new cases go round-robin to them.",
        subcommands: [Add.self, List.self, Passwd.self], defaultSubcommand: List.self)

    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "passwd",
            abstract: "Set a member's staff console password (bcrypt-hashed; lifts a lockout).",
            discussion: """
                On a terminal the password is asked twice without echo; otherwise the first line of standard input is read,
                so it never appears in the process list or the shell history:
                  parcelwatch staff passwd anna --as anna
                  printf '%s\\n' "$PASSWORD" | parcelwatch staff passwd marek --as anna
                """)
        @OptionGroup var store: StoreOptions
        @OptionGroup var staff: StaffOptions
        @Argument(help: "The member whose password is set.") var name: String

        func run() async throws {
            guard let password = PasswordPrompt.read() else { throw ValidationError("no password given (or the two entries differ)") }
            if let problem = StaffPassword.problem(password) { throw ValidationError(problem) }
            let now = try store.clock().now
            let database = try await store.openStore(.readWrite)
            do {
                try await database.write {
                    try $0.console.setStaffPassword(name: name, passwordHash: StaffPassword.hash(password), actor: staff.actor, at: now)
                }
            } catch { throw fail(.store(error)) }
            print("console password of \(name) set")
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add a staff member (the first one by anyone; later ones by a member, --as).")
        @OptionGroup var store: StoreOptions
        @OptionGroup var staff: StaffOptions
        @Argument(help: "Login-style name (a-z, 0-9, . _ -).") var name: String
        @Option(name: .customLong("display-name"), help: "How the name is shown, e.g. \"Anna Nowak\".") var displayName: String?
        @Option(help: "Where escalations of this member's cases are sent.") var email: String?

        func validate() throws {
            guard !name.isEmpty, name.count <= 32, name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || "._-".contains($0)) }) else {
                throw ValidationError("'\(name)' is not a staff name: use up to 32 of a-z, 0-9, '.', '_', '-'")
            }
        }

        func run() async throws {
            let now = try store.clock().now
            let database = try await store.openStore(.readWrite)
            do {
                let members = try await database.read { try $0.console.staff() }
                if !members.isEmpty, !members.contains(where: { $0.name == staff.actor }) {
                    throw StoreError.rejected("\(staff.actor) is not a member of staff; only members add members (pass --as NAME)")
                }
                try await database.write {
                    try $0.console.addStaff(StaffMember(name: name, displayName: displayName ?? name, email: email), actor: staff.actor, at: now)
                }
                print("staff member \(name) added")
            } catch let error as StoreError {
                throw fail(.store(error))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Active staff members.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let database = try await store.openStore(.readOnly)
            let members: [StaffMember]
            do { members = try await database.read { try $0.console.staff() } } catch { throw fail(.store(error)) }
            if output.json { return try printJSON(members) }
            if members.isEmpty { print("no staff yet: parcelwatch staff add NAME --display-name \"Full Name\""); return }
            print(Terminal.table(["NAME", "DISPLAY NAME", "E-MAIL"], members.map { [$0.name, $0.displayName, $0.email ?? ""] }))
        }
    }
}
