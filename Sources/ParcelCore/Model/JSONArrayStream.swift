import Foundation

/// A JSON array written a few elements at a time, byte for byte what ``JSONOutput/data(_:)``
/// writes for the whole array at once: a listing writes each page as it reads it and never holds
/// the whole array, and its output stays one valid document. The array may be the last field of
/// an object (`customer export`'s `orders`): the text before and after it is given.
public struct JSONArrayStream {
    private let encoder = JSONOutput.encoder()
    private let opening: Data
    private let closing: Data
    private let empty: Data
    private let indent: Data
    private var written = 0

    /// A top-level array (`[` … `]`).
    public init() throws {
        self.init(opening: Data("[\n".utf8), closing: Data("\n]\n".utf8), empty: try JSONOutput.data([Int]()), depth: 1)
    }

    /// An array `depth` levels in (2 spaces each): `opening` is the text up to and including the
    /// `[` and its newline, `closing` from the newline after the last element to the end, and
    /// `empty` the whole document as ``JSONOutput/data(_:)`` writes it with no element.
    public init(opening: Data, closing: Data, empty: Data, depth: Int) {
        self.opening = opening
        self.closing = closing
        self.empty = empty
        self.indent = Data(repeating: 0x20, count: 2 * depth)
    }

    /// How many elements were written.
    public var count: Int { written }

    /// The bytes of `elements`, the opening before the first of all.
    public mutating func next(_ elements: [some Encodable]) throws -> Data {
        var bytes: [UInt8] = []
        for element in elements {
            bytes.append(contentsOf: written == 0 ? opening : Self.separator)
            bytes.append(contentsOf: indent)
            // Pretty JSON has a raw newline only between tokens (a string's are escaped), so
            // indenting each line after one nests the element (an empty line stays empty).
            try encoder.encode(element).withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                var start = 0
                for index in raw.indices where raw[index] == 0x0A {
                    bytes.append(contentsOf: raw[start...index])
                    if index + 1 < raw.count, raw[index + 1] != 0x0A { bytes.append(contentsOf: indent) }
                    start = index + 1
                }
                bytes.append(contentsOf: raw[start...])
            }
            written += 1
        }
        return Data(bytes)
    }

    private static let separator = Data(",\n".utf8)

    /// The bytes that end the document: the closing, or the whole empty document when no
    /// element was written.
    public func end() -> Data {
        written == 0 ? empty : closing
    }
}
