import Markup

/// Events from an HTML page or XML feed, through compiled XPath.
struct MarkupSource: EventSource {
    let definition: CarrierDefinition
    let document: Document

    init(definition: CarrierDefinition, body: [UInt8], contentType: String?) throws(TrackingError) {
        self.definition = definition
        do {
            document =
                definition.format == .html
                ? try Document(html: body, contentType: contentType)
                : try Document(xml: body, contentType: contentType)
            for (prefix, uris) in definition.source.namespaces {
                try document.registerNamespace(prefix: prefix, uri: Self.declared(uris, in: body))
            }
        } catch {
            throw .unreadable(carrier: definition.id, detail: error.description)
        }
    }

    /// Of several URIs for one prefix (a schema that changed its namespace between versions),
    /// the first the answer declares; the first listed when it declares none of them.
    static func declared(_ uris: [String], in body: [UInt8]) -> String {
        guard uris.count > 1 else { return uris.first ?? "" }
        for uri in uris {
            for quote in ["\"", "'"] where contains(body, Array((quote + uri + quote).utf8)) { return uri }
        }
        return uris[0]
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, needle.count <= haystack.count else { return false }
        var index = 0
        while index + needle.count <= haystack.count {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }

    var root: Node? { nil }

    private func failed(_ error: MarkupError) -> TrackingError {
        .formatChanged(carrier: definition.id, detail: error.description)
    }

    func holds(_ path: String, in scope: Node?) throws(TrackingError) -> Bool {
        do {
            let value = try document.text(path, in: scope)
            return value != nil && value != "false" && value != "0"
        } catch { throw failed(error) }
    }

    func text(_ path: String, in scope: Node?) throws(TrackingError) -> String? {
        do { return try document.text(path, in: scope) } catch { throw failed(error) }
    }

    func scopes(_ path: String, in scope: Node?) throws(TrackingError) -> [Node?] {
        do { return try document.nodes(path, in: scope).map { $0 } } catch { throw failed(error) }
    }

    func rows(in scope: Node?) throws(TrackingError) -> [EventRow] {
        do {
            let fields = definition.fields
            func compiled(_ paths: [String]) throws(MarkupError) -> [XPath] {
                try paths.map { (path) throws(MarkupError) in try XPath(path) }
            }
            let time = try compiled(fields.time), status = try compiled(fields.status), code = try compiled(fields.code)
            let location = try compiled(fields.location), number = try compiled(fields.number)
            let country = try compiled(fields.country), region = try compiled(fields.region)
            func joined(_ paths: [XPath], _ node: Node, _ separator: String) throws(MarkupError) -> String? {
                var parts: [String] = []
                for path in paths { if let text = try node.text(path) { parts.append(text) } }
                return parts.isEmpty ? nil : parts.joined(separator: separator)
            }
            return try document.nodes(definition.events, in: scope).map { (node) throws(MarkupError) in
                EventRow(
                    time: try joined(time, node, " ") ?? "", status: try joined(status, node, ", ") ?? "",
                    code: try joined(code, node, " "), location: try joined(location, node, ", "),
                    number: try joined(number, node, " "), country: try joined(country, node, " "),
                    region: try joined(region, node, " "))
            }
        } catch { throw failed(error) }
    }
}
