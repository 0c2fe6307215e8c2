internal import CLibXML2

/// Refuses every external entity and DTD libxml2 might try to load, for the whole process.
/// Set once, before the first parse; libxml2 reads the loader under its own lock.
private let noExternalLoads: Void = {
    xmlSetExternalEntityLoader { _, _, _ in nil }
}()

/// A parsed HTML page or XML feed, owned by Swift and freed when the last reference goes.
///
/// Parsing is always safe: no network, no DTD loading, no external entities, and a document
/// that declares entities is refused outright. Parser complaints are collected in
/// ``diagnostics`` instead of being printed. A document is used from one task at a time.
public final class Document {
    /// Which libxml2 parser built the document.
    public enum Kind: String, Sendable {
        /// The forgiving HTML parser (broken nesting is repaired).
        case html
        /// The strict XML parser (SOAP, Atom, carrier XML APIs).
        case xml
    }

    /// Which parser built this document.
    public let kind: Kind
    /// Messages the parser reported while recovering (broken nesting and the like).
    public let diagnostics: [String]
    let pointer: xmlDocPtr
    private var context: xmlXPathContextPtr?

    private init(kind: Kind, pointer: xmlDocPtr, diagnostics: [String]) {
        self.kind = kind
        self.pointer = pointer
        self.diagnostics = diagnostics
    }

    deinit {
        if let context { xmlXPathFreeContext(context) }
        xmlFreeDoc(pointer)
    }

    /// Parses an HTML page. `contentType` is the HTTP header; its charset wins over the page's
    /// own `<meta charset>`, which wins over libxml2's guess.
    public convenience init(html bytes: [UInt8], contentType: String? = nil, options: ParseOptions = ParseOptions()) throws(MarkupError) {
        let flags = Int32(
            HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue
                | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_COMPACT.rawValue | HTML_PARSE_NOBLANKS.rawValue)
        try self.init(kind: .html, bytes: bytes, contentType: contentType, options: options) { buffer, length, encoding in
            htmlReadMemory(buffer, length, nil, encoding, flags)
        }
    }

    /// Parses an XML document (feed, SOAP envelope, API answer). `contentType` is the HTTP
    /// header; its charset wins over the XML declaration.
    public convenience init(xml bytes: [UInt8], contentType: String? = nil, options: ParseOptions = ParseOptions()) throws(MarkupError) {
        let flags = Int32(
            XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
                | XML_PARSE_NOCDATA.rawValue | XML_PARSE_COMPACT.rawValue | XML_PARSE_NOBLANKS.rawValue)
        try self.init(kind: .xml, bytes: bytes, contentType: contentType, options: options) { buffer, length, encoding in
            xmlReadMemory(buffer, length, nil, encoding, flags)
        }
    }

