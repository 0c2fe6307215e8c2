import ArgumentParser
import Foundation
import ParcelCore
import ParcelStore

/// `parcelwatch lanes backtest [--since DATE|30d] [--json]`: replays the stored history.
struct LanesBacktestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Replay the delivery history in time order and score the estimates against the promise and the carrier.",
        discussion: """
            Every stored delivery (delivered at or after --since) is estimated at its first scan
            by a model holding only the deliveries before that instant, and scored beside the
            shop's promise alone and the carrier's estimate alone. The model starts empty at
            --since, so a later start leaves it less to learn from.

            Figures per method (model, lanes = the model without the carrier's estimate,
            promise, carrier): on-day the share delivered on the p50 day, window the share
            delivered from the p50 through the p90 day, MAE the mean business days between
            the p50 day and delivery. The headline counts parcels whose lane had n >= 30.
            lateRisk: looked at daily until delivery or the promised day; precision is the
            share of warned parcels that were late, recall the share of late ones warned,
            lead the median business days from the warning to the promised day.

            --since: a day (YYYY-MM-DD, midnight in shop.timezone) or a duration before now
            (30d, 2w); default: the whole history.

            --json: parcels, headlineParcels, headlineMinimumParcels, headline[] and all[]
            (method, parcels, onDayShare, windowShare, meanAbsoluteError), headlineSources,
            lateRisk (parcels, late, warned, warnedAndLate, precision, recall, medianLeadDays).

            Examples:
              parcelwatch lanes backtest
              parcelwatch lanes backtest --since 60d --json

            Exit codes: 0 success, 2 bad --since, 4 database unusable.
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Only deliveries at or after this: YYYY-MM-DD or a duration before now such as 30d (default: all).")
    var since: String?

    func run() async throws {
        let config = try store.shopConfig()
        let now = try store.clock().now
        var start = Date.distantPast
        if let since {
            guard let parsed = ReportBuilder.since(since, now: now, zone: config.timeZone) else {
                FileHandle.standardError.write(Data("error: --since '\(since)' is not a past day such as 2026-11-01 or a duration such as 30d or 2w\n".utf8))
                throw ExitCode(2)
            }
            start = parsed
        }
        let database = try await store.openStore(.readOnly)
        var history: [DeliveredParcel] = []
        var after: DeliveryPage.Position?
        do {
            repeat {
                let page = try await database.read { [after, start] in try $0.lanes.deliveries(since: start, after: after) }
                history += page.parcels
                after = page.next
            } while after != nil
        } catch { throw fail(.store(error)) }
        let report = Backtest(configuration: config.estimates.modelConfiguration, rule: config.estimates.lateRiskRule).run(history)
        if output.json { return try printJSON(report) }
        print(report.text)
    }
}
