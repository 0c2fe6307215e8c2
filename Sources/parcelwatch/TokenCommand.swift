import ArgumentParser
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore

/// `parcelwatch token add|list|revoke`: bearer tokens for the shop API of `parcelwatch serve`.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Tokens for the shop API (POST/PUT/DELETE /api/orders of `parcelwatch serve`).",
        discussion: """
            A token's secret is printed once, when it is made, and stored only as its SHA-256: keep it in the shop backend's
            secret store. Staff only (--as NAME or $PARCELWATCH_STAFF); every change is in the audit log.
            Examples:
              parcelwatch token add shop-backend --as anna
              curl -H "Authorization: Bearer $TOKEN" -d @order.json http://127.0.0.1:8080/api/orders
              parcelwatch token revoke shop-backend --as anna
            """,
        subcommands: [Add.self, List.self, Revoke.self], defaultSubcommand: List.self)

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Make a token and print its secret once.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var staff: StaffOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "What the token is for, e.g. shop-backend (a-z, 0-9, . _ -).") var name: String

        func validate() throws {
            guard !name.isEmpty, name.count <= 64, name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || "._-".contains($0)) }) else {
                throw ValidationError("'\(name)' is not a token name: use up to 64 of a-z, 0-9, '.', '_', '-'")
            }
        }

        func run() async throws {
            let now = try store.clock().now
            let database = try await store.openStore(.readWrite)
            let token = APITokenSecret.generate()
            do { try await database.write { try $0.console.addToken(name: name, tokenHash: token.hash, actor: staff.actor, at: now) } } catch {
                throw fail(.store(error))
            }
            if output.json { return try printJSON(["name": name, "token": token.secret]) }
            print("token \(name) (shown once, keep it secret):\n\(token.secret)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Tokens, active and revoked, without their secrets.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let database = try await store.openStore(.readOnly)
            let tokens: [APIToken]
            do { tokens = try await database.read { try $0.console.tokens() } } catch { throw fail(.store(error)) }
            if output.json { return try printJSON(tokens.map(Row.init)) }
            if tokens.isEmpty { print("no tokens yet: parcelwatch token add NAME --as STAFF"); return }
            print(
                Terminal.table(
                    ["NAME", "CREATED", "BY", "LAST USED", "REVOKED"],
                    tokens.map { [$0.name, When.short($0.createdAt), $0.createdBy, When.short($0.lastUsedAt), When.short($0.revokedAt)] }))
        }

        /// A token as `--json` prints it.
        struct Row: Encodable {
            var name: String, createdAt: String, createdBy: String, lastUsedAt: String?, revokedAt: String?
            init(_ token: APIToken) {
                name = token.name
                createdAt = ISOTime.utc(token.createdAt)
                createdBy = token.createdBy
                lastUsedAt = token.lastUsedAt.map(ISOTime.utc)
                revokedAt = token.revokedAt.map(ISOTime.utc)
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke a token: the shop API refuses it from now on.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var staff: StaffOptions
        @Argument(help: "The token's name.") var name: String

        func run() async throws {
            let now = try store.clock().now
            let database = try await store.openStore(.readWrite)
            let revoked: Bool
            do { revoked = try await database.write { try $0.console.revokeToken(name: name, actor: staff.actor, at: now) } } catch {
                throw fail(.store(error))
            }
            guard revoked else {
                FileHandle.standardError.write(Data("error: no active token named \(name) (see `parcelwatch token list`)\n".utf8))
                throw ExitCode(1)
            }
            print("token \(name) revoked")
        }
    }
}
