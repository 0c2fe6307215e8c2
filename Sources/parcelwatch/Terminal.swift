import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Colours and layout for people at a terminal; nothing of it when output goes to a pipe or
/// `NO_COLOR` is set.
enum Terminal {
    static let colours: Bool = isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil

    static func paint(_ text: String, _ code: String) -> String {
        colours ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    static func bold(_ text: String) -> String { paint(text, "1") }
    static func dim(_ text: String) -> String { paint(text, "2") }

    /// Colour for a canonical status name.
    static func status(_ name: String) -> String {
        switch name {
        case "delivered": return paint(name, "32")
        case "exception", "attemptFailed", "returning", "returned", "expired": return paint(name, "31")
        case "outForDelivery", "availableForPickup": return paint(name, "36")
        case "unknown": return paint(name, "33")
        default: return name
        }
    }

    /// Left-aligned columns sized to their content (colour codes not counted).
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        var table = TableStream(header)
        return table.next(rows)
    }

    /// A table printed a page of rows at a time (a listing never holds them all): the header
    /// with the first page, columns sized to the rows so far, so they only ever widen. One page
    /// prints exactly as ``table(_:_:)``.
    struct TableStream {
        private let header: [String]
        private var widths: [Int]
        private(set) var started = false

        init(_ header: [String]) {
            self.header = header
            self.widths = header.map(Terminal.visibleWidth)
        }

        /// The lines of `rows` (after the header, the first time), without a final newline.
        mutating func next(_ rows: [[String]]) -> String {
            for row in rows {
                for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], Terminal.visibleWidth(cell)) }
            }
            func line(_ cells: [String]) -> String {
                cells.enumerated().map { index, cell in
                    index == cells.count - 1 ? cell : cell + String(repeating: " ", count: max(0, widths[index] - Terminal.visibleWidth(cell)))
                }.joined(separator: "  ")
            }
            let lines = rows.map(line)
            defer { started = true }
            return (started ? lines : [Terminal.bold(line(header))] + lines).joined(separator: "\n")
        }
    }

    fileprivate static func visibleWidth(_ text: String) -> Int {
        var count = 0, inEscape = false
        for char in text {
            if char == "\u{1B}" { inEscape = true; continue }
            if inEscape { if char == "m" { inEscape = false }; continue }
            count += 1
        }
        return count
    }
}
