import Foundation
import ParcelCore

/// One continuous history across the stages of a parcel's script.
///
/// Each stage's fixture is a whole recorded page, often of another parcel, so served as it is a
/// later stage would restart the story ("label created" after "available for pickup") and move
/// events already shown. Instead stage k shows stage k−1's events exactly as they were (same
/// bytes, so the same fingerprints) plus what stage k adds after them:
///
/// 1. **Find the events.** Stage k's template is rendered at the stage's start and read by the
///    carrier's own parser (``CarrierParser``). Each time placeholder is then moved alone and the
///    page re-read: the event whose time changes owns it. The page's syntax tree (JSON values or
///    XML/HTML elements, ``SpanScanner``) gives each event's node: the child of the events'
///    common ancestor that holds its placeholders. Nothing here knows a carrier or a path.
/// 2. **Choose the new events.** Events whose raw text, code and location the history already
///    has mark how far stage k's recording overlaps it: only events after the last of them are
///    new; of those, any that would step back in the parcel's progress (label → transit → out
///    for delivery / attempt / pickup → delivered) are dropped.
/// 3. **Place them in time.** The new events keep their recorded spacing at the stage's start
///    when they all fall after the newest event shown and after stage k−1 began to show (a
///    tracker that looked during stage k−1 saw none of them, so none may predate it); otherwise
///    they move later (whole minutes, never past the stage's start) until they do, and those
///    that still cannot are dropped. No new event is older than what a tracker already saw.
/// 4. **Write the page.** Stage k's page keeps everything but its event list, which becomes the
///    shown nodes and the new ones (their placeholders shifted) in the page's own order and
///    separator. The result is read back with the carrier's parser; unless it holds exactly the
///    shown events and the new ones, the stage is served as recorded.
enum StageContinuity {
    /// New events come at least this long after the newest event already shown.
    static let gap: TimeInterval = 15 * 60
    /// How far one placeholder is moved to learn which event it belongs to.
    private static let probe = 40 * 86_400 + 3 * 3600 + 7 * 60

    /// Renders and reads one carrier source's pages for one parcel.
    struct Reader {
        let definition: CarrierDefinition
        let number: String
        let pattern: TimePattern

        func render(_ template: [UInt8], at instant: Date) -> [UInt8] {
            FixtureTemplate(bytes: template).render(number: number, now: instant, pattern: pattern, zone: definition.timeZone)
        }

        /// The page's events, nil when the carrier's parser does not read events from it.
        func events(_ page: [UInt8]) -> [TrackingEvent]? {
            try? CarrierParser(definition: definition).parse(page, number: number).events
        }
    }

    /// The history a stage's page shows.
    struct History: Sendable {
        struct Entry: Sendable {
            var event: TrackingEvent
            /// The event's node, rendered, as it appears in the page.
            var node: [UInt8]
        }

        /// Oldest first.
        var entries: [Entry]
        /// When the page showing it started to (its stage's start).
        var since: Date
        var newestFirst: Bool?
        var separator: [UInt8]?
        /// The signature of the node that holds the event list (see ``SpanNode/signature``).
        var container: [String]?

        var newest: Date? { entries.map(\.event.time.date).max() }
    }

    /// A template's events and where their nodes are in it.
    struct Located {
        struct Event {
            /// As read from the template rendered at ``Located/renderedAt``.
            var event: TrackingEvent
            var node: Range<Int>
        }

        /// In page order.
        var events: [Event]
        var renderedAt: Date
        /// The text the node ranges are in: the template, or the decoded JSON string in it that
        /// holds the event list (a JSON answer carried as a string, Amazon's `@json`).
        var document: [UInt8] = []
        /// That string literal in the template, quotes included; nil when `document` is the template.
        var embedding: Range<Int>?
        /// The one event is the list itself, as JSON converted from XML writes a list of one:
        /// more events make it an array.
        var bareElement = false
        /// From the first event node's start to the last one's end.
        var region: Range<Int>?
        var newestFirst: Bool?
        var separator: [UInt8]?
        var container: [String]?
    }

    // MARK: - Finding the events

