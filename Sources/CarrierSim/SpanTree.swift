/// A recorded page read as a tree of byte ranges: JSON values, or XML/HTML elements. It knows
/// nothing about carriers; ``StageContinuity`` finds a page's event nodes in it as the subtrees
/// that hold each event's time placeholders, whatever the format.
///
/// The scanners are forgiving rather than validating: they only need the nesting of a page the
/// carrier's own parser reads.
final class SpanNode {
    /// Where the node starts (`{`, `[`, `"`, a scalar's first byte, or an element's `<`).
    let start: Int
    /// One past its last byte (after `}`, `]`, `"`, or the element's closing tag).
    var end: Int
    /// The member key that holds a JSON value (`[]` for an array element, `$` for the root), or
    /// an element's name.
    let label: String
    /// Whether it is a JSON array.
    var isArray = false
    private(set) weak var parent: SpanNode?
    private(set) var children: [SpanNode] = []

    init(start: Int, end: Int, label: String, parent: SpanNode?) {
        self.start = start
        self.end = end
        self.label = label
        self.parent = parent
        parent?.children.append(self)
    }

    /// Whether `position` lies inside this node.
    func contains(_ position: Int) -> Bool { start <= position && position < end }

    /// The labels from the root down to this node, `[]` after those of arrays.
    var signature: [String] {
        var labels: [String] = []
        var node: SpanNode? = self
        while let current = node {
            labels.append(current.label + (current.isArray ? "[]" : ""))
            node = current.parent
        }
        return labels.reversed()
    }

    /// This node and its descendants that contain `position`, outermost first.
    func path(to position: Int) -> [SpanNode] {
        guard contains(position) else { return [] }
        var path = [self]
        while let next = path[path.count - 1].children.first(where: { $0.contains(position) }) { path.append(next) }
        return path
    }

    /// The deepest node containing every position (nil when one lies outside this node).
    func commonAncestor(of positions: [Int]) -> SpanNode? {
        guard let first = positions.first else { return nil }
        var path = path(to: first)
        for position in positions.dropFirst() {
            let other = self.path(to: position)
            var shared = 0
            while shared < min(path.count, other.count), path[shared] === other[shared] { shared += 1 }
            path.removeLast(path.count - shared)
        }
        return path.last
    }
}

enum SpanScanner {
    private static let whitespace: Set<UInt8> = [0x20, 0x0A, 0x0D, 0x09]

    /// Whether `byte` is JSON/XML white space.
    static func isSpace(_ byte: UInt8) -> Bool { whitespace.contains(byte) }

    // MARK: JSON

