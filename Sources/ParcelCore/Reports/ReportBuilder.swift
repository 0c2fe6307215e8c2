import Foundation

/// The pure arithmetic behind ``ShopReport``: rates, medians, the on-time rule and the
/// `--since` window, kept apart from SQL so each is tested on its own and computed once.
public enum ReportBuilder {
    /// `part / whole` as a share 0…1, or nil when `whole` is not positive (a rate over nothing
    /// is undefined, not zero).
    public static func rate(_ part: Int, of whole: Int) -> Double? {
        guard whole > 0 else { return nil }
        return Double(part) / Double(whole)
    }

    /// Which sorted rows hold the median of `count` values: skip `offset`, take `limit` (one
    /// row for an odd count, the two middle ones for an even count); nil for no values. The
    /// store reads just those rows (`ORDER BY … LIMIT ? OFFSET ?`), never the whole column.
    public static func medianRows(count: Int) -> (offset: Int, limit: Int)? {
        guard count > 0 else { return nil }
        return ((count - 1) / 2, count % 2 == 0 ? 2 : 1)
    }

    /// The median from the middle values ``medianRows(count:)`` selected: the value itself, or
    /// the mean of the two; nil for none.
    public static func median(middle: [Double]) -> Double? {
        guard let first = middle.first else { return nil }
        guard middle.count > 1, let last = middle.last else { return first }
        return first + (last - first) / 2
    }

    /// The median of any values (sorted here); nil for none.
    public static func median(of values: [Double]) -> Double? {
        let sorted = values.sorted()
        guard let rows = medianRows(count: sorted.count) else { return nil }
        return median(middle: Array(sorted[rows.offset..<(rows.offset + rows.limit)]))
    }

    /// True when a parcel first delivered at `deliveredAt` arrived on or before `promisedDate`
    /// (`YYYY-MM-DD`), comparing the local day in `zone`: 23:30 UTC on the promised day is
    /// already the next day in Warsaw, so late. Nil when the promised date is unreadable.
    public static func isOnTime(deliveredAt: Date, promisedDate: String, in zone: TimeZone) -> Bool? {
        guard let promised = CivilDate(promisedDate) else { return nil }
        return CivilDate(deliveredAt, in: zone) <= promised
    }

    /// True when a parcel not delivered by `now` is late: its promised day (`YYYY-MM-DD`) is
    /// before today, the local day of `now` in `zone`. A promise for today is not late yet (the
    /// day is not over). Nil when the promised date is unreadable.
    public static func isOverdue(promisedDate: String, now: Date, in zone: TimeZone) -> Bool? {
        guard let promised = CivilDate(promisedDate) else { return nil }
        return promised < CivilDate(now, in: zone)
    }

    /// The start of a report window from `--since`: `YYYY-MM-DD` is that day's midnight in the
    /// shop's `zone`; `30d`, `2w`, `12h` are that long before `now` (1 to 99999 units). Nil for
    /// anything else, and for a start after `now`.
    public static func since(_ text: String, now: Date, zone: TimeZone) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let day = CivilDate(trimmed) {
            let start = day.start(in: zone)
            return start <= now ? start : nil
        }
        guard let length = DurationText.window(trimmed) else { return nil }
        return now.addingTimeInterval(-length)
    }
}