    /// Where the events of `template` are. Nil when the parser reads no events from it (an error
    /// page) or their nodes cannot be told apart; a single event needs `container` (the event
    /// list's signature, learnt from another page of the source).
    static func locate(_ template: [UInt8], reader: Reader, at instant: Date, container hint: [String]?) -> Located? {
        guard let baseline = reader.events(reader.render(template, at: instant)) else { return nil }
        guard !baseline.isEmpty else { return Located(events: [], renderedAt: instant, document: template) }
        let keys = baseline.map { identity($0) }
        guard Set(keys).count == keys.count else { return nil }
        let placeholders = Placeholder.all(in: template)
        var anchors = [[Int]](repeating: [], count: baseline.count)
        for placeholder in placeholders {
            var variant = template
            variant.replaceSubrange(placeholder.range, with: placeholder.moved(by: -probe))
            var affected: [Int]
            if let moved = reader.events(reader.render(variant, at: instant)) {
                var remaining = Dictionary(moved.map { (identity($0), 1) }, uniquingKeysWith: +)
                affected = []
                for (index, key) in keys.enumerated() {
                    if let count = remaining[key], count > 0 { remaining[key] = count - 1 } else { affected.append(index) }
                }
            } else {
                guard baseline.count == 1 else { return nil }
                affected = [0]
            }
            guard affected.count <= 1 else { return nil }
            if let index = affected.first { anchors[index].append(placeholder.range.lowerBound) }
        }
        guard anchors.allSatisfy({ !$0.isEmpty }) else { return nil }

        let tree: SpanNode?
        switch reader.definition.format {
        case .json: tree = SpanScanner.json(template)
        case .xml: tree = SpanScanner.markup(template, html: false)
        case .html: tree = SpanScanner.markup(template, html: true)
        }
        guard let tree else { return nil }
        var holder: SpanNode?
        if baseline.count > 1 {
            holder = tree.commonAncestor(of: anchors.flatMap { $0 })
        } else if let hint, let own = tree.commonAncestor(of: anchors[0]) {
            let path = tree.path(to: own.start)
            holder = path.dropLast().last { $0.signature == hint }
            // Without arrays, the list of one written as its element has the list's signature.
            func bare(_ signature: [String]) -> [String] { signature.filter { $0 != "[]" }.map { $0.hasSuffix("[]") ? String($0.dropLast(2)) : $0 } }
            if holder == nil, reader.definition.format == .json,
                let element = path.last(where: { template[$0.start] == UInt8(ascii: "{") && bare($0.signature) == bare(hint) })
            {
                return Located(
                    events: [Located.Event(event: baseline[0], node: element.start..<element.end)], renderedAt: instant,
                    document: template, bareElement: true, region: element.start..<element.end, container: hint)
            }
        }
        // Events inside a JSON string that holds JSON: the list is in the decoded text.
        var document = template
        var embedding: Range<Int>?
        if reader.definition.format == .json, baseline.count > 1, let string = holder, template[string.start] == UInt8(ascii: "\""),
            let inner = JSONString.decode(template[(string.start + 1)..<(string.end - 1)]), let innerTree = SpanScanner.json(inner)
        {
            let outer = placeholders.map(\.range.lowerBound).filter(string.contains)
            let decoded = Placeholder.all(in: inner).map(\.range.lowerBound)
            guard outer.count == decoded.count else { return nil }
            let moved = Dictionary(uniqueKeysWithValues: zip(outer, decoded))
            anchors = anchors.map { $0.compactMap { moved[$0] } }
            document = inner
            embedding = string.start..<string.end
            holder = innerTree.commonAncestor(of: anchors.flatMap { $0 })
        }
        guard let holder else { return nil }
        var events: [Located.Event] = []
        for (index, positions) in anchors.enumerated() {
            guard let node = holder.children.first(where: { $0.contains(positions[0]) }),
                positions.allSatisfy(node.contains),
                !events.contains(where: { $0.node.lowerBound == node.start })
            else { return nil }
            events.append(Located.Event(event: baseline[index], node: node.start..<node.end))
        }
        events.sort { $0.node.lowerBound < $1.node.lowerBound }
        // Only separators between the nodes: they are one list, nothing else is in it.
        for (left, right) in zip(events, events.dropFirst()) {
            let between = document[left.node.upperBound..<right.node.lowerBound].filter { !SpanScanner.isSpace($0) }
            let expected: [UInt8] = reader.definition.format == .json ? [UInt8(ascii: ",")] : []
            guard between == expected else { return nil }
        }
        let first = events[0], last = events[events.count - 1]
        return Located(
            events: events, renderedAt: instant, document: document, embedding: embedding, region: first.node.lowerBound..<last.node.upperBound,
            newestFirst: events.count > 1 ? first.event.time.date > last.event.time.date : nil,
            separator: events.count > 1 ? Array(document[first.node.upperBound..<events[1].node.lowerBound]) : nil,
            container: holder.signature)
    }

    /// The history a page rendered as recorded shows.
    static func history(of located: Located, reader: Reader) -> History {
        let entries = located.events
            .map { History.Entry(event: $0.event, node: reader.render(Array(located.document[$0.node]), at: located.renderedAt)) }
            .sorted { $0.event.time.date < $1.event.time.date }
        return History(
            entries: entries, since: located.renderedAt, newestFirst: located.newestFirst, separator: located.separator,
            container: located.container)
    }

    // MARK: - Continuing a history