    /// The tree of a JSON text, nil when it is not JSON.
    static func json(_ bytes: [UInt8]) -> SpanNode? {
        var index = 0
        func skipSpace() { while index < bytes.count, whitespace.contains(bytes[index]) { index += 1 } }
        func skipString() -> Bool {
            index += 1
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\\"): index += 2
                case UInt8(ascii: "\""): index += 1; return true
                default: index += 1
                }
            }
            return false
        }
        func value(_ label: String, _ parent: SpanNode?, depth: Int) -> SpanNode? {
            skipSpace()
            guard index < bytes.count, depth < 512 else { return nil }
            let node = SpanNode(start: index, end: index, label: label, parent: parent)
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; break }
                while true {
                    skipSpace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
                    let keyStart = index + 1
                    guard skipString() else { return nil }
                    let key = String(decoding: bytes[keyStart..<(index - 1)], as: UTF8.self)
                    skipSpace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
                    index += 1
                    guard value(key, node, depth: depth + 1) != nil else { return nil }
                    skipSpace()
                    guard index < bytes.count else { return nil }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    guard bytes[index] == UInt8(ascii: "}") else { return nil }
                    index += 1
                    break
                }
            case UInt8(ascii: "["):
                node.isArray = true
                index += 1
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; break }
                while true {
                    guard value("[]", node, depth: depth + 1) != nil else { return nil }
                    skipSpace()
                    guard index < bytes.count else { return nil }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    guard bytes[index] == UInt8(ascii: "]") else { return nil }
                    index += 1
                    break
                }
            case UInt8(ascii: "\""):
                guard skipString() else { return nil }
            default:
                let stops: Set<UInt8> = [UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}")]
                while index < bytes.count, !stops.contains(bytes[index]), !whitespace.contains(bytes[index]) { index += 1 }
                guard index > node.start else { return nil }
            }
            node.end = index
            return node
        }
        guard let root = value("$", nil, depth: 0) else { return nil }
        skipSpace()
        return index == bytes.count ? root : nil
    }

    // MARK: XML and HTML

    private static let voidElements: Set<String> = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
    ]

    /// The element tree of an XML or HTML text. HTML names are lower-cased, void elements have
    /// no children, `script`/`style` content is skipped, and an opened `tr`, `td`/`th`, `li` or
    /// `p` closes the open one of its kind as browsers do; a stray closing tag is ignored and an
    /// unclosed element ends where its parent does.
    static func markup(_ bytes: [UInt8], html: Bool) -> SpanNode {
        let root = SpanNode(start: 0, end: bytes.count, label: "#document", parent: nil)
        var stack = [root]
        var index = 0
        func starts(_ text: String, at position: Int) -> Bool {
            let needle = Array(text.utf8)
            guard position + needle.count <= bytes.count else { return false }
            for (offset, byte) in needle.enumerated() {
                var actual = bytes[position + offset]
                if html, actual >= 0x41, actual <= 0x5A { actual += 0x20 }
                if actual != byte { return false }
            }
            return true
        }
        func find(_ text: String, from position: Int) -> Int? {
            var at = position
            while at < bytes.count {
                if starts(text, at: at) { return at }
                at += 1
            }
            return nil
        }
        func isNameByte(_ byte: UInt8) -> Bool {
            !whitespace.contains(byte) && byte != UInt8(ascii: ">") && byte != UInt8(ascii: "/")
        }
        func readName(from position: Int) -> (String, Int) {
            var at = position
            while at < bytes.count, isNameByte(bytes[at]) { at += 1 }
            let name = String(decoding: bytes[position..<at], as: UTF8.self)
            return (html ? name.lowercased() : name, at)
        }
        func close(from level: Int, at position: Int) {
            for node in stack[level...] { node.end = position }
            stack.removeLast(stack.count - level)
        }
        /// Closes the outermost open element named in `closers` above the nearest `boundary`.
        func closeImplied(_ closers: Set<String>, within boundary: Set<String>, at position: Int) {
            var found: Int?
            var level = stack.count - 1
            while level > 0, !boundary.contains(stack[level].label) {
                if closers.contains(stack[level].label) { found = level }
                level -= 1
            }
            if let found { close(from: found, at: position) }
        }
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "<") else { index += 1; continue }
            let tagStart = index
            if starts("<!--", at: index) {
                index = (find("-->", from: index + 4) ?? bytes.count - 3) + 3
            } else if starts("<![CDATA[", at: index) {
                index = (find("]]>", from: index + 9) ?? bytes.count - 3) + 3
            } else if starts("<!", at: index) || starts("<?", at: index) {
                index = (find(">", from: index + 2) ?? bytes.count - 1) + 1
            } else if starts("</", at: index) {
                let (name, after) = readName(from: index + 2)
                let end = (find(">", from: after) ?? bytes.count - 1) + 1
                if let level = stack.indices.dropFirst().last(where: { stack[$0].label == name }) {
                    let node = stack[level]
                    close(from: level, at: tagStart)
                    node.end = end
                }
                index = end
            } else if index + 1 < bytes.count, isNameByte(bytes[index + 1]) {
                let (name, after) = readName(from: index + 1)
                var at = after
                var quote: UInt8?
                while at < bytes.count {
                    let byte = bytes[at]
                    if let open = quote {
                        if byte == open { quote = nil }
                    } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                        quote = byte
                    } else if byte == UInt8(ascii: ">") {
                        break
                    }
                    at += 1
                }
                let end = min(at + 1, bytes.count)
                if html {
                    switch name {
                    case "tr": closeImplied(["tr", "td", "th"], within: ["table", "tbody", "thead", "tfoot"], at: tagStart)
                    case "td", "th": closeImplied(["td", "th"], within: ["tr", "table"], at: tagStart)
                    case "li": closeImplied(["li"], within: ["ul", "ol"], at: tagStart)
                    case "p": closeImplied(["p"], within: ["div", "td", "th", "li", "body"], at: tagStart)
                    default: break
                    }
                }
                let node = SpanNode(start: tagStart, end: end, label: name, parent: stack[stack.count - 1])
                let selfClosing = at > after && bytes[at - 1] == UInt8(ascii: "/")
                index = end
                if selfClosing || (html && voidElements.contains(name)) { continue }
                stack.append(node)
                if html, name == "script" || name == "style", let closing = find("</" + name, from: index) {
                    index = closing
                }
            } else {
                index += 1
            }
        }
        close(from: 1, at: bytes.count)
        return root
    }
}
