import ArgumentParser

/// `parcelwatch lanes`: the shop's delivery lanes, their history and the estimates' backtest.
struct LanesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lanes",
        abstract: "Delivery lanes learnt from the shop's own deliveries: list them, import a history, backtest the estimates.",
        discussion: """
            Every delivered parcel teaches the lane model how long its lane takes (carrier,
            service, origin and destination country, postcode prefix, hand-over weekday),
            over the last estimates.window_days days (default 90). Estimates in `track`,
            `shipments` and `incident show` come from it, and so does the lateRisk case.

            Examples:
              parcelwatch lanes                                  every lane as a table
              parcelwatch lanes --json                           the same for scripts
              parcelwatch lanes import history.jsonl             learn from a history file
              parcelwatch lanes backtest --since 60d             how good the estimates were
            """,
        subcommands: [LanesListCommand.self, LanesImportCommand.self, LanesBacktestCommand.self],
        defaultSubcommand: LanesListCommand.self)
}
