import Foundation

/// The one JSON style of every `--json` answer and of the server's API: pretty, keys sorted,
/// slashes unescaped, every time as ISO-8601 UTC (`2026-11-20T12:00:00Z`, never Foundation's
/// seconds since 2001), a final newline. The API returns byte for byte what the CLI prints.
public enum JSONOutput {
    /// `value` as Parcelwatch writes JSON.
    public static func data(_ value: some Encodable) throws -> Data {
        var data = try encoder().encode(value)
        data.append(0x0A)
        return data
    }

    /// An encoder in this style (without the final newline), for writing many values with one.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(ISOTime.utc(date))
        }
        return encoder
    }
}
