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
            """)
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Only this carrier.") var carrier: String?
    @Option(help: "Only this status (repeatable): pending, inTransit, delivered, exception …") var status: [String] = []
    @Option(help: "Only this order.") var order: String?
    @Option(help: "At most this many.") var limit: Int?

    /// One shipment as scripts see it.
    struct Row: Encodable {
        var carrier: String
        var trackingNumber: String
        var orderId: String
        var status: String
        var reason: String?
        var lastEventAt: String?
        var nextCheckAt: String?
        var lastCheckedAt: String?
        var consecutiveFailures: Int
        var lastError: String?

        init(
            carrier: String, trackingNumber: String, orderId: String, status: String, reason: String?, lastEventAt: String?,
            nextCheckAt: String?, lastCheckedAt: String?, consecutiveFailures: Int, lastError: String?
        ) {
            self.carrier = carrier
            self.trackingNumber = trackingNumber
            self.orderId = orderId
            self.status = status
            self.reason = reason
            self.lastEventAt = lastEventAt
            self.nextCheckAt = nextCheckAt
            self.lastCheckedAt = lastCheckedAt
            self.consecutiveFailures = consecutiveFailures
            self.lastError = lastError
        }

        init(_ shipment: Shipment) {
            self.init(
                carrier: shipment.carrier, trackingNumber: shipment.trackingNumber, orderId: shipment.orderId, status: shipment.status.rawValue,
                reason: shipment.reason?.rawValue, lastEventAt: shipment.lastEventAt.map(ISOTime.utc), nextCheckAt: shipment.nextCheckAt.map(ISOTime.utc),
                lastCheckedAt: shipment.lastCheckedAt.map(ISOTime.utc), consecutiveFailures: shipment.consecutiveFailures, lastError: shipment.lastError)
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(carrier, forKey: .carrier)
            try container.encode(trackingNumber, forKey: .trackingNumber)
            try container.encode(orderId, forKey: .orderId)
            try container.encode(status, forKey: .status)
            try container.encode(reason, forKey: .reason)
            try container.encode(lastEventAt, forKey: .lastEventAt)
            try container.encode(nextCheckAt, forKey: .nextCheckAt)
            try container.encode(lastCheckedAt, forKey: .lastCheckedAt)
            try container.encode(consecutiveFailures, forKey: .consecutiveFailures)
            try container.encode(lastError, forKey: .lastError)
        }

        enum CodingKeys: String, CodingKey {
            case carrier, trackingNumber, orderId, status, reason, lastEventAt, nextCheckAt, lastCheckedAt, consecutiveFailures, lastError
        }
    }

    func run() async throws {
        let statuses: Set<TrackingStatus> = try parseOptions(status, option: "--status")
        let database = try await store.openStore(.readOnly)
        let shipments: [Shipment]
        do {
            shipments = try await database.read {
                try $0.shipments.shipments(ShipmentFilter(carrier: carrier, statuses: statuses, orderId: order, limit: limit))
            }
        } catch { throw fail(.store(error)) }
        let rows = shipments.map(Row.init)
        if output.json { return try printJSON(rows) }
        if rows.isEmpty { print("no shipments in \(database.displayName)"); return }
        print(
            Terminal.table(
                ["ORDER", "CARRIER", "NUMBER", "STATUS", "LAST EVENT", "NEXT CHECK", "NOTE"],
                rows.map { row in
                    [
                        row.orderId, row.carrier, row.trackingNumber, Terminal.status(row.status) + (row.reason.map { " (\($0))" } ?? ""),
                        row.lastEventAt.map(Self.short) ?? "—", row.nextCheckAt.map(Self.short) ?? Terminal.dim("never"),
                        row.lastError.map { Terminal.paint(String($0.prefix(60)), "33") } ?? "",
                    ]
                }))
        print(Terminal.dim("\(rows.count) shipment(s) in \(database.displayName)"))
    }

    /// `2026-11-20 14:02` from ISO text.
    private static func short(_ iso: String) -> String {
        String(iso.prefix(16)).replacingOccurrences(of: "T", with: " ")
    }
}
