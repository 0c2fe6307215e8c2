import ArgumentParser
import Curl
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore

/// `--carriers DIR`, shared by every command that needs carrier files.
struct CarrierOptions: ParsableArguments {
    @Option(name: .customLong("carriers"), help: "Directory of carrier files (default: $PARCELWATCH_CARRIERS, ./carriers, installed copy).")
    var directory: String?

    /// Loads the registry or fails with the file:line:key of the first bad file.
    func registry(credentials: CarrierCredentials = CarrierCredentials()) throws -> CarrierRegistry {
        guard let directory = CarrierRegistry.locate(explicit: directory) else {
            throw fail(.carrierFile("no carrier files found: pass --carriers DIR or set PARCELWATCH_CARRIERS"))
        }
        do {
            return try CarrierRegistry.load(directory: directory, credentials: credentials)
        } catch {
            throw fail(.carrierFile(error.description))
        }
    }
}

extension CarrierOptions {
    /// The registry with each carrier on its first source whose credentials are configured,
    /// and those credentials: the environment, then the credentials files `config` names.
    func registry(credentialsFrom config: ShopConfig) throws -> (CarrierRegistry, CarrierCredentials) {
        let credentials: CarrierCredentials
        do {
            credentials = try CarrierCredentials(files: config.carrierCredentialFiles)
        } catch {
            throw fail(.config(.unreadable(file: error.file, detail: error.reason)))
        }
        return (try registry(credentials: credentials), credentials)
    }

    /// One carrier's file only, for commands that name their carrier: loading and compiling all
    /// fourteen would cost more than parsing a page.
    func definition(_ id: String) throws -> CarrierDefinition {
        guard let directory = CarrierRegistry.locate(explicit: directory) else {
            throw fail(.carrierFile("no carrier files found: pass --carriers DIR or set PARCELWATCH_CARRIERS"))
        }
        let file = (directory as NSString).appendingPathComponent("\(id).yaml")
        guard id.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "-" }), FileManager.default.fileExists(atPath: file) else {
            throw fail(.tracking(.unknownCarrier(id)))
        }
        do { return try CarrierDefinition.load(file: file) } catch { throw fail(.carrierFile(error.description)) }
    }
}

/// `--json`, shared by every command.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print JSON for scripts instead of a table.")
    var json = false
}

/// Failures the CLI reports with a specific exit code.
enum CLIError: Error, CustomStringConvertible {
    case carrierFile(String)
    case tracking(TrackingError)
    case store(StoreError)
    case config(ConfigError)
    case importFile(ImportError)
    case unreadable(String)
    case endpoint(EndpointOverrideError)

    var description: String {
        switch self {
        case .carrierFile(let text): return "carrier file error: \(text)"
        case .tracking(let error): return error.description
        case .store(let error): return error.description
        case .config(let error): return error.description
        case .importFile(let error): return error.description
        case .unreadable(let file): return "cannot read \(file): not a readable file"
        case .endpoint(let error): return error.description
        }
    }

    /// 1: unknown number; 2: bad input (a notice template that cannot render too); 3: carrier
    /// unreachable or its format changed; 4: the database cannot be used.
    var exitCode: Int32 {
        switch self {
        case .carrierFile, .config, .importFile, .unreadable, .endpoint: return 2
        case .store(.rejected), .store(.noSuchIncident), .store(.notice): return 2
        case .store: return 4
        case .tracking(let error):
            switch error {
            case .notFound: return 1
            case .invalidNumber, .unknownCarrier, .missingCredential, .unknownSource: return 2
            default: return 3
            }
        }
    }
}

/// Prints and exits with a CLI error's code.
func fail(_ error: CLIError) -> ExitCode {
    FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
    return ExitCode(error.exitCode)
}

/// The values of a repeatable enum option (`--status inTransit --status exception`), or a usage
/// error listing the allowed spellings.
func parseOptions<Value: RawRepresentable & CaseIterable & Hashable>(_ names: [String], option: String) throws -> Set<Value>
where Value.RawValue == String {
    var values = Set<Value>()
    for name in names {
        guard let value = Value(rawValue: name) else {
            throw ValidationError("\(option) '\(name)' is not one of \(Value.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        values.insert(value)
    }
    return values
}

/// The libcurl client every fetching command uses. `PARCELWATCH_LOOPBACK_ONLY=1` (the demo and
/// the tests set it) refuses any address outside 127.0.0.0/8 and ::1, redirects included, before
/// a packet is sent.
func makeHTTPClient() throws -> HTTPClient {
    var configuration = HTTPClient.Configuration()
    configuration.loopbackOnly = ProcessInfo.processInfo.environment["PARCELWATCH_LOOPBACK_ONLY"] == "1"
    do { return try HTTPClient(configuration: configuration) } catch { throw ValidationError("cannot start libcurl: \(error)") }
}

/// Tracking reports as JSON on standard output (hand-written: they can hold thousands of events).
func printReports(_ reports: [TrackingReport], asArray: Bool) {
    var bytes = JSONText.pretty(reports, asArray: asArray)
    bytes.append(0x0A)
    FileHandle.standardOutput.write(Data(bytes))
}

/// Encodes any value as pretty, key-sorted JSON on standard output.
func printJSON(_ value: some Encodable) throws {
    FileHandle.standardOutput.write(try JSONOutput.data(value))
}
