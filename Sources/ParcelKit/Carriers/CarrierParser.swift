import Foundation
import Markup

/// The generic engine: turns one carrier answer into canonical events using only the carrier's
/// definition. Compiles each XPath once per answer and evaluates it relative to every event
/// node, parses times with the carrier's fixed patterns, and maps each distinct raw text once.
public struct CarrierParser: Sendable {
    /// The carrier this parser reads.
    public let definition: CarrierDefinition

    /// Creates a parser for one carrier.
    public init(definition: CarrierDefinition) {
        self.definition = definition
    }

    /// Parses a single-parcel answer. `httpStatus` lets "404 means unknown number" carriers say
    /// so; `contentType` carries the HTTP charset.
    public func parse(_ body: [UInt8], contentType: String? = nil, number: String, httpStatus: Int = 200) throws(TrackingError) -> TrackingResult {
        let results = try parseAll(body, contentType: contentType, number: number, httpStatus: httpStatus)
        return results.first ?? TrackingResult(carrier: definition.id, trackingNumber: number, events: [])
    }

    /// Parses an account feed: one result per parcel, ordered by tracking number. An empty feed
    /// is an empty list, not an error.
    public func parseFeed(_ body: [UInt8], contentType: String? = nil, httpStatus: Int = 200) throws(TrackingError) -> [TrackingResult] {
        try parseAll(body, contentType: contentType, number: nil, httpStatus: httpStatus)
    }

    private func parseAll(_ body: [UInt8], contentType: String?, number: String?, httpStatus: Int) throws(TrackingError) -> [TrackingResult] {
        let id = definition.id
        if definition.notFound.statuses.contains(httpStatus), let number { throw .notFound(carrier: id, number: number) }
        guard (200..<300).contains(httpStatus) else { throw .httpStatus(carrier: id, status: httpStatus, retryAfter: nil) }
        var extractor: any EventSource
        switch definition.format {
        case .html, .xml:
            extractor = try MarkupSource(definition: definition, body: body, contentType: contentType)
        case .json:
            extractor = try JSONSource(definition: definition, body: body)
        }
        if let number, try extractor.isNotFound() { throw .notFound(carrier: id, number: number) }
        let rows = try extractor.rows()
        if rows.isEmpty {
            if definition.isFeed { return [] }
            throw .formatChanged(carrier: id, detail: "no events at \(definition.events)")
        }
        let echoed = try extractor.trackingNumber()
        var mapper = StatusMapper(rules: definition.statuses)
        var byNumber: [String: [TrackingEvent]] = [:]
        var order: [String] = []
        for row in rows {
            let parcel = definition.isFeed ? (row.number ?? "") : (echoed ?? number ?? "")
            if definition.isFeed, parcel.isEmpty { throw .formatChanged(carrier: id, detail: "a feed event has no number at \(definition.fields.number.joined(separator: ", "))") }
            guard let time = parseTime(row.time) else {
                throw .formatChanged(carrier: id, detail: "time '\(row.time)' does not match \(definition.timePatterns.map { "'\($0)'" }.joined(separator: " or "))")
            }
            guard !row.status.isEmpty || row.code != nil else {
                throw .formatChanged(carrier: id, detail: "an event has no status text at \(definition.fields.status.joined(separator: ", "))")
            }
            let (status, reason) = mapper.map(text: row.status, code: row.code)
            let event = TrackingEvent(carrier: id, trackingNumber: parcel, time: time, rawStatus: row.status, rawCode: row.code,
                                      status: status, reason: reason, location: row.location)
            if byNumber[parcel] == nil { order.append(parcel) }
            byNumber[parcel, default: []].append(event)
        }
        let estimated = try extractor.estimatedDelivery().flatMap { text in
            definition.estimatedDelivery?.patterns.lazy.compactMap { $0.parse(text, zone: definition.timeZone) }.first
        }
        return order.sorted().map { parcel in
            var events = byNumber[parcel] ?? []
            // Carriers list newest or oldest first; undo newest-first so ties keep their real order.
            if let first = events.first, let last = events.last, first.time > last.time { events.reverse() }
            return TrackingResult(carrier: id, trackingNumber: parcel, events: events,
                                  estimatedDelivery: definition.isFeed ? nil : estimated)
        }
    }

    private func parseTime(_ text: String) -> CarrierTime? {
        for pattern in definition.timePatterns {
            if let time = pattern.parse(text, zone: definition.timeZone) { return time }
        }
        return nil
    }
}

/// One event's texts, before interpretation.
struct EventRow {
    var time: String
    var status: String
    var code: String?
    var location: String?
    var number: String?
}

/// What the engine needs from a parsed answer, whatever its format.
protocol EventSource {
    func isNotFound() throws(TrackingError) -> Bool
    func rows() throws(TrackingError) -> [EventRow]
    func trackingNumber() throws(TrackingError) -> String?
    func estimatedDelivery() throws(TrackingError) -> String?
}

/// Maps raw texts to statuses with the carrier's rules, first match wins, each distinct
/// (text, code) pair evaluated once: carriers repeat the same few texts thousands of times.
struct StatusMapper {
    private let rules: [StatusRule]
    private var memo: [String: (TrackingStatus, ExceptionReason?)] = [:]

    init(rules: [StatusRule]) {
        self.rules = rules
    }

    mutating func map(text: String, code: String?) -> (TrackingStatus, ExceptionReason?) {
        let key = (code ?? "") + "\u{1F}" + text
        if let known = memo[key] { return known }
        var result: (TrackingStatus, ExceptionReason?) = (.unknown, nil)
        for rule in rules {
            if let pattern = rule.code {
                guard let code, pattern.matches(code) else { continue }
            }
            if let pattern = rule.match, !pattern.matches(text) { continue }
            result = (rule.status, rule.reason)
            break
        }
        memo[key] = result
        return result
    }
}
