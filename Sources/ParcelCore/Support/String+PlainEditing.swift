/// Replacing, trimming and splitting text without Foundation, for the paths every parcel takes
/// (a notice's rendering, its e-mail, a carrier request's template).
///
/// On Linux Foundation's `replacingOccurrences(of:with:)` and `trimmingCharacters(in:)` bridge
/// each call through `NSString` (UTF-16 copies, a locale-aware search): callgrind counted about
/// 74,000 instructions for one replacement of `"\n"` in a short e-mail body, and together they
/// were a fifth of a first sweep's instructions per parcel. These work on the UTF-8 bytes and the
/// Unicode scalars directly. Replacement compares bytes exactly (what every caller here means: the
/// targets are ASCII markers such as `{number}` or line ends), where Foundation's default compares
/// canonically equivalent text as equal.
extension StringProtocol {
    /// This text with every occurrence of `target` (compared byte for byte, left to right,
    /// without overlaps) replaced by `replacement`. An empty `target` changes nothing.
    public func replacingEvery(_ target: String, with replacement: String) -> String {
        var target = target
        return target.withUTF8 { needle -> String in
            guard let first = needle.first else { return String(self) }
            var text = String(self)
            return text.withUTF8 { haystack -> String in
                var result: [UInt8] = []
                var copied = 0
                var index = 0
                let last = haystack.count - needle.count
                while index <= last {
                    if haystack[index] == first, memoryEqual(haystack, index, needle) {
                        if result.isEmpty { result.reserveCapacity(haystack.count + 16) }
                        result.append(contentsOf: UnsafeBufferPointer(rebasing: haystack[copied..<index]))
                        result.append(contentsOf: replacement.utf8)
                        index += needle.count
                        copied = index
                    } else {
                        index += 1
                    }
                }
                guard copied > 0 else { return String(decoding: haystack, as: UTF8.self) }
                result.append(contentsOf: UnsafeBufferPointer(rebasing: haystack[copied...]))
                return String(decoding: result, as: UTF8.self)
            }
        }
    }

    /// This text without the whitespace at either end: what `trimmingCharacters(in: .whitespaces)`
    /// removes (tab and the Unicode space separators), or with `newlines` also line ends
    /// (`.whitespacesAndNewlines`: U+000A–U+000D, U+0085, U+2028, U+2029).
    public func trimmingSpace(newlines: Bool = false) -> String {
        let text = String(self)
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, scalars[start].isTrimmedSpace(newlines: newlines) { start = scalars.index(after: start) }
        while start < end {
            let before = scalars.index(before: end)
            guard scalars[before].isTrimmedSpace(newlines: newlines) else { break }
            end = before
        }
        return String(Substring(scalars[start..<end]))
    }

    /// The lines of this text split at every `"\n"` (a `"\r\n"` keeps its `"\r"`), empty ones
    /// included: `split(separator: "\n", omittingEmptySubsequences: false)` without breaking the
    /// text into characters first.
    public func linesSplitAtNewline() -> [String] {
        utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }
}

/// Whether `needle` is at `offset` in `haystack` (which holds at least `needle.count` bytes there).
private func memoryEqual(_ haystack: UnsafeBufferPointer<UInt8>, _ offset: Int, _ needle: UnsafeBufferPointer<UInt8>) -> Bool {
    for position in 1..<needle.count where haystack[offset + position] != needle[position] { return false }
    return true
}

extension Unicode.Scalar {
    /// In `CharacterSet.whitespaces` (or, with `newlines`, `.whitespacesAndNewlines`).
    fileprivate func isTrimmedSpace(newlines: Bool) -> Bool {
        if value == 0x09 || value == 0x20 { return true }
        if newlines, (0x0A...0x0D).contains(value) || value == 0x85 || value == 0x2028 || value == 0x2029 { return true }
        return value > 0x7F && properties.generalCategory == .spaceSeparator
    }
}
