import Foundation
import Yams

/// Where carrier secrets come from: an environment variable of the credential's name, else the
/// carrier's credentials file (`carriers: { ups: { credentials: FILE } }` in `parcelwatch.yaml`),
/// a YAML mapping of `NAME: value` that only its owner may read (mode 0600 or stricter).
///
/// Values are never printed: ``description`` lists only which names are set.
public struct CarrierCredentials: Sendable, CustomStringConvertible {
    private let environment: [String: String]
    private let files: [String: [String: String]]

    /// Credentials from the environment alone.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
        self.files = [:]
    }

    /// Credentials from the environment and the carriers' credentials files.
    /// - Throws: ``CredentialsFileError`` for a file that is missing, not a mapping, or readable
    ///   by group or others.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment, files paths: [String: String]) throws(CredentialsFileError) {
        self.environment = environment
        var files: [String: [String: String]] = [:]
        for (carrier, path) in paths { files[carrier] = try Self.read(path) }
        self.files = files
    }

    /// The value of credential `name` for `carrier`, nil when neither the environment nor the
    /// carrier's file has a non-empty one.
    public func value(_ name: String, carrier: String) -> String? {
        if let value = environment[name], !value.isEmpty { return value }
        if let value = files[carrier]?[name], !value.isEmpty { return value }
        return nil
    }

    /// The first of `names` that is not set, or nil when all are.
    public func missing(_ names: [String], carrier: String) -> String? {
        names.first { value($0, carrier: carrier) == nil }
    }

    /// Names only, never values.
    public var description: String {
        "credentials from the environment and \(files.count) credentials file(s)"
    }

    private static func read(_ path: String) throws(CredentialsFileError) -> [String: String] {
        var info = stat()
        guard stat(path, &info) == 0 else { throw CredentialsFileError(file: path, reason: "it does not exist or cannot be read") }
        guard info.st_mode & 0o077 == 0 else {
            throw CredentialsFileError(file: path, reason: String(format: "its mode is %o: group and others may read it; run chmod 600", info.st_mode & 0o777))
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw CredentialsFileError(file: path, reason: "it cannot be read as UTF-8")
        }
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch { throw CredentialsFileError(file: path, reason: "not valid YAML") }
        guard let mapping = node?.mapping else { throw CredentialsFileError(file: path, reason: "expected NAME: value lines") }
        var values: [String: String] = [:]
        for (key, value) in mapping {
            guard let name = key.string, let text = value.string else {
                throw CredentialsFileError(file: path, reason: "line \(key.mark?.line ?? 0): expected NAME: value")
            }
            values[name] = text
        }
        return values
    }
}

/// A carrier credentials file that cannot be used. Says what is wrong with the file, never what
/// it holds.
public struct CredentialsFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file's path.
    public var file: String
    /// Why.
    public var reason: String
    /// A sentence.
    public var description: String { "carrier credentials file \(file): \(reason)" }
}
