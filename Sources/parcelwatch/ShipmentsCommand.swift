import ArgumentParser
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore

/// `parcelwatch shipments`: what the store knows about every parcel.
struct ShipmentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shipments",
        abstract: "List stored shipments with status, last event and next check.",
        discussion: """
            Examples:
              parcelwatch shipments
              parcelwatch shipments --carrier seur --status exception
              parcelwatch shipments --json | jq '.[] | select(.status == "delivered") | .trackingNumber'
              parcelwatch shipments --json --limit 500 2>next.txt     (then --after "$(sed -n 's/^next: //p' next.txt)")
            Shipments are listed by id and written as they are read, a page at a time, so any number fits in little memory.
            With --limit, `next: CURSOR` on standard error means more remain: pass it as --after to get exactly the next ones.
            EXPECTED is the delivery estimate from the shop's own delivery history (`parcelwatch lanes`): the p50 day, or
            p50..p90; in --json each shipment's `estimate` is {p50, p90, source, confidence, probabilityByPromise,
            explanation (in the order's language)}, null once delivered or with nothing to go on.
            """)
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Only this carrier.") var carrier: String?
    @Option(help: "Only this status (repeatable): pending, inTransit, delivered, exception …") var status: [String] = []
    @Option(help: "Only this order.") var order: String?
    @Option(help: "At most this many (then `next: CURSOR` on standard error when more remain).") var limit: Int?
    @Option(help: Paging.afterHelp) var after: String?

    func run() async throws {
        let statuses: Set<TrackingStatus> = try parseOptions(status, option: "--status")
        let limit = try Paging.limit(self.limit)
        let cursor = try Paging.cursor(after, for: .shipments)
        let start: Int64? = if case .shipments(let id)? = cursor { id } else { nil }
        let database = try await store.openStore(.readOnly)
        let (carrier, order) = (self.carrier, self.order)
        var json = try output.json ? JSONArrayStream() : nil
        let estimator = try await ParcelEstimates.estimator(database, config: try store.shopConfig())
        let now = try store.clock().now
        var table = Terminal.TableStream(["ORDER", "CARRIER", "NUMBER", "STATUS", "LAST EVENT", "NEXT CHECK", "EXPECTED", "NOTE"])
        var count = 0
        let next = try await Paging.run(
            limit: limit, after: start,
            read: { (after: Int64?, size: Int) -> [(Shipment, EstimateFacts?)] in
                do throws(StoreError) {
                    return try await database.read { tx in
                        let page = try tx.shipments.shipments(
                            ShipmentFilter(carrier: carrier, statuses: statuses, orderId: order, after: after, limit: size))
                        let facts = try tx.lanes.estimateFacts(shipmentIDs: page.map(\.id))
                        return page.map { ($0, facts[$0.id]) }
                    }
                } catch { throw fail(.store(error)) }
            },
            key: { $0.0.id },
            write: { page in
                count += page.count
                let rows = page.map { shipment, facts in
                    let estimate = facts.flatMap { estimator.estimate(shipment, order: $0.order, eventTimes: $0.eventTimes, now: now) }
                    return ShipmentListing(row: ShipmentRow(shipment), estimate: estimate.map { EstimateView($0, language: facts?.order.language ?? "en") })
                }
                if var stream = json {
                    Paging.emit(try stream.next(rows))
                    json = stream
                    return
                }
                Paging.emit(line: table.next(rows.map(Self.cells)))
            })
        if let json {
            Paging.emit(json.end())
        } else if count == 0 {
            Paging.emit(line: "no shipments in \(database.displayName)")
        } else {
            Paging.emit(line: Terminal.dim("\(count) shipment(s) in \(database.displayName)"))
        }
        Paging.announce(next.map { ListingCursor.shipments(after: $0) })
    }

    /// A row's table cells.
    private static func cells(_ listing: ShipmentListing) -> [String] {
        let row = listing.row
        return [
            row.orderId, row.carrier, row.trackingNumber, Terminal.status(row.status) + (row.reason.map { " (\($0))" } ?? ""),
            row.lastEventAt.map(Self.short) ?? "—", row.nextCheckAt.map(Self.short) ?? Terminal.dim("never"),
            listing.estimate.map { $0.p50 == $0.p90 ? "\($0.p50)" : "\($0.p50)..\($0.p90)" } ?? "—",
            row.lastError.map { Terminal.paint(String($0.prefix(60)), "33") } ?? "",
        ]
    }

    /// `2026-11-20 14:02` from ISO text.
    private static func short(_ iso: String) -> String {
        String(iso.prefix(16)).replacingOccurrences(of: "T", with: " ")
    }
}
