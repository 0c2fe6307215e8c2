import ArgumentParser
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore

/// `parcelwatch find QUERY`: everything about a customer's order from whatever they quote.
struct FindCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "find",
        abstract: "Find orders, shipments and incidents by order id, tracking number, e-mail, phone or name.",
        discussion: """
            Examples:
              parcelwatch find PW-1034
              parcelwatch find 08215690051372
              parcelwatch find juan@example.es
              parcelwatch find "+34 600 000 000"
              parcelwatch find Nowak
            What matches: the order id exactly; a parcel's tracking number in any case,
            with or without spaces and dashes; the e-mail in any case; the phone in
            international form, spaces and dashes allowed ("+48 601 234 567"); and any
            customer name containing the query, ignoring case and accents ("zaneta"
            finds Żaneta, "lukasz" Łukasz, "muller" Müller) once the query has at least
            3 characters (shorter queries match ids, numbers, e-mails and phones only).
            At most 50 orders, by order id. Every kind of match is an index lookup.
            Exit codes: 0 found, 1 nothing matched.
            """)
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "Order id, tracking number, e-mail, phone or (part of) a name.") var query: String

    struct Result: Encodable {
        var orders: [Order]
        var shipments: [ShipmentRow]
        var incidents: [IncidentRow]
    }

    func run() async throws {
        let now = try store.clock().now
        let database = try await store.openStore(.readOnly)
        let found: FindResult
        do { found = try await database.read { try $0.cases.find(query) } } catch { throw fail(.store(error)) }
        if output.json {
            try printJSON(
                Result(
                    orders: found.orders, shipments: found.shipments.map(ShipmentRow.init),
                    incidents: found.incidents.map { IncidentRow($0, now: now) }))
        } else if found.orders.isEmpty {
            print("nothing matches '\(query)'")
        } else {
            print(
                Terminal.table(
                    ["ORDER", "CUSTOMER", "E-MAIL", "PHONE", "VALUE", "PROMISED"],
                    found.orders.map {
                        [$0.id, $0.customerName, $0.email, $0.phone ?? "", $0.value.description, $0.promisedDate ?? "—"]
                    }))
            if !found.shipments.isEmpty {
                print()
                print(
                    Terminal.table(
                        ["ORDER", "CARRIER", "NUMBER", "STATUS", "LAST EVENT"],
                        found.shipments.map {
                            [
                                $0.orderId, $0.carrier, $0.trackingNumber, Terminal.status($0.status.rawValue) + ($0.reason.map { " (\($0.rawValue))" } ?? ""),
                                When.short($0.lastEventAt),
                            ]
                        }))
            }
            if !found.incidents.isEmpty {
                print()
                print(
                    Terminal.table(
                        ["INCIDENT", "KIND", "STATUS", "OWNER", "SUMMARY"],
                        found.incidents.map {
                            [String($0.id), $0.kind.rawValue, $0.status.rawValue, $0.owner ?? "unassigned", $0.summary]
                        }))
            }
        }
        if found.orders.isEmpty { throw ExitCode(1) }
    }
}