    private convenience init(
        kind: Kind, bytes: [UInt8], contentType: String?, options: ParseOptions,
        parse: (UnsafePointer<CChar>, Int32, UnsafePointer<CChar>?) -> xmlDocPtr?
    ) throws(MarkupError) {
        _ = noExternalLoads
        try Self.screen(bytes, options: options)
        let collector = DiagnosticCollector(limit: options.maxDiagnostics)
        let declared = Charset.fromContentType(contentType)
        let parsed: xmlDocPtr? = collector.collecting {
            bytes.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { chars -> xmlDocPtr? in
                    guard let base = chars.baseAddress else { return nil }
                    let length = Int32(chars.count)
                    if let declared {
                        // An unknown charset name makes libxml2 give up; fall back to the page's own.
                        if let doc = declared.withCString({ parse(base, length, $0) }) { return doc }
                    }
                    return parse(base, length, nil)
                }
            }
        }
        guard let parsed else { throw .unparseable(kind: kind, messages: collector.messages) }
        if cxml_declares_entities(parsed) != 0 {
            xmlFreeDoc(parsed)
            throw .entitiesRefused
        }
        guard xmlDocGetRootElement(parsed) != nil else {
            xmlFreeDoc(parsed)
            throw .unparseable(kind: kind, messages: collector.messages)
        }
        self.init(kind: kind, pointer: parsed, diagnostics: collector.messages)
    }

    /// Rejects input no parser should see: empty, oversized, or binary.
    private static func screen(_ bytes: [UInt8], options: ParseOptions) throws(MarkupError) {
        guard !bytes.isEmpty else { throw .emptyInput }
        guard bytes.count <= options.maxBytes else { throw .tooLarge(bytes: bytes.count, limit: options.maxBytes) }
        // UTF-16 and UTF-32 text legitimately contains NUL bytes; they start with a BOM or "<\0".
        let utf16 =
            bytes.count >= 2
            && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF)
                || (bytes[0] == 0x3C && bytes[1] == 0) || (bytes[0] == 0 && bytes[1] == 0x3C))
        if !utf16, bytes.prefix(8192).contains(0) { throw .binaryInput }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { throw .emptyInput }
    }

    /// The root element, e.g. `<html>` or the SOAP `Envelope`.
    public var root: Node? {
        xmlDocGetRootElement(pointer).map { Node(document: self, pointer: $0) }
    }

    /// Lets XPath expressions use `prefix:` for the namespace `uri` (SOAP, Atom, carrier schemas).
    public func registerNamespace(prefix: String, uri: String) throws(MarkupError) {
        let context = try xpathContext()
        guard xmlXPathRegisterNs(context, prefix, uri) == 0 else { throw .invalidNamespace(prefix: prefix, uri: uri) }
    }

    /// Compiles `expression` once, to evaluate against many nodes of this or another document.
    public func compile(_ expression: String) throws(MarkupError) -> XPath {
        try XPath(expression)
    }

    /// The nodes `expression` selects, relative to `node` (the root when nil).
    public func nodes(_ expression: String, in node: Node? = nil) throws(MarkupError) -> [Node] {
        try nodes(XPath(expression), in: node)
    }

    /// The nodes a compiled expression selects, relative to `node` (the root when nil).
    public func nodes(_ xpath: XPath, in node: Node? = nil) throws(MarkupError) -> [Node] {
        try evaluate(xpath, in: node) { result in
            guard result.pointee.type == XPATH_NODESET, let set = result.pointee.nodesetval else { return [] }
            let count = Int(set.pointee.nodeNr)
            guard count > 0, let table = set.pointee.nodeTab else { return [] }
            return (0..<count).compactMap { index in table[index].map { Node(document: self, pointer: $0) } }
        }
    }

    /// The text an expression yields: a string/number/boolean result as text, or the
    /// whitespace-normalised text of the first selected node. Nil when nothing (or only
    /// whitespace) is selected.
    public func text(_ xpath: XPath, in node: Node? = nil) throws(MarkupError) -> String? {
        if let steps = xpath.childSteps, let node {
            guard let found = xpath.firstChild(of: node.pointer, steps: steps) else { return nil }
            let value = Node(document: self, pointer: found).text
            return value.isEmpty ? nil : value
        }
        return try evaluate(xpath, in: node) { result -> String? in
            let value: String?
            switch result.pointee.type {
            case XPATH_NODESET:
                guard let set = result.pointee.nodesetval, set.pointee.nodeNr > 0,
                    let first = set.pointee.nodeTab?[0]
                else { return nil }
                value = Node(document: self, pointer: first).text
            case XPATH_STRING:
                value = result.pointee.stringval.map { $0.withMemoryRebound(to: CChar.self, capacity: 1) { Text.normalized(cString: $0) } }
            case XPATH_NUMBER:
                let number = result.pointee.floatval
                value = number.isNaN ? nil : (number == number.rounded() ? String(Int(number)) : String(number))
            case XPATH_BOOLEAN:
                value = result.pointee.boolval != 0 ? "true" : "false"
            default:
                value = nil
            }
            return value?.isEmpty == false ? value : nil
        }
    }

    /// Convenience: compile and evaluate `expression` as text.
    public func text(_ expression: String, in node: Node? = nil) throws(MarkupError) -> String? {
        try text(XPath(expression), in: node)
    }

    private func xpathContext() throws(MarkupError) -> xmlXPathContextPtr {
        if let context { return context }
        guard let created = xmlXPathNewContext(pointer) else { throw .invalidXPath("(could not create an XPath context)") }
        context = created
        return created
    }

    private func evaluate<T>(_ xpath: XPath, in node: Node?, _ read: (xmlXPathObjectPtr) -> T) throws(MarkupError) -> T {
        let context = try xpathContext()
        context.pointee.node = node?.pointer ?? xmlDocGetRootElement(pointer)
        guard let result = xmlXPathCompiledEval(xpath.compiled, context) else {
            throw .invalidXPath(xpath.expression)
        }
        defer { xmlXPathFreeObject(result) }
        return read(result)
    }
}

@available(*, unavailable, message: "a Document and its nodes belong to one task")
extension Document: Sendable {}
