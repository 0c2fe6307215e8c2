import ArgumentParser
import CarrierSim
import Foundation
import ParcelCore

/// `carrier-sim history`: writes a generated delivery history as JSON Lines, for
/// `parcelwatch lanes import` and the lane model's backtest.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Write a realistic, seeded delivery history as JSON Lines (one delivered parcel a line).",
        discussion: """
            Keys of each line: id, carrier, service?, origin, destination, postcode, paidAt?, firstScanAt, deliveredAt,
            promisedDate?, carrierEstimate? (times ISO-8601 UTC, dates YYYY-MM-DD). The same seed gives the same file.
            """)

    @Option(help: "Parcels to generate.")
    var parcels = 20_000

    @Option(help: "Days of orders, ending the day before --end.")
    var days = 120

    @Option(help: "The seed.")
    var seed: UInt64 = 42

    @Option(help: "The day after the last order (YYYY-MM-DD).")
    var end = "2026-11-30"

    @Option(help: "The file to write; - for standard output.")
    var out = "-"

    func validate() throws {
        guard parcels >= 0 else { throw ValidationError("--parcels must be 0 or more") }
        guard days >= 1 else { throw ValidationError("--days must be 1 or more") }
        guard CivilDate(end) != nil else { throw ValidationError("--end '\(end)' is not a YYYY-MM-DD day") }
    }

    func run() throws {
        guard let endDay = CivilDate(end) else { throw ValidationError("--end '\(end)' is not a YYYY-MM-DD day") }
        let generator = HistoryGenerator(HistoryGenerator.Configuration(parcels: parcels, days: days, seed: seed, end: endDay))
        let text = try HistoryGenerator.jsonLines(generator.generate())
        if out == "-" {
            FileHandle.standardOutput.write(Data(text.utf8))
        } else {
            do { try Data(text.utf8).write(to: URL(fileURLWithPath: out)) } catch {
                throw ValidationError("cannot write --out \(out): \(error.localizedDescription)")
            }
            FileHandle.standardError.write(Data("carrier-sim history: \(parcels) parcels over \(days) days to \(out)\n".utf8))
        }
    }
}
