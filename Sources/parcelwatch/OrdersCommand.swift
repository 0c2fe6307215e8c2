import ArgumentParser
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore

/// `parcelwatch orders`: one line per order, the whole story at a glance.
struct OrdersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orders",
        abstract: "One line per order: its parcels, the messages the customer got, its cases and what the shop did.",
        discussion: """
            Where `shipments` lists parcels and `incidents` the open cases, `orders` tells each order's story in one line, so
            staff (and the end of `make demo`) can check that every customer heard one consistent story:
              PARCELS   each parcel as carrier, number and status; a replacement the shop sent says "replacement" and which
                        parcel it replaces.
              SENT      customer messages delivered about the order, by template (shipped, damagedOrLost, reshipSent …);
                        "+N waiting" counts those still queued (quiet hours, retries), never the superseded ones.
              CASES     cases about the order or its parcels, by kind: how many were opened and how many are closed since
                        (resolved, dismissed, closed by the carrier's news, absorbed by a more severe case).
              SHOP      what the shop did or was asked to: refund, reship (with the replacement's number), compensate,
                        carrierClaim, each with its state (proposed, pending, sending, done, failed).
            --json prints an array, one object per order with the same facts (counts per template and kind, times as
            ISO-8601 UTC), for scripts.
            Examples:
              parcelwatch orders
              parcelwatch orders --order PW-1034
              parcelwatch orders --json | jq '.[] | select(.cases.opened > 0) | .orderId'
              parcelwatch orders --json | jq '[.[] | .shop[] | select(.kind == "refund" and .state == "done")] | length'
            Exit codes: 0 listed, 1 no such order (--order), 4 the database cannot be used.
            """)
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Only this order.") var order: String?

    func run() async throws {
        let database = try await store.openStore(.readOnly)
        let orders: [OrderOverview]
        do { orders = try await database.read { try $0.cases.orderOverviews(orderId: order) } } catch { throw fail(.store(error)) }
        if output.json {
            try printJSON(orders)
        } else if orders.isEmpty {
            print(order.map { "no order \($0) in \(database.displayName)" } ?? "no orders in \(database.displayName)")
        } else {
            print(Terminal.table(["ORDER", "PARCELS", "SENT", "CASES", "SHOP"], orders.map(Self.line)))
            print(Terminal.dim("\(orders.count) order(s) in \(database.displayName)"))
        }
        if orders.isEmpty, order != nil { throw ExitCode(1) }
    }

    /// The table cells of one order.
    static func line(_ order: OrderOverview) -> [String] {
        let parcels =
            order.parcels.isEmpty
            ? Terminal.dim("not shipped")
            : order.parcels.map { parcel in
                let status = Terminal.status(parcel.status) + (parcel.reason.map { " (\($0))" } ?? "")
                let replacement = parcel.replaces.map { "replacement of \($0): " } ?? ""
                return "\(replacement)\(parcel.carrier) \(parcel.trackingNumber) \(status)"
            }.joined(separator: "; ")
        var sent = order.messages.sent == 0 ? "—" : "\(order.messages.sent): " + counted(order.messages.sentByTemplate)
        if order.messages.waiting > 0 { sent += " +\(order.messages.waiting) waiting" }
        var cases = "—"
        if order.cases.opened > 0 {
            cases = "\(order.cases.opened) opened (\(counted(order.cases.openedByKind)))"
            cases += order.cases.closed == 0 ? ", none closed" : ", \(order.cases.closed) closed (\(counted(order.cases.closedByKind)))"
        }
        let shop =
            order.shop.isEmpty
            ? "—"
            : order.shop.map { action in
                var text = "\(action.kind) \(action.state)"
                if let amount = action.amount { text += " \(amount)" }
                if let carrier = action.replacementCarrier, let number = action.replacementNumber { text += " → \(carrier) \(number)" }
                return text
            }.joined(separator: "; ")
        let id = order.orderId + (order.cancelledAt == nil ? "" : " (cancelled)")
        return [id, parcels, sent, cases, shop]
    }

    /// `damaged, shipped ×2`: names in order, with their count when above one.
    private static func counted(_ counts: [String: Int]) -> String {
        counts.sorted { $0.key < $1.key }.map { $0.value > 1 ? "\($0.key) ×\($0.value)" : $0.key }.joined(separator: ", ")
    }
}
