import Foundation

/// All carrier definitions of one run, loaded from one directory.
///
/// The directory is the first of: `--carriers DIR`, `PARCELWATCH_CARRIERS`, `./carriers`, the
/// installed copy (`<prefix>/share/parcelwatch/carriers` next to the executable).
public struct CarrierRegistry: Sendable {
    /// Definitions by id, in id order.
    public let carriers: [CarrierDefinition]
    /// Where they were loaded from.
    public let directory: String

    /// Wraps already-loaded definitions.
    public init(carriers: [CarrierDefinition], directory: String) {
        self.carriers = carriers.sorted { $0.id < $1.id }
        self.directory = directory
    }

    /// Loads every `*.yaml` in `directory`; the first bad file stops the load with its
    /// file:line:key error (a half-loaded set of carriers would hide a broken one). Each carrier
    /// answers through its first source whose credentials `credentials` has (by default, the
    /// environment's).
    public static func load(directory: String, credentials: CarrierCredentials = CarrierCredentials()) throws(CarrierFileError) -> CarrierRegistry {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw CarrierFileError(file: directory, line: 1, key: "", message: "cannot list carrier files: \(error.localizedDescription)")
        }
        var carriers: [CarrierDefinition] = []
        for name in names.sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            carriers.append(try CarrierDefinition.load(file: (directory as NSString).appendingPathComponent(name)))
        }
        var seen = Set<String>()
        for carrier in carriers where !seen.insert(carrier.id).inserted {
            throw CarrierFileError(file: carrier.sourceFile, line: 1, key: "id", message: "duplicate carrier id '\(carrier.id)'")
        }
        return CarrierRegistry(carriers: carriers, directory: directory).selectingSources(credentials)
    }

    /// The carrier directory to use: `explicit`, then `PARCELWATCH_CARRIERS`, then `./carriers`,
    /// then the installed copy. Nil when none exists.
    public static func locate(
        explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
        executable: String = CommandLine.arguments.first ?? ""
    ) -> String? {
        if let explicit { return explicit }
        if let fromEnvironment = environment["PARCELWATCH_CARRIERS"], !fromEnvironment.isEmpty { return fromEnvironment }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: "carriers", isDirectory: &isDirectory), isDirectory.boolValue { return "carriers" }
        // As a URL from the working directory: `./parcelwatch` has no directory in its text, and
        // Foundation's string path functions trap on the empty parent that gives.
        guard !executable.isEmpty else { return nil }
        let installed = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("share/parcelwatch/carriers").path
        if FileManager.default.fileExists(atPath: installed, isDirectory: &isDirectory), isDirectory.boolValue { return installed }
        return nil
    }

    /// The same carriers, each answering through its first source whose credentials are all
    /// configured, with the reason (`official: UPS_CLIENT_ID not set, using public`). A carrier
    /// none of whose sources can be used keeps its first, and says which credential is missing:
    /// fetching it fails with `missingCredential`.
    public func selectingSources(_ credentials: CarrierCredentials) -> CarrierRegistry {
        CarrierRegistry(carriers: carriers.map { $0.selectingSource(credentials) }, directory: directory)
    }

    /// The carrier with `id`.
    public func carrier(_ id: String) throws(TrackingError) -> CarrierDefinition {
        guard let found = carriers.first(where: { $0.id == id }) else { throw .unknownCarrier(id) }
        return found
    }

    /// Every carrier whose number patterns fit `number`, valid ones first, each with the reason
    /// it was rejected when it was.
    public func detect(_ number: String) -> [NumberCandidate] {
        let normalized = Self.normalize(number)
        var candidates: [NumberCandidate] = []
        for carrier in carriers {
            var best: NumberCandidate?
            for rule in carrier.numbers {
                let rejection = rule.rejection(of: normalized)
                if rejection == nil {
                    best = NumberCandidate(carrier: carrier.id, number: normalized, valid: true, reason: nil)
                    break
                }
                if let rejection, !rejection.isPatternMismatch, best == nil {
                    best = NumberCandidate(carrier: carrier.id, number: normalized, valid: false, reason: rejection.description)
                }
            }
            if let best { candidates.append(best) }
        }
        return candidates.filter(\.valid) + candidates.filter { !$0.valid }
    }

    /// Why `number` is not a valid number of `carrier` (nil when it is).
    public func rejection(of number: String, carrier: CarrierDefinition) -> String? {
        let normalized = Self.normalize(number)
        var reasons: [NumberRejection] = []
        for rule in carrier.numbers {
            guard let reason = rule.rejection(of: normalized) else { return nil }
            reasons.append(reason)
        }
        return (reasons.first { !$0.isPatternMismatch }?.description) ?? reasons.map(\.description).joined(separator: "; ")
    }

    /// Upper case, spaces and dashes removed: how people paste numbers.
    public static func normalize(_ number: String) -> String {
        String(number.uppercased().filter { !$0.isWhitespace && $0 != "-" })
    }
}

/// One carrier a number could belong to.
public struct NumberCandidate: Sendable, Equatable, Codable {
    /// The carrier id.
    public var carrier: String
    /// The number as normalised.
    public var number: String
    /// True when pattern and check digit both fit.
    public var valid: Bool
    /// Why not, when not valid (e.g. "s10 check digit expected 5, got 3").
    public var reason: String?
}
