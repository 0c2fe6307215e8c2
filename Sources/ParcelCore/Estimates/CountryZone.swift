import Foundation

/// The zone and business calendar the lane model uses for a country, looked up once and kept:
/// estimates ask for them several times each and `TimeZone(identifier:)` is not free. Public so
/// that the store judges a carrier's estimated day in the same zone as the model.
public enum CountryZone {
    /// Zones of the single-zone countries, and UTC's.
    private static let zones: [String: TimeZone] = {
        var zones: [String: TimeZone] = [:]
        for (country, name) in LocationZone.singleZoneCountries {
            if let zone = TimeZone(identifier: name) { zones[country] = zone }
        }
        return zones
    }()

    /// UTC.
    private static let utc = TimeZone(secondsFromGMT: 0) ?? .current

    /// The zone for `country`: the country's one zone, or UTC for countries that span several or
    /// that the table does not know.
    public static func zone(_ country: String) -> TimeZone {
        zones[country] ?? zones[country.uppercased()] ?? utc
    }

    /// The business calendar for `country`.
    public static func calendar(_ country: String) -> BusinessCalendar { BusinessCalendar(country: country) }
}
