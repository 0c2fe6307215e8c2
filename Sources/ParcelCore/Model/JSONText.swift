/// Writes tracking reports as JSON by hand, byte for byte in the layout `JSONEncoder` gives the
/// rest of `--json` (two-space indent, `"key" : value`, keys sorted): a report can hold thousands
/// of events, and Foundation's encoder spent more time on one than parsing the page did.
public struct JSONText {
    private var out: [UInt8] = []

    private mutating func writeString(_ text: String) {
        out.append(UInt8(ascii: "\""))
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out.append(contentsOf: text.utf8)
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\\"): append("\\\\")
            case 0x0A: append("\\n")
            case 0x0D: append("\\r")
            case 0x09: append("\\t")
            case 0x08: append("\\b")
            case 0x0C: append("\\f")
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                append("\\u00")
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private mutating func pad(_ count: Int) {
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: count))
    }

    private mutating func append(_ text: String) {
        out.append(contentsOf: text.utf8)
    }
}

extension JSONText {
    /// Reports written straight to bytes, keys in sorted order, without building a value tree
    /// first: a 5,000-event report is otherwise some 60,000 small allocations.
    public static func pretty(_ reports: [TrackingReport], asArray: Bool) -> [UInt8] {
        var writer = JSONText()
        writer.out.reserveCapacity(reports.reduce(256) { $0 + 256 * $1.events.count })
        if asArray {
            guard !reports.isEmpty else { return Array("[]".utf8) }
            writer.append("[\n")
            for (index, report) in reports.enumerated() {
                writer.pad(2)
                writer.write(report, indent: 2)
                writer.append(index == reports.count - 1 ? "\n" : ",\n")
            }
            writer.append("]")
        } else if let report = reports.first {
            writer.write(report, indent: 0)
        }
        return writer.out
    }

    private mutating func write(_ report: TrackingReport, indent: Int) {
        append("{\n")
        member("carrier", report.carrier, indent: indent + 2)
        pad(indent + 2)
        writeString("events")
        if report.events.isEmpty {
            append(" : [],\n")
        } else {
            append(" : [\n")
            for (index, event) in report.events.enumerated() {
                pad(indent + 4)
                append("{\n")
                member("assumedZone", event.assumedZone, indent: indent + 6)
                member("location", event.location, indent: indent + 6)
                member("rawCode", event.rawCode, indent: indent + 6)
                member("rawStatus", event.rawStatus, indent: indent + 6)
                member("reason", event.reason, indent: indent + 6)
                member("status", event.status, indent: indent + 6)
                member("time", event.time, indent: indent + 6, last: true)
                pad(indent + 4)
                append(index == report.events.count - 1 ? "}\n" : "},\n")
            }
            pad(indent + 2)
            append("],\n")
        }
        member("reason", report.reason, indent: indent + 2)
        if let skipped = report.skippedEvents {
            pad(indent + 2)
            writeString("skippedEvents")
            append(" : \(skipped),\n")
        }
        if let source = report.source { member("source", source, indent: indent + 2) }
        member("status", report.status, indent: indent + 2)
        member("trackingNumber", report.trackingNumber, indent: indent + 2, last: true)
        pad(indent)
        append("}")
    }

    private mutating func member(_ key: String, _ value: String?, indent: Int, last: Bool = false) {
        pad(indent)
        writeString(key)
        append(" : ")
        if let value { writeString(value) } else { append("null") }
        append(last ? "\n" : ",\n")
    }
}
