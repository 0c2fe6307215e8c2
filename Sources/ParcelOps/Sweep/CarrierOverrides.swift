import Foundation
import ParcelCore

/// The per-carrier overrides of `parcelwatch sweep`, `[ID=]N` each (`--carrier-rate seur=20`,
/// `--carrier-concurrency 12`): read once, checked against the carriers loaded, and merged with
/// `parcelwatch.yaml`'s `carriers: { ID: { concurrency: N } }`.
///
/// Precedence: the command line over the config file over the carrier file, and within the
/// command line `ID=N` over a bare `N` (every carrier).
public enum CarrierOverrides {
    /// `[ID=]N` requests per second, N > 0; key "" is every carrier.
    public static func rates(_ texts: [String], known carriers: Set<String>? = nil) throws(CarrierOverrideError) -> [String: Double] {
        try parse(texts, option: "--carrier-rate", rule: "N > 0", known: carriers) { Double($0).flatMap { $0 > 0 && $0.isFinite ? $0 : nil } }
    }

    /// `[ID=]N` requests in flight, whole N ≥ 1; key "" is every carrier.
    public static func concurrency(_ texts: [String], known carriers: Set<String>? = nil) throws(CarrierOverrideError) -> [String: Int] {
        try parse(texts, option: "--carrier-concurrency", rule: "a whole N ≥ 1", known: carriers) { Int($0).flatMap { $0 >= 1 ? $0 : nil } }
    }

    /// The in-flight overrides a sweep uses: the config file's per carrier, unless the command
    /// line names the carrier or gives a bare N for every carrier.
    /// - Throws: ``CarrierOverrideError`` when the config names a carrier that is not loaded.
    public static func concurrency(
        commandLine: [String: Int], config: [String: Int], configFile: String, known carriers: Set<String>
    ) throws(CarrierOverrideError) -> [String: Int] {
        for id in config.keys.sorted() where !carriers.contains(id) {
            throw CarrierOverrideError(
                text: "carriers.\(id).concurrency", source: configFile,
                reason: "names carrier '\(id)', which has no carrier file (known: \(carriers.sorted().joined(separator: ", ")))")
        }
        if commandLine[""] != nil { return commandLine }
        return config.merging(commandLine) { _, line in line }
    }

    private static func parse<Value>(
        _ texts: [String], option: String, rule: String, known carriers: Set<String>?, value: (String) -> Value?
    ) throws(CarrierOverrideError) -> [String: Value] {
        var values: [String: Value] = [:]
        for text in texts {
            let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let (id, number) = parts.count == 2 ? (parts[0], parts[1]) : ("", parts[0])
            guard parts.count == 1 || !id.isEmpty, let parsed = value(number.trimmingCharacters(in: .whitespaces)) else {
                throw CarrierOverrideError(text: text, source: option, reason: "is not [ID=]N with \(rule)")
            }
            if let carriers, !id.isEmpty, !carriers.contains(id) {
                throw CarrierOverrideError(
                    text: text, source: option,
                    reason: "names carrier '\(id)', which has no carrier file (known: \(carriers.sorted().joined(separator: ", ")))")
            }
            values[id] = parsed
        }
        return values
    }
}

/// A per-carrier override that cannot be used: which value, where it came from, and why.
public struct CarrierOverrideError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The value as given (`seur=0`) or its key in the config file.
    public var text: String
    /// The option (`--carrier-concurrency`) or the config file it came from.
    public var source: String
    /// What is wrong, as a sentence part ("is not [ID=]N with a whole N ≥ 1").
    public var reason: String

    /// A sentence for people: `--carrier-concurrency 'seur=0' is not [ID=]N with a whole N ≥ 1`.
    public var description: String { "\(source) '\(text)' \(reason)" }
}
