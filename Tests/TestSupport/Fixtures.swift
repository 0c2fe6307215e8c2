import Foundation
import ParcelCore
import ParcelOps
import ParcelStore

/// An order as tests need one: Polish, 129.99 PLN, promised 2026-11-24, paid two days before
/// ``fixtureNow``.
public func order(_ id: String, email: String = "anna@example.com", postcode: String = "00-950", value: Int64 = 12999) -> Order {
    Order(
        id: id, customerName: "Anna Nowak", email: email, phone: "+48601234567", language: "pl", postcode: postcode,
        value: Money(minorUnits: value, currency: "PLN"), promisedDate: "2026-11-24", paidAt: fixtureNow.addingTimeInterval(-86_400 * 2),
        reshippable: true)
}

/// A SEUR event `hoursAgo` before ``fixtureNow``, in Madrid.
public func event(_ number: String, hoursAgo: Double, raw: String, status: TrackingStatus, reason: ExceptionReason? = nil, carrier: String = "seur")
    -> TrackingEvent
{
    TrackingEvent(
        carrier: carrier, trackingNumber: number, time: CarrierTime(date: fixtureNow.addingTimeInterval(-hoursAgo * 3600), offsetSeconds: 3600),
        rawStatus: raw, rawCode: nil, status: status, reason: reason, location: "MADRID")
}

/// Test files a CLI run reads: an order CSV and a shop config.
public enum TestFiles {
    /// An order CSV in `directory` with one SEUR parcel per number, each order `W<number>` worth
    /// 20.00 EUR (under the policy's reship/refund limit), paid and promised in the future.
    public static func seurOrders(_ numbers: [String], in directory: String, name: String = "Wiktor Nowak", language: String = "pl") throws -> String {
        let csv = directory + "/orders.csv"
        try Data(
            (["order_id,customer_name,email,phone,language,postcode,value,currency,promised_date,paid_at,carrier,tracking_number"]
                + numbers.map { "W\($0),\(name),w\($0)@example.com,,\(language),00-950,20.00,EUR,2026-12-20,2026-11-19T10:00:00Z,seur,\($0)" })
                .joined(separator: "\n").utf8
        ).write(to: URL(fileURLWithPath: csv))
        return csv
    }

    /// A config in `directory` sending notices and workflow actions to the signed webhook `url`
    /// (the simulator's shop backend), with the secret `sim-webhook-secret` in `$secretEnv`:
    /// its path, and the environment to give the commands that read it (`CLIRun.run(…,
    /// environment:)`). The test process's own environment is left alone: tests run in parallel.
    public static func webhookConfig(url: String, secretEnv: String, in directory: String) throws -> (path: String, environment: [String: String]) {
        let config = directory + "/parcelwatch.yaml"
        try Data(
            """
            notices: { channel: webhook, url: "\(url)", secret_env: \(secretEnv) }
            workflows:
              webhook: { url: "\(url)", secret_env: \(secretEnv) }
            """.utf8
        ).write(to: URL(fileURLWithPath: config))
        return (config, [secretEnv: "sim-webhook-secret"])
    }
}
