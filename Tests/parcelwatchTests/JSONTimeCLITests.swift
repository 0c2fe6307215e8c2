import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

/// Every time a `--json` answer (and `customer export`) prints is ISO-8601 UTC, whatever type
/// holds it: never Foundation's default, seconds since 2001.
@Suite struct JSONTimeCLITests {
    /// `2026-11-20T12:00:00Z`.
    static var utc: Regex<Substring> { #/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/# }

    /// Whether `key` names an instant: `at`, `time`, `…At`, `…Due`, `nextUpdateBy`.
    static func namesATime(_ key: String) -> Bool {
        key == "at" || key == "time" || key == "nextUpdateBy" || key.hasSuffix("At") || key.hasSuffix("Due")
    }

    /// The values under time-naming keys, and any number that would be a 2020–2039 instant in
    /// seconds since 2001 (6.3e8 to 1.2e9), each with its path.
    static func walk(_ value: Any, path: String, times: inout [(path: String, value: Any)], suspects: inout [String]) {
        if let object = value as? [String: Any] {
            for (key, child) in object {
                if namesATime(key) { times.append((path + "." + key, child)) }
                walk(child, path: path + "." + key, times: &times, suspects: &suspects)
            }
        } else if let array = value as? [Any] {
            for (index, child) in array.enumerated() { walk(child, path: path + "[\(index)]", times: &times, suspects: &suspects) }
        } else if let number = value as? NSNumber, !(value is Bool), (6.3e8...1.2e9).contains(number.doubleValue) {
            suspects.append("\(path) = \(number)")
        }
    }

    @Test func findIncidentShowAndCustomerExportPrintTimesAsISO8601UTC() async throws {
        let directory = try temporaryDirectory("cli-json-times")
        let csv = directory + "/orders.csv"
        try Data(
            """
            order_id,customer_name,email,phone,language,postcode,value,currency,promised_date,paid_at,carrier,tracking_number
            T-1,"Nowak, Anna",anna.nowak@example.com,+48601234567,pl,00-950,59.00,PLN,2026-11-23,2026-11-16T09:00:00+01:00,,
            """.utf8
        ).write(to: URL(fileURLWithPath: csv))
        let now = ["--db", directory + "/p.sqlite", "--now", "2026-11-20T12:00:00Z"]
        #expect(try await CLIRun.run(["import", csv] + now).status == 0)
        #expect(try await CLIRun.run(["staff", "add", "anna"] + now).status == 0)
        // Never dispatched: the sweep opens a case with history and a proposed refund, and sends a notice.
        #expect(try await CLIRun.run(["sweep"] + now).status == 0)

        let commands: [[String]] = [
            ["find", "anna.nowak@example.com", "--json"],
            ["incident", "show", "1", "--json"],
            ["customer", "export", "anna.nowak@example.com", "--as", "anna"],
            ["audit", "--json"],
            ["notices", "--all", "--json"],
        ]
        for command in commands {
            let run = try await CLIRun.run(command + now)
            #expect(run.status == 0, "\(command): \(run.stderr)")
            let json = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8))
            var times: [(path: String, value: Any)] = []
            var suspects: [String] = []
            Self.walk(json, path: command[0], times: &times, suspects: &suspects)
            #expect(!times.isEmpty, "\(command) printed no time at all")
            for (path, value) in times where !(value is NSNull) {
                let text = value as? String ?? ""
                #expect((try? Self.utc.wholeMatch(in: text)) != nil, "\(path) = \(value) is not ISO-8601 UTC")
            }
            #expect(suspects.isEmpty, "numbers that look like seconds since 2001: \(suspects)")
        }

        // The order's payment (09:00 in Warsaw) in UTC, in all three.
        let found = try JSONSerialization.jsonObject(with: Data(try await CLIRun.run(commands[0] + now).stdout.utf8)) as? [String: Any]
        #expect((found?["orders"] as? [[String: Any]])?.first?["paidAt"] as? String == "2026-11-16T08:00:00Z")
        let shown = try JSONSerialization.jsonObject(with: Data(try await CLIRun.run(commands[1] + now).stdout.utf8)) as? [String: Any]
        #expect((shown?["order"] as? [String: Any])?["paidAt"] as? String == "2026-11-16T08:00:00Z")
        #expect((shown?["history"] as? [[String: Any]])?.first?["at"] as? String == "2026-11-20T12:00:00Z")
        #expect((shown?["actions"] as? [[String: Any]])?.first?["createdAt"] as? String == "2026-11-20T12:00:00Z")
        let export = try JSONSerialization.jsonObject(with: Data(try await CLIRun.run(commands[2] + now).stdout.utf8)) as? [String: Any]
        let exported = (export?["orders"] as? [[String: Any]])?.first?["order"] as? [String: Any]
        #expect(exported?["paidAt"] as? String == "2026-11-16T08:00:00Z")
    }
}
