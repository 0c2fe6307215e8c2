import ArgumentParser
import ParcelCore
import ParcelOps
import ParcelStore

/// `parcelwatch detect NUMBER`.
struct DetectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Which carriers a tracking number could belong to, valid ones first, with the reason for each rejection.",
        discussion: "Exit code 0 when at least one carrier accepts the number, 1 otherwise.")
    @OptionGroup var carriers: CarrierOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The tracking number (spaces and dashes are ignored).") var number: String

    func run() async throws {
        let candidates = try carriers.registry().detect(number)
        if output.json {
            try printJSON(candidates)
        } else if candidates.isEmpty {
            print("no carrier uses numbers like \(CarrierRegistry.normalize(number))")
        } else {
            print(
                Terminal.table(
                    ["CARRIER", "VALID", "REASON"],
                    candidates.map {
                        [$0.carrier, $0.valid ? Terminal.paint("yes", "32") : Terminal.paint("no", "31"), $0.reason ?? ""]
                    }))
        }
        if !candidates.contains(where: \.valid) { throw ExitCode(1) }
    }
}