    /// Stage k's page continuing `shown` (stage k−1's history), and the history it shows; nil
    /// when the composed page does not read back as intended.
    static func continuing(_ shown: History, template: [UInt8], located: Located, reader: Reader) -> (page: [UInt8], history: History)? {
        guard let newestShown = shown.newest, let region = located.region else { return nil }
        let start = located.renderedAt
        let document = located.document
        // 2. What is new: after the overlap with what was shown, never a step back.
        let known = Set(shown.entries.map { key($0.event) })
        let chronological = located.events.sorted { $0.event.time.date < $1.event.time.date }
        let overlap = chronological.lastIndex { known.contains(key($0.event)) }.map { $0 + 1 } ?? 0
        var reached = shown.entries.compactMap { progress($0.event.status) }.max() ?? 0
        var fresh: [Located.Event] = []
        for candidate in chronological[overlap...] {
            if let step = progress(candidate.event.status) {
                guard step >= reached else { continue }
                reached = step
            }
            fresh.append(candidate)
        }
        // 3. When: after the newest event shown and after the shown page appeared (a tracker
        //    that looked then saw none of it), never after the stage's start.
        var shift: TimeInterval = 0
        let earliest = max(newestShown, shown.since).addingTimeInterval(gap)
        if let oldest = fresh.first?.event.time.date, let newest = fresh.last?.event.time.date, oldest < earliest {
            let room = max(start.timeIntervalSince(newest), 0)
            shift = min(earliest.timeIntervalSince(oldest), room)
            shift = max(shift, earliest.timeIntervalSince(newest))
            shift = (shift / 60).rounded(.up) * 60
            fresh.removeAll { $0.event.time.date.addingTimeInterval(shift) < earliest }
        }
        // 4. The page: the shown nodes and the new ones, in the page's order.
        let newestFirst = located.newestFirst ?? shown.newestFirst ?? false
        let separator = located.separator ?? shown.separator ?? defaultSeparator(document, before: region.lowerBound, format: reader.definition.format)
        var nodes: [(time: Date, bytes: [UInt8])] = shown.entries.map { ($0.event.time.date, $0.node) }
        let moved = fresh.map { Placeholder.shifted(Array(document[$0.node]), by: Int(shift)) }
        nodes += zip(fresh, moved).map { ($0.event.time.date.addingTimeInterval(shift), $1) }
        nodes = nodes.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
        if newestFirst { nodes.reverse() }
        var composed = Array(document[..<region.lowerBound])
        for (index, node) in nodes.enumerated() {
            if index > 0 { composed += separator }
            composed += node.bytes
        }
        if located.bareElement { composed = Array(document[..<region.lowerBound]) + [UInt8(ascii: "[")] + composed[region.lowerBound...] + [UInt8(ascii: "]")] }
        composed += document[region.upperBound...]
        if let embedding = located.embedding {
            composed = Array(template[..<embedding.lowerBound]) + JSONString.encode(composed) + Array(template[embedding.upperBound...])
        }
        let page = reader.render(composed, at: start)

        // Read back: exactly the shown events and the new ones at their new times.
        guard let read = reader.events(page) else { return nil }
        var expected = shown.entries.map { identity($0.event) }
        expected += fresh.map { identity($0.event, shiftedBy: shift) }
        guard read.map({ identity($0) }).sorted() == expected.sorted() else { return nil }
        var added: [String: [[UInt8]]] = [:]
        for (event, bytes) in zip(fresh, moved) { added[identity(event.event, shiftedBy: shift), default: []].append(reader.render(bytes, at: start)) }
        var entries = shown.entries
        let shownKeys = Dictionary(shown.entries.map { (identity($0.event), 1) }, uniquingKeysWith: +)
        var seen: [String: Int] = [:]
        for event in read {
            let id = identity(event)
            seen[id, default: 0] += 1
            if seen[id, default: 0] <= shownKeys[id, default: 0] { continue }
            guard let node = added[id]?.popLast() else { return nil }
            entries.append(History.Entry(event: event, node: node))
        }
        entries.sort { $0.event.time.date < $1.event.time.date }
        return (
            page,
            History(
                entries: entries, since: start, newestFirst: newestFirst, separator: separator,
                container: located.container ?? shown.container)
        )
    }

    // MARK: - Helpers

    /// How far along a parcel is; nil for statuses that can come at any point (exceptions,
    /// returns, unknown texts).
    static func progress(_ status: TrackingStatus) -> Int? {
        switch status {
        case .infoReceived: 1
        case .inTransit: 2
        case .outForDelivery, .attemptFailed, .availableForPickup: 3
        case .delivered: 4
        default: nil
        }
    }

    /// What the carrier wrote, without when: the same event in two recordings.
    private static func key(_ event: TrackingEvent) -> String {
        [event.rawStatus, event.rawCode ?? "", event.location ?? ""].joined(separator: "\u{1F}")
    }

