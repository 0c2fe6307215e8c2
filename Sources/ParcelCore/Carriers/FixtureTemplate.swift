import Foundation

/// Renders a recorded page's placeholders (`{{number}}`, `{{time:-2d3h}}`,
/// `{{time:+1d|dd/MM/yyyy}}`) for one parcel at one simulated moment.
///
/// Works on bytes, so ISO-8859-2 and windows-1250 pages are rendered without re-encoding:
/// placeholders are ASCII and so is what replaces them.
public struct FixtureTemplate: Sendable {
    /// The raw template bytes.
    public let bytes: [UInt8]

    /// Wraps a template.
    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Replaces every placeholder. Times use `pattern` and `zone` unless the placeholder names
    /// its own format; an unreadable placeholder is left as it is, so a broken fixture is
    /// visible in the output instead of silently "fixed".
    public func render(number: String, now: Date, pattern: TimePattern, zone: TimeZone) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 256)
        var index = 0
        let open: [UInt8] = [0x7B, 0x7B], close: [UInt8] = [0x7D, 0x7D]
        while index < bytes.count {
            if bytes[index] == open[0], index + 1 < bytes.count, bytes[index + 1] == open[1],
                let end = Self.find(close, in: bytes, from: index + 2)
            {
                let inner = String(decoding: bytes[(index + 2)..<end], as: UTF8.self)
                if let replacement = replacement(for: inner, number: number, now: now, pattern: pattern, zone: zone) {
                    out.append(contentsOf: Array(replacement.utf8))
                    index = end + 2
                    continue
                }
            }
            out.append(bytes[index])
            index += 1
        }
        return out
    }

    private func replacement(for inner: String, number: String, now: Date, pattern: TimePattern, zone: TimeZone) -> String? {
        let trimmed = inner.trimmingSpace()
        if trimmed == "number" { return number }
        guard trimmed.hasPrefix("time:") else { return nil }
        let spec = trimmed.dropFirst(5)
        let parts = spec.split(separator: "|", maxSplits: 1)
        guard let first = parts.first, let offset = DurationText.offsetSeconds(String(first)) else { return nil }
        let usedPattern: TimePattern
        if parts.count > 1 {
            guard let custom = try? TimePattern(String(parts[1])) else { return nil }
            usedPattern = custom
        } else {
            usedPattern = pattern
        }
        return usedPattern.format(now.addingTimeInterval(Double(offset)), zone: zone)
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        var index = start
        while index + needle.count <= haystack.count {
            if haystack[index] == needle[0], haystack[index + 1] == needle[1] { return index }
            if haystack[index] == 0x0A { return nil }  // placeholders never span lines
            index += 1
        }
        return nil
    }
}
