import CarrierSim
import Foundation

/// Hostile variants of a carrier page, generated deterministically from a seed so a failing case
/// can be reproduced: bit flips, truncation, re-encodings, deep nesting, huge attributes, NUL
/// bytes and random garbage. The corpus generator the fault tests use.
public struct FuzzCorpus {
    /// A small deterministic generator, so runs are repeatable: the history generator's.
    public typealias Generator = SplitMix64

    /// `count` mutations of `page`.
    public static func mutations(of page: [UInt8], count: Int, seed: UInt64) -> [(kind: String, bytes: [UInt8])] {
        var random = Generator(seed: seed)
        return (0..<count).map { index in
            var bytes = page
            switch index % 8 {
            case 0:
                for _ in 0..<Int.random(in: 1...32, using: &random) where !bytes.isEmpty {
                    let at = Int.random(in: 0..<bytes.count, using: &random)
                    bytes[at] ^= UInt8(1 << Int.random(in: 0..<8, using: &random))
                }
                return ("bit flips", bytes)
            case 1:
                return ("truncated", Array(bytes.prefix(Int.random(in: 0...max(0, bytes.count), using: &random))))
            case 2:
                // UTF-8 read as Latin-1 and written back as UTF-8 (double encoding), or UTF-16.
                let text = String(decoding: bytes, as: UTF8.self)
                if Bool.random(using: &random) {
                    return ("double-encoded", Array(String(text.unicodeScalars.map { Character(Unicode.Scalar(UInt8(truncatingIfNeeded: $0.value))) }).utf8))
                }
                return ("utf-16", Array(text.data(using: .utf16) ?? Data()))
            case 3:
                let depth = Int.random(in: 200...20_000, using: &random)
                let open = Array(repeating: Array((bytes.first == UInt8(ascii: "{") || bytes.first == UInt8(ascii: "[") ? "[" : "<a>").utf8), count: depth)
                    .flatMap { $0 }
                return ("deep nesting", open + bytes)
            case 4:
                let huge = Array(repeating: UInt8(ascii: "x"), count: Int.random(in: 10_000...2_000_000, using: &random))
                let insert = Array(" data-x=\"".utf8) + huge + Array("\"".utf8)
                let at = bytes.firstIndex(of: UInt8(ascii: ">")) ?? 0
                bytes.insert(contentsOf: insert, at: at)
                return ("huge attribute", bytes)
            case 5:
                for _ in 0..<Int.random(in: 1...8, using: &random) where !bytes.isEmpty {
                    bytes.insert(0, at: Int.random(in: 0..<bytes.count, using: &random))
                }
                return ("NUL bytes", bytes)
            case 6:
                // A chunk of the page repeated: duplicated elements and keys.
                guard bytes.count > 2 else { return ("repeated", bytes) }
                let start = Int.random(in: 0..<bytes.count - 1, using: &random)
                let end = min(bytes.count, start + Int.random(in: 1...4096, using: &random))
                bytes.insert(contentsOf: bytes[start..<end], at: end)
                return ("repeated", bytes)
            default:
                return ("garbage", (0..<Int.random(in: 0...65_536, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) })
            }
        }
    }
}
