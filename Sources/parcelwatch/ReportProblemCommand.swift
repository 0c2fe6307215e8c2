import ArgumentParser
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore

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
        let services: ParcelServices
        do { services = try ParcelServices(store: database, config: config, registry: try? carriers.registry()) } catch {
            throw ValidationError(error.description)
        }
        do {
            result = try await services.tracking
                .report(number: number, postcode: postcode, email: email, problem: problem, message: message, now: now)
        } catch { throw fail(.store(error)) }
        guard let result else {
            FileHandle.standardError.write(Data("\(CustomerPhrases(language: "en")["notFound"])\n".utf8))
            throw ExitCode(1)
        }
        if output.json { return try printJSON(CustomerReportReceipt(incident: result.incident.id, nextUpdateBy: result.nextUpdateBy)) }
        let language = try await database.read { try $0.shipments.order(id: result.incident.orderId ?? "") }?.language ?? "en"
        print("\(CustomerPhrases(language: language)["reported"]) \(CustomerView.local(ISOTime.utc(result.nextUpdateBy), config.timeZone)).")
    }
}
