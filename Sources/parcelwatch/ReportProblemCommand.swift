import ArgumentParser
import Foundation
import ParcelKit

/// `parcelwatch report-problem NUMBER --postcode CODE --kind …`: what tracking cannot know.
struct ReportProblemCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report-problem",
        abstract: "A customer reports a problem with their own parcel; the shop gets a case with an owner and deadlines.",
        discussion: """
            Kinds: \(CustomerProblem.allCases.map(\.rawValue).joined(separator: ", ")).
            Example:
              parcelwatch report-problem 08215690051372 --postcode 28045 --kind damagedOnArrival --message "The box was crushed"
            Exit codes: 0 reported, 1 unknown number (or not yours), 2 bad options, 4 database unusable.
            """)
    @OptionGroup var store: StoreOptions
    @OptionGroup var carriers: CarrierOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The tracking number.") var number: String
    @Option(help: "The recipient's postcode (proves the parcel is yours).") var postcode: String?
    @Option(help: "The order's e-mail address (proves the parcel is yours).") var email: String?
    @Option(help: "What is wrong.") var kind: String
    @Option(help: "Anything the shop should know (up to 2,000 characters).") var message: String?

    func validate() throws {
        guard postcode != nil || email != nil else { throw ValidationError("give --postcode or --email: they prove the parcel is yours") }
        let _: Set<CustomerProblem> = try parseOptions([kind], option: "--kind")
    }

    func run() async throws {
        let problem = CustomerProblem(rawValue: kind) ?? .notReceived
        let config = try store.shopConfig()
        let now = try store.clock().now
        let database = try await store.openStore(.readWrite)
        let result: (incident: Incident, nextUpdateBy: Date)?
        let templates: NoticeTemplates
        do { templates = try NoticeTemplates() } catch { throw ValidationError(error.description) }
        let names = Dictionary((try? carriers.registry().carriers.map { ($0.id, $0.name) }) ?? [], uniquingKeysWith: { first, _ in first })
        let composer = NoticeComposer(templates: templates, config: config, carrierNames: names)
        do {
            result = try await CustomerTracking(store: database, config: config, composer: composer)
                .report(number: number, postcode: postcode, email: email, problem: problem, message: message, now: now)
        } catch { throw fail(.store(error)) }
        guard let result else {
            FileHandle.standardError.write(Data("\(CustomerPhrases(language: "en")["notFound"])\n".utf8))
            throw ExitCode(1)
        }
        if output.json { return try printJSON(CustomerReportReceipt(incident: result.incident.id, nextUpdateBy: result.nextUpdateBy)) }
        let language = try await database.order(id: result.incident.orderId ?? "")?.language ?? "en"
        print("\(CustomerPhrases(language: language)["reported"]) \(CustomerView.local(ISOTime.utc(result.nextUpdateBy), config.timeZone)).")
    }
}
