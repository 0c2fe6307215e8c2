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
            throw .unreadable(carrier: definition.id, detail: "not valid JSON (\(error))")
        }
    }

    private func path(_ text: String) throws(TrackingError) -> JSONPath {
        do { return try JSONPath(text) } catch { throw .formatChanged(carrier: definition.id, detail: error.description) }
    }

    func holds(_ text: String, in scope: JSONValue) throws(TrackingError) -> Bool {
        do { return try JSONCondition(text).holds(in: scope) } catch {
            throw .formatChanged(carrier: definition.id, detail: error.description)
        }
    }

    func text(_ text: String, in scope: JSONValue) throws(TrackingError) -> String? {
        try path(text).text(in: scope)
    }

    func scopes(_ text: String, in scope: JSONValue) throws(TrackingError) -> [JSONValue] {
        try path(text).evaluate(scope)
    }

    func rows(in scope: JSONValue) throws(TrackingError) -> [EventRow] {
        let fields = definition.fields
        func paths(_ texts: [String]) throws(TrackingError) -> [JSONPath] {
            try texts.map { (text) throws(TrackingError) in try path(text) }
        }
        let time = try paths(fields.time), status = try paths(fields.status), code = try paths(fields.code)
        let location = try paths(fields.location), number = try paths(fields.number)
        let country = try paths(fields.country), region = try paths(fields.region)
        func joined(_ paths: [JSONPath], _ value: JSONValue, _ separator: String) -> String? {
            let parts = paths.compactMap { $0.text(in: value) }
            return parts.isEmpty ? nil : parts.joined(separator: separator)
        }
        return try path(definition.events).evaluate(scope).map { event in
            EventRow(
                time: joined(time, event, " ") ?? "", status: joined(status, event, ", ") ?? "",
                code: joined(code, event, " "), location: joined(location, event, ", "), number: joined(number, event, " "),
                country: joined(country, event, " "), region: joined(region, event, " "))
        }
    }
}