    /// What the carrier wrote and the second it happened (what fingerprints compare).
    private static func identity(_ event: TrackingEvent) -> String { identity(event, shiftedBy: 0) }

    private static func identity(_ event: TrackingEvent, shiftedBy shift: TimeInterval) -> String {
        key(event) + "\u{1F}" + String(Int64((event.time.date.timeIntervalSince1970 + shift).rounded()))
    }

    /// A separator for a list seen with one node only: a new line at the node's indentation.
    private static func defaultSeparator(_ template: [UInt8], before position: Int, format: CarrierDefinition.Format) -> [UInt8] {
        var start = position
        while start > 0, template[start - 1] == 0x20 || template[start - 1] == 0x09 { start -= 1 }
        let indentation = start == 0 || template[start - 1] == 0x0A ? Array(template[start..<position]) : []
        return (format == .json ? [UInt8(ascii: ",")] : []) + [0x0A] + indentation
    }
}

/// A `{{time:OFFSET|FORMAT}}` placeholder of a fixture template (see ``FixtureTemplate``).
struct Placeholder {
    var range: Range<Int>
    /// Seconds from the rendering instant.
    var offset: Int
    /// `|FORMAT` with its bar, or empty.
    var format: String

    /// The placeholder with its offset moved by `seconds`.
    func moved(by seconds: Int) -> [UInt8] {
        let total = offset + seconds
        let text = total == 0 ? "0" : (total < 0 ? "-" : "+") + "\(abs(total))s"
        return Array("{{time:\(text)\(format)}}".utf8)
    }

    /// Every time placeholder in `bytes`, in order (on one line each, as the renderer reads them).
    static func all(in bytes: [UInt8]) -> [Placeholder] {
        var found: [Placeholder] = []
        var index = 0
        while index + 1 < bytes.count {
            guard bytes[index] == UInt8(ascii: "{"), bytes[index + 1] == UInt8(ascii: "{") else { index += 1; continue }
            var end = index + 2
            while end + 1 < bytes.count, bytes[end] != 0x0A, !(bytes[end] == UInt8(ascii: "}") && bytes[end + 1] == UInt8(ascii: "}")) { end += 1 }
            guard end + 1 < bytes.count, bytes[end] == UInt8(ascii: "}") else { index += 2; continue }
            let inner = String(decoding: bytes[(index + 2)..<end], as: UTF8.self).trimmingCharacters(in: .whitespaces)
            if inner.hasPrefix("time:") {
                let spec = inner.dropFirst(5)
                let bar = spec.firstIndex(of: "|")
                let offsetText = String(bar.map { spec[..<$0] } ?? spec)
                if let offset = DurationText.offsetSeconds(offsetText) {
                    found.append(Placeholder(range: index..<(end + 2), offset: offset, format: bar.map { String(spec[$0...]) } ?? ""))
                }
            }
            index = end + 2
        }
        return found
    }

    /// `bytes` with every time placeholder moved by `seconds`.
    static func shifted(_ bytes: [UInt8], by seconds: Int) -> [UInt8] {
        guard seconds != 0 else { return bytes }
        var out = bytes
        for placeholder in all(in: bytes).reversed() { out.replaceSubrange(placeholder.range, with: placeholder.moved(by: seconds)) }
        return out
    }
}

/// JSON string literals, for event lists carried as JSON inside a string.
enum JSONString {
    /// The text of a string literal's content (without its quotes); nil when an escape is broken.
    static func decode(_ bytes: ArraySlice<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        func hex(_ at: Int) -> UInt32? {
            guard at + 4 <= bytes.endIndex, let value = UInt32(String(decoding: bytes[at..<(at + 4)], as: UTF8.self), radix: 16) else { return nil }
            return value
        }
        while index < bytes.endIndex {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\\") else { out.append(byte); index += 1; continue }
            guard index + 1 < bytes.endIndex else { return nil }
            let escape = bytes[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                guard var scalar = hex(index) else { return nil }
                index += 4
                if (0xD800..<0xDC00).contains(scalar), index + 6 <= bytes.endIndex, bytes[index] == UInt8(ascii: "\\"),
                    bytes[index + 1] == UInt8(ascii: "u"), let low = hex(index + 2), (0xDC00..<0xE000).contains(low)
                {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                }
                out += Array(String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}")).utf8)
            default: out.append(escape)  // \" \\ \/
            }
        }
        return out
    }

    /// `text` as a string literal, quotes included.
    static func encode(_ text: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        for byte in text {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), byte]
            case 0x0A: out += Array("\\n".utf8)
            case 0x0D: out += Array("\\r".utf8)
            case 0x09: out += Array("\\t".utf8)
            case ..<0x20: out += Array(String(format: "\\u%04x", byte).utf8)
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
        return out
    }
}
