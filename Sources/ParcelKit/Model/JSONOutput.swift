import Foundation

/// The one JSON style of every `--json` answer and of the server's API: pretty, keys sorted,
/// slashes unescaped, a final newline. The API returns byte for byte what the CLI prints.
public enum JSONOutput {
    /// `value` as Parcelwatch writes JSON.
    public static func data(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(0x0A)
        return data
    }
}
