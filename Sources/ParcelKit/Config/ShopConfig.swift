import Foundation
import Yams

/// The shop's settings (`parcelwatch.yaml`): the time zone its dates are judged in, and the
/// defaults later concerns (incidents, notices) read. Every key has an embedded default, so
/// Parcelwatch runs with no file at all.
///
/// ```yaml
/// shop:
///   name: Księgarnia Nowak
///   timezone: Europe/Warsaw
/// ```
public struct ShopConfig: Sendable {
    /// The shop's display name.
    public var shopName: String
    /// The zone promised dates, business days and quiet hours are judged in.
    public var timeZone: TimeZone
    /// Where the settings came from (`embedded defaults` without a file).
    public var source: String

    /// The embedded defaults.
    public static let defaults = ShopConfig(shopName: "Parcelwatch demo shop", timeZone: TimeZone(identifier: "Europe/Warsaw") ?? .current,
                                            source: "embedded defaults")

    /// Creates a configuration.
    public init(shopName: String, timeZone: TimeZone, source: String) {
        self.shopName = shopName
        self.timeZone = timeZone
        self.source = source
    }

    /// `explicit` (`--config`), else `PARCELWATCH_CONFIG`, else `./parcelwatch.yaml` when it
    /// exists, else the defaults. A named file that is missing is an error; a silent fallback
    /// would judge dates in the wrong zone.
    public static func load(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigError) -> ShopConfig {
        if let path = explicit ?? environment["PARCELWATCH_CONFIG"].flatMap({ $0.isEmpty ? nil : $0 }) {
            return try read(file: path)
        }
        if FileManager.default.fileExists(atPath: "parcelwatch.yaml") { return try read(file: "parcelwatch.yaml") }
        return defaults
    }

    /// Reads one file over the defaults.
    public static func read(file: String) throws(ConfigError) -> ShopConfig {
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
            throw .unreadable(file: file, detail: "no such file or not UTF-8")
        }
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch { throw .unreadable(file: file, detail: "\(error)") }
        var config = defaults
        config.source = file
        guard let root = node?.mapping else { return config }
        if let shop = root["shop"]?.mapping {
            if let name = shop["name"]?.string { config.shopName = name }
            if let zoneName = shop["timezone"]?.string {
                guard let zone = TimeZone(identifier: zoneName) else {
                    throw .badValue(file: file, key: "shop.timezone", detail: "'\(zoneName)' is not an IANA time zone such as Europe/Warsaw")
                }
                config.timeZone = zone
            }
        }
        return config
    }
}
