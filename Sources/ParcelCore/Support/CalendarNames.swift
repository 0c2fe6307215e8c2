/// English month and weekday names, as carrier pages, e-mail `Date:` headers, HTTP dates and
/// dates in English write them. (Curl reads HTTP dates with its own list: it cannot depend on
/// ParcelKit.)
public enum CalendarNames {
    /// `January` … `December`: index `month - 1`.
    public static let months = [
        "January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December",
    ]
    /// `Jan` … `Dec`: index `month - 1`.
    public static let monthAbbreviations = months.map { String($0.prefix(3)) }
    /// `Mon` … `Sun`: index `weekday - 1` of an ISO weekday (1 = Monday, as ``CivilDate/weekday``).
    public static let weekdayAbbreviations = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

    /// The abbreviated weekday of the day `days` days after 1970-01-01 (a Thursday); negative
    /// counts go back before it.
    public static func weekdayAbbreviation(daysSince1970 days: Int) -> String {
        weekdayAbbreviations[((days % 7 + 7) % 7 + 3) % 7]
    }
}
