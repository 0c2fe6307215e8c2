import Markup

/// Events from an HTML page or XML feed, through compiled XPath.
struct MarkupSource: EventSource {
    let definition: CarrierDefinition
    let document: Document

    init(definition: CarrierDefinition, body: [UInt8], contentType: String?) throws(TrackingError) {
        self.definition = definition
        do {
            document = definition.format == .html
                ? try Document(html: body, contentType: contentType)
                : try Document(xml: body, contentType: contentType)
            for (prefix, uri) in definition.namespaces { try document.registerNamespace(prefix: prefix, uri: uri) }
        } catch {
            throw .unreadable(carrier: definition.id, detail: error.description)
        }
    }

    private func failed(_ error: MarkupError) -> TrackingError {
        .formatChanged(carrier: definition.id, detail: error.description)
    }

    func isNotFound() throws(TrackingError) -> Bool {
        guard let path = definition.notFound.path else { return false }
        do {
            let value = try document.text(path)
            return value != nil && value != "false" && value != "0"
        } catch { throw failed(error) }
    }

    func rows() throws(TrackingError) -> [EventRow] {
        do {
            let fields = definition.fields
            let time = try fields.time.map { (path) throws(MarkupError) in try XPath(path) }
            let status = try fields.status.map { (path) throws(MarkupError) in try XPath(path) }
            let code = try fields.code.map { (path) throws(MarkupError) in try XPath(path) }
            let location = try fields.location.map { (path) throws(MarkupError) in try XPath(path) }
            let number = try fields.number.map { (path) throws(MarkupError) in try XPath(path) }
            func joined(_ paths: [XPath], _ node: Node, _ separator: String) throws(MarkupError) -> String? {
                var parts: [String] = []
                for path in paths { if let text = try node.text(path) { parts.append(text) } }
                return parts.isEmpty ? nil : parts.joined(separator: separator)
            }
            return try document.nodes(definition.events).map { (node) throws(MarkupError) in
                EventRow(time: try joined(time, node, " ") ?? "", status: try joined(status, node, ", ") ?? "",
                         code: try joined(code, node, " "), location: try joined(location, node, ", "),
                         number: try joined(number, node, " "))
            }
        } catch { throw failed(error) }
    }

    func trackingNumber() throws(TrackingError) -> String? {
        guard let path = definition.trackingNumberPath else { return nil }
        do { return try document.text(path) } catch { throw failed(error) }
    }

    func estimatedDelivery() throws(TrackingError) -> String? {
        guard let path = definition.estimatedDelivery?.path else { return nil }
        do { return try document.text(path) } catch { throw failed(error) }
    }
}
