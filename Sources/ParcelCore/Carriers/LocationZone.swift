import Foundation

/// The time zone of an event's location, for carriers that write local times without an offset
/// (UPS, DPD, Canada Post): a US state or Canadian province, else a country that keeps one zone.
/// Countries spanning several zones (US, CA, RU, AU, BR, MX…) without a region give nil, and the
/// carrier file's `time.zone` applies.
enum LocationZone {
    /// The zone for `country` (ISO alpha-2) and `region` (state or province code), or nil.
    static func zone(country: String?, region: String?, carrierCountry: String) -> TimeZone? {
        let country = (country?.trimmingSpace().uppercased()).flatMap { $0.isEmpty ? nil : $0 }
        let region = region?.trimmingSpace().uppercased()
        if let region, !region.isEmpty {
            let regionCountry = country ?? carrierCountry
            if regionCountry == "US", let name = usStates[region] { return TimeZone(identifier: name) }
            if regionCountry == "CA", let name = canadianProvinces[region] { return TimeZone(identifier: name) }
        }
        guard let country, let name = singleZoneCountries[country] else { return nil }
        return TimeZone(identifier: name)
    }

    /// The zone most of each state lives in (the state's largest city); split states take their
    /// majority zone.
    static let usStates: [String: String] = [
        "AL": "America/Chicago", "AK": "America/Anchorage", "AZ": "America/Phoenix", "AR": "America/Chicago",
        "CA": "America/Los_Angeles", "CO": "America/Denver", "CT": "America/New_York", "DE": "America/New_York",
        "DC": "America/New_York", "FL": "America/New_York", "GA": "America/New_York", "HI": "Pacific/Honolulu",
        "ID": "America/Boise", "IL": "America/Chicago", "IN": "America/Indiana/Indianapolis", "IA": "America/Chicago",
        "KS": "America/Chicago", "KY": "America/New_York", "LA": "America/Chicago", "ME": "America/New_York",
        "MD": "America/New_York", "MA": "America/New_York", "MI": "America/Detroit", "MN": "America/Chicago",
        "MS": "America/Chicago", "MO": "America/Chicago", "MT": "America/Denver", "NE": "America/Chicago",
        "NV": "America/Los_Angeles", "NH": "America/New_York", "NJ": "America/New_York", "NM": "America/Denver",
        "NY": "America/New_York", "NC": "America/New_York", "ND": "America/Chicago", "OH": "America/New_York",
        "OK": "America/Chicago", "OR": "America/Los_Angeles", "PA": "America/New_York", "RI": "America/New_York",
        "SC": "America/New_York", "SD": "America/Chicago", "TN": "America/Chicago", "TX": "America/Chicago",
        "UT": "America/Denver", "VT": "America/New_York", "VA": "America/New_York", "WA": "America/Los_Angeles",
        "WV": "America/New_York", "WI": "America/Chicago", "WY": "America/Denver", "PR": "America/Puerto_Rico",
        "GU": "Pacific/Guam", "VI": "America/St_Thomas",
    ]

    /// Canadian provinces and territories by postal abbreviation.
    static let canadianProvinces: [String: String] = [
        "AB": "America/Edmonton", "BC": "America/Vancouver", "MB": "America/Winnipeg", "NB": "America/Moncton",
        "NL": "America/St_Johns", "NS": "America/Halifax", "NT": "America/Yellowknife", "NU": "America/Iqaluit",
        "ON": "America/Toronto", "PE": "America/Halifax", "QC": "America/Toronto", "SK": "America/Regina",
        "YT": "America/Whitehorse",
    ]

    /// Countries on one zone (mainland, where territories abroad have their own).
    static let singleZoneCountries: [String: String] = [
        "PL": "Europe/Warsaw", "DE": "Europe/Berlin", "NL": "Europe/Amsterdam", "BE": "Europe/Brussels",
        "LU": "Europe/Luxembourg", "FR": "Europe/Paris", "ES": "Europe/Madrid", "PT": "Europe/Lisbon",
        "IT": "Europe/Rome", "AT": "Europe/Vienna", "CH": "Europe/Zurich", "CZ": "Europe/Prague",
        "SK": "Europe/Bratislava", "HU": "Europe/Budapest", "SI": "Europe/Ljubljana", "HR": "Europe/Zagreb",
        "RO": "Europe/Bucharest", "BG": "Europe/Sofia", "GR": "Europe/Athens", "DK": "Europe/Copenhagen",
        "SE": "Europe/Stockholm", "NO": "Europe/Oslo", "FI": "Europe/Helsinki", "EE": "Europe/Tallinn",
        "LV": "Europe/Riga", "LT": "Europe/Vilnius", "IE": "Europe/Dublin", "GB": "Europe/London",
        "UA": "Europe/Kyiv", "BY": "Europe/Minsk", "TR": "Europe/Istanbul", "IS": "Atlantic/Reykjavik",
        "CN": "Asia/Shanghai", "JP": "Asia/Tokyo", "KR": "Asia/Seoul", "IN": "Asia/Kolkata", "SG": "Asia/Singapore",
        "HK": "Asia/Hong_Kong", "TW": "Asia/Taipei", "IL": "Asia/Jerusalem", "AE": "Asia/Dubai", "ZA": "Africa/Johannesburg",
        "NZ": "Pacific/Auckland",
    ]
}
