import ArgumentParser
import Foundation
import ParcelCore
import ParcelStore

/// `parcelwatch lanes import FILE`: learns from a delivery history in JSON Lines.
struct LanesImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a delivery history (JSON Lines, as `carrier-sim history` writes) into the lane model.",
        discussion: """
            One delivered parcel per line: id, carrier, service?, origin, destination, postcode,
            paidAt?, firstScanAt, deliveredAt, promisedDate?, carrierEstimate? (times ISO-8601,
            days YYYY-MM-DD). The whole file is checked first: a bad line is an error naming
            it, and nothing of that file is imported. Ids already stored are skipped, so a file
            imported twice counts once.

            Examples:
              carrier-sim history --parcels 20000 --days 120 --seed 42 --out history.jsonl
              parcelwatch lanes import history.jsonl

            Exit codes: 0 success, 2 unreadable file or bad line, 4 database unusable.
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The JSON Lines history file.") var file: String

    /// What `--json` prints.
    struct Outcome: Encodable {
        let file: String
        let parcels: Int
        let imported: Int
        let alreadyStored: Int
        let lanes: Int
    }

    func run() async throws {
        let config = try store.shopConfig()
        let now = try store.clock().now
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
            throw fail(.unreadable(file))
        }
        let parcels: [DeliveredParcel]
        do { parcels = try DeliveredParcel.parseJSONLines(text) } catch {
            FileHandle.standardError.write(Data("error: \(file): \(error); nothing imported\n".utf8))
            throw ExitCode(2)
        }
        let database = try await store.openStore(.readWrite)
        let configuration = config.estimates.modelConfiguration
        let imported: Int
        let model: LaneModel
        do {
            (imported, model) = try await database.write { tx in
                let imported = try tx.lanes.importHistory(parcels)
                return (imported, try tx.lanes.model(configuration: configuration))
            }
        } catch { throw fail(.store(error)) }
        let lanes = model.lanes(asOf: now).count
        let outcome = Outcome(file: file, parcels: parcels.count, imported: imported, alreadyStored: parcels.count - imported, lanes: lanes)
        if output.json { return try printJSON(outcome) }
        print("imported \(imported) delivered parcel(s) from \(file) (\(outcome.alreadyStored) already stored); \(lanes) lane(s) in the model")
    }
}
