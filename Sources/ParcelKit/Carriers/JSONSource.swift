/// Events from a JSON answer, through the carrier file's JSON paths.
struct JSONSource: EventSource {
    let definition: CarrierDefinition
    let root: JSONValue

    init(definition: CarrierDefinition, body: [UInt8]) throws(TrackingError) {
        self.definition = definition
        guard !body.isEmpty else { throw .unreadable(carrier: definition.id, detail: "the answer is empty") }
        do {
            root = try JSONValue.parse(body)
        } catch {
            throw .unreadable(carrier: definition.id, detail: "not valid JSON (\(type(of: error)))")
        }
    }

    private func path(_ text: String) throws(TrackingError) -> JSONPath {
        do { return try JSONPath(text) } catch { throw .formatChanged(carrier: definition.id, detail: error.description) }
    }

    func isNotFound() throws(TrackingError) -> Bool {
        guard let text = definition.notFound.path else { return false }
        do { return try JSONCondition(text).holds(in: root) } catch {
            throw .formatChanged(carrier: definition.id, detail: error.description)
        }
    }

    func rows() throws(TrackingError) -> [EventRow] {
        let fields = definition.fields
        let time = try fields.time.map { (text) throws(TrackingError) in try path(text) }
        let status = try fields.status.map { (text) throws(TrackingError) in try path(text) }
        let code = try fields.code.map { (text) throws(TrackingError) in try path(text) }
        let location = try fields.location.map { (text) throws(TrackingError) in try path(text) }
        let number = try fields.number.map { (text) throws(TrackingError) in try path(text) }
        func joined(_ paths: [JSONPath], _ value: JSONValue, _ separator: String) -> String? {
            let parts = paths.compactMap { $0.text(in: value) }
            return parts.isEmpty ? nil : parts.joined(separator: separator)
        }
        return try path(definition.events).evaluate(root).map { event in
            EventRow(time: joined(time, event, " ") ?? "", status: joined(status, event, ", ") ?? "",
                     code: joined(code, event, " "), location: joined(location, event, ", "), number: joined(number, event, " "))
        }
    }

    func trackingNumber() throws(TrackingError) -> String? {
        guard let text = definition.trackingNumberPath else { return nil }
        return try path(text).text(in: root)
    }

    func estimatedDelivery() throws(TrackingError) -> String? {
        guard let text = definition.estimatedDelivery?.path else { return nil }
        return try path(text).text(in: root)
    }
}
