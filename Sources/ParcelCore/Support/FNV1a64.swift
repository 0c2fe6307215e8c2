/// FNV-1a with 64 bits: a hash that comes out the same on every machine and in every run (Swift's
/// `Hasher` is seeded anew in each process), for identities that are stored or sent: event
/// fingerprints, notice Message-IDs, the marker an erased customer's orders keep.
///
/// Not for security: anyone can make two texts with the same hash.
public struct FNV1a64: Sendable, Hashable {
    /// The offset basis the hash starts from.
    public static let offsetBasis: UInt64 = 0xCBF2_9CE4_8422_2325
    /// The FNV prime each byte is multiplied in with.
    public static let prime: UInt64 = 0x0000_0100_0000_01B3

    /// The hash of what was combined so far (``offsetBasis`` for nothing).
    public private(set) var value: UInt64 = FNV1a64.offsetBasis

    /// A hash of nothing yet.
    public init() {}

    /// Mixes in one byte.
    public mutating func combine(_ byte: UInt8) {
        value = (value ^ UInt64(byte)) &* Self.prime
    }

    /// Mixes in bytes, in order.
    public mutating func combine(_ bytes: some Sequence<UInt8>) {
        for byte in bytes { combine(byte) }
    }

    /// The hash of `text`'s UTF-8 bytes.
    public static func hash(_ text: String) -> UInt64 {
        var hasher = FNV1a64()
        hasher.combine(text.utf8)
        return hasher.value
    }

    /// ``value`` as 16 lowercase hex digits, zero-padded.
    public var paddedHex: String {
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
