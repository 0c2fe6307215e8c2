internal import CLibXML2

/// An element (or attribute, or text) inside a ``Document``. Holds its document alive, so a
/// node can never outlive the memory it points into.
public struct Node {
    /// The document that owns this node's memory.
    public let document: Document
    let pointer: xmlNodePtr

    init(document: Document, pointer: xmlNodePtr) {
        self.document = document
        self.pointer = pointer
    }

    /// The element or attribute name without prefix (`li`, `Activity`).
    public var name: String {
        pointer.pointee.name.map { String(cString: $0) } ?? ""
    }

    /// All text inside the node, whitespace runs (including no-break spaces) folded to one
    /// space and trimmed.
    public var text: String {
        // Most carrier fields are an element holding one text node: read it in place instead of
        // having libxml2 allocate a copy.
        if let only = pointer.pointee.children, only.pointee.next == nil,
            only.pointee.type == XML_TEXT_NODE || only.pointee.type == XML_CDATA_SECTION_NODE, let content = only.pointee.content
        {
            return content.withMemoryRebound(to: CChar.self, capacity: 1) { Text.normalized(cString: $0) }
        }
        guard let content = xmlNodeGetContent(pointer) else { return "" }
        defer { cxml_free(content) }
        return content.withMemoryRebound(to: CChar.self, capacity: 1) { Text.normalized(cString: $0) }
    }

    /// The value of attribute `name`, or nil when absent.
    public func attribute(_ name: String) -> String? {
        guard let value = xmlGetProp(pointer, name) else { return nil }
        defer { cxml_free(value) }
        return String(cString: value)
    }

    /// The element children in document order.
    public var children: [Node] {
        var result: [Node] = []
        var child = pointer.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE { result.append(Node(document: document, pointer: current)) }
            child = current.pointee.next
        }
        return result
    }

    /// Nodes selected by `xpath` relative to this node.
    public func nodes(_ xpath: XPath) throws(MarkupError) -> [Node] {
        try document.nodes(xpath, in: self)
    }

    /// Text selected by `xpath` relative to this node (see ``Document/text(_:in:)-swift.method``).
    public func text(_ xpath: XPath) throws(MarkupError) -> String? {
        try document.text(xpath, in: self)
    }
}

@available(*, unavailable, message: "a Document and its nodes belong to one task")
extension Node: Sendable {}
