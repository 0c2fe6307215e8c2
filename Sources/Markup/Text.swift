#if canImport(Glibc)
import Glibc
#endif

/// Text clean-up shared by every extraction.
enum Text {
    /// Folds runs of whitespace (including U+00A0 no-break space) into one space and trims.
    static func normalized(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            let isSpace = scalar.value < 0x80 ? isASCIISpace(UInt8(scalar.value)) : (scalar == "\u{00A0}" || scalar.properties.isWhitespace)
            if isSpace {
                pendingSpace = !result.isEmpty
            } else {
                if pendingSpace { result.unicodeScalars.append(" "); pendingSpace = false }
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// The same for a C string from libxml2, without building an intermediate `String` when the
    /// text is plain ASCII (almost every carrier field: codes, dates, cities).
    static func normalized(cString pointer: UnsafePointer<CChar>) -> String {
        let bytes = UnsafeRawBufferPointer(start: pointer, count: strlen(pointer))
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return normalized(String(cString: pointer)) }
        return String(unsafeUninitializedCapacity: bytes.count) { buffer in
            var count = 0
            var pendingSpace = false
            for byte in bytes {
                if isASCIISpace(byte) {
                    pendingSpace = count > 0
                } else {
                    if pendingSpace {
                        buffer[count] = 0x20
                        count += 1
                        pendingSpace = false
                    }
                    buffer[count] = byte
                    count += 1
                }
            }
            return count
        }
    }

    private static func isASCIISpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }
}
