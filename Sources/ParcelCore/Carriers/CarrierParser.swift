import Foundation
import Markup

/// The generic engine: turns one carrier answer into canonical events using only the carrier's
/// definition (its source in use). Compiles each XPath once per answer and evaluates it relative
/// to every event node, parses times with the carrier's fixed patterns, and maps each distinct raw
/// text once.
///
/// Before reading events it applies the source's `errors:` rules, because carriers report unknown
/// numbers, refused credentials and spent quotas inside 200 answers as often as with a status.
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
        if definition.isBatch {
            let answers = try parseBatch(body, contentType: contentType, numbers: [number], httpStatus: httpStatus)
            guard let answer = answers.first(where: { $0.number == number }) ?? answers.first else {
                throw .formatChanged(carrier: definition.id, detail: "the batch answer does not mention \(number)")
            }
            return try answer.outcome.get()
        }
        switch definition.format {
        case .html, .xml:
            return try single(
                try prepared(body, httpStatus: httpStatus) { (definition, body) throws(TrackingError) in
                    try MarkupSource(definition: definition, body: body, contentType: contentType)
                }, number: number, httpStatus: httpStatus)
        case .json:
            return try single(try prepared(body, httpStatus: httpStatus, JSONSource.init), number: number, httpStatus: httpStatus)
        }
    }

    /// Parses an account feed: one result per parcel, ordered by tracking number. An empty feed
    /// is an empty list, not an error.
    public func parseFeed(_ body: [UInt8], contentType: String? = nil, httpStatus: Int = 200) throws(TrackingError) -> [TrackingResult] {
        switch definition.format {
        case .html, .xml:
            return try feed(
                try prepared(body, httpStatus: httpStatus) { (definition, body) throws(TrackingError) in
                    try MarkupSource(definition: definition, body: body, contentType: contentType)
                }, httpStatus: httpStatus)
        case .json:
            return try feed(try prepared(body, httpStatus: httpStatus, JSONSource.init), httpStatus: httpStatus)
        }
    }

    /// Parses a batch answer about `numbers`: one entry per parcel the answer mentions, each a
    /// result or that parcel's own error (an unknown number marks only itself). Numbers the
    /// answer leaves out are absent.
    public func parseBatch(_ body: [UInt8], contentType: String? = nil, numbers: [String], httpStatus: Int = 200) throws(TrackingError) -> [BatchAnswer] {
        switch definition.format {
        case .html, .xml:
            return try batch(
                try prepared(body, httpStatus: httpStatus) { (definition, body) throws(TrackingError) in
                    try MarkupSource(definition: definition, body: body, contentType: contentType)
                }, numbers: numbers, httpStatus: httpStatus)
        case .json:
            return try batch(try prepared(body, httpStatus: httpStatus, JSONSource.init), numbers: numbers, httpStatus: httpStatus)
        }
    }

    // MARK: - Steps

    /// Status-only rules first (a refused token needs no body), then the answer is read; an
    /// unreadable non-2xx answer is an HTTP error, not a format change.
    private func prepared<Source: EventSource>(
        _ body: [UInt8], httpStatus: Int,
        _ make: (CarrierDefinition, [UInt8]) throws(TrackingError) -> Source
    ) throws(TrackingError) -> Source {
        for rule in definition.source.errors where rule.path == nil && rule.statuses.contains(httpStatus) {
            throw error(rule.error, number: nil)
        }
        do {
            return try make(definition, body)
        } catch {
            if !(200..<300).contains(httpStatus) { throw .httpStatus(carrier: definition.id, status: httpStatus, retryAfter: nil) }
            throw error
        }
    }

    private func single<Source: EventSource>(_ source: Source, number: String, httpStatus: Int) throws(TrackingError) -> TrackingResult {
        try checkErrors(source, in: source.root, number: number, httpStatus: httpStatus, relative: nil)
        guard (200..<300).contains(httpStatus) else { throw .httpStatus(carrier: definition.id, status: httpStatus, retryAfter: nil) }
        let echoed = try definition.trackingNumberPath.flatMap { (path) throws(TrackingError) in try source.text(path, in: source.root) }
        let parcel = echoed ?? number
        let (events, skipped) = try events(source.rows(in: source.root), number: { _ in parcel })
        let estimated = try definition.estimatedDelivery.flatMap { (eta) throws(TrackingError) -> CarrierTime? in
            guard let text = try source.text(eta.path, in: source.root) else { return nil }
            return eta.patterns.lazy.compactMap { $0.parse(text, zone: definition.timeZone) }.first
        }
        let result = TrackingResult(
            carrier: definition.id, trackingNumber: parcel, events: events[parcel] ?? [],
            estimatedDelivery: estimated, skipReasons: skipped, source: definition.source.name)
        return try checked(result, source: source, scope: source.root, rowsSkipped: skipped)
    }

    private func feed<Source: EventSource>(_ source: Source, httpStatus: Int) throws(TrackingError) -> [TrackingResult] {
        try checkErrors(source, in: source.root, number: nil, httpStatus: httpStatus, relative: nil)
        guard (200..<300).contains(httpStatus) else { throw .httpStatus(carrier: definition.id, status: httpStatus, retryAfter: nil) }
        let id = definition.id
        let detail = "a feed event has no number at \(definition.fields.number.joined(separator: ", "))"
        let (events, skipped) = try events(source.rows(in: source.root)) { (row) throws(TrackingError) in
            guard let number = row.number, !number.isEmpty else { throw .formatChanged(carrier: id, detail: detail) }
            return number
        }
        if events.isEmpty, !skipped.isEmpty {
            throw .formatChanged(carrier: id, detail: "no event could be read: \(skipped[0])")
        }
        return events.keys.sorted().map { parcel in
            TrackingResult(carrier: id, trackingNumber: parcel, events: events[parcel] ?? [], source: definition.source.name)
        }
    }

    private func batch<Source: EventSource>(_ source: Source, numbers: [String], httpStatus: Int) throws(TrackingError) -> [BatchAnswer] {
        guard let batch = definition.source.batch else { throw .formatChanged(carrier: definition.id, detail: "the source is not a batch source") }
        // Absolute rules speak about the whole answer; relative ones about each parcel.
        try checkErrors(source, in: source.root, number: nil, httpStatus: httpStatus, relative: false)
        guard (200..<300).contains(httpStatus) else { throw .httpStatus(carrier: definition.id, status: httpStatus, retryAfter: nil) }
        let parcels = try source.scopes(batch.parcels, in: source.root)
        if parcels.isEmpty {
            throw .formatChanged(carrier: definition.id, detail: "no parcels at \(batch.parcels)")
        }
        var answers: [BatchAnswer] = []
        for parcel in parcels {
            guard let number = try source.text(batch.number, in: parcel) else {
                throw .formatChanged(carrier: definition.id, detail: "a parcel of the batch answer has no number at \(batch.number)")
            }
            do {
                try checkErrors(source, in: parcel, number: number, httpStatus: httpStatus, relative: true)
                let (events, skipped) = try events(source.rows(in: parcel), number: { _ in number })
                let result = TrackingResult(
                    carrier: definition.id, trackingNumber: number, events: events[number] ?? [],
                    skipReasons: skipped, source: definition.source.name)
                answers.append(BatchAnswer(number: number, outcome: .success(try checked(result, source: source, scope: parcel, rowsSkipped: skipped))))
            } catch {
                answers.append(BatchAnswer(number: number, outcome: .failure(error)))
            }
        }
        return answers
    }

    /// A result with no events is a format change unless the answer says "no events yet", or
    /// every event was unreadable.
    private func checked<Source: EventSource>(
        _ result: TrackingResult, source: Source, scope: Source.Scope,
        rowsSkipped: [String]
    ) throws(TrackingError) -> TrackingResult {
        guard result.events.isEmpty else { return result }
        if let first = rowsSkipped.first { throw .formatChanged(carrier: definition.id, detail: "no event could be read: \(first)") }
        if let path = definition.source.noEvents, try source.holds(path, in: scope) { return result }
        throw .formatChanged(carrier: definition.id, detail: "no events at \(definition.events)")
    }

    /// Applies the `errors:` rules whose path is absolute (`relative == false`), relative
    /// (`true`), or all of them (`nil`).
    private func checkErrors<Source: EventSource>(
        _ source: Source, in scope: Source.Scope, number: String?, httpStatus: Int,
        relative: Bool?
    ) throws(TrackingError) {
        for rule in definition.source.errors {
            guard let path = rule.path else { continue }
            if let relative, Self.isAbsolute(path, format: definition.format) == relative { continue }
            if !rule.statuses.isEmpty, !rule.statuses.contains(httpStatus) { continue }
            if let match = rule.match {
                guard let text = try source.text(path, in: scope), try matching(match, text) else { continue }
            } else {
                guard try source.holds(path, in: scope) else { continue }
            }
            throw error(rule.error, number: number)
        }
    }

    /// `pattern.matches(text)`, a rule that cannot finish being this carrier's ``TrackingError/badRule(carrier:error:)``.
    private func matching(_ pattern: TextPattern, _ text: String) throws(TrackingError) -> Bool {
        do { return try pattern.matches(text) } catch { throw .badRule(carrier: definition.id, error: error) }
    }

    private static func isAbsolute(_ path: String, format: CarrierDefinition.Format) -> Bool {
        let trimmed = path.trimmingSpace()
        return format == .json ? trimmed.hasPrefix("$") : trimmed.hasPrefix("/")
    }

    private func error(_ kind: CarrierSource.ErrorKind, number: String?) -> TrackingError {
        let id = definition.id
        switch kind {
        case .notFound: return .notFound(carrier: id, number: number ?? "")
        case .notYetAvailable: return .notYetAvailable(carrier: id, number: number ?? "")
        case .credentialsRejected: return .credentialsRejected(carrier: id, detail: "the answer says so")
        case .quotaExceeded: return .quotaExceeded(carrier: id, retryAfter: nil)
        case .transient: return .transient(carrier: id, detail: "the answer reports a temporary failure")
        }
    }

    /// Interprets rows into events per parcel; rows with no readable time are skipped with a
    /// reason, rows with no status at all are a format change.
    private func events(_ rows: [EventRow], number: (EventRow) throws(TrackingError) -> String) throws(TrackingError)
        -> (events: [String: [TrackingEvent]], skipped: [String])
    {
        let id = definition.id
        let mapper = StatusMapper(rules: definition.statuses, memo: definition.source.statusMemo)
        var byNumber: [String: [TrackingEvent]] = [:]
        var skipped: [String] = []
        for row in rows {
            let parcel = try number(row)
            guard !row.status.isEmpty || row.code != nil else {
                throw .formatChanged(carrier: id, detail: "an event has no status text at \(definition.fields.status.joined(separator: ", "))")
            }
            let located = LocationZone.zone(country: row.country, region: row.region, carrierCountry: definition.country)
            let zone = located ?? definition.timeZone
            guard let (time, assumed) = readTime(row.time, zone: zone) else {
                let shown = row.time.isEmpty ? "an empty time" : "time '\(row.time)'"
                skipped.append("\(shown) (does not match \(definition.timePatterns.map { "'\($0)'" }.joined(separator: " or ")))")
                continue
            }
            let (status, reason) = try mapper.map(text: row.status, code: row.code, carrier: id)
            byNumber[parcel, default: []].append(
                TrackingEvent(
                    carrier: id, trackingNumber: parcel, time: time, rawStatus: row.status, rawCode: row.code,
                    status: status, reason: reason, location: row.location,
                    assumedZone: assumed ? (located?.identifier ?? definition.source.timeZoneName) : nil))
        }
        for (parcel, list) in byNumber {
            // Carriers list newest or oldest first; undo newest-first so ties keep their real order.
            if let first = list.first, let last = list.last, first.time > last.time { byNumber[parcel] = list.reversed() }
        }
        return (byNumber, skipped)
    }

    private func readTime(_ text: String, zone: TimeZone) -> (CarrierTime, Bool)? {
        guard !text.isEmpty else { return nil }
        for pattern in definition.timePatterns {
            if let read = pattern.read(text, zone: zone) { return (read.time, read.zoneAssumed) }
        }
        return nil
    }
}

/// One parcel of a batch answer: its result, or its own error.
public struct BatchAnswer: Sendable {
    /// The number the entry answers.
    public var number: String
    /// The parcel's history, or why there is none.
    public var outcome: Result<TrackingResult, TrackingError>
}

/// Maps raw texts to statuses with the carrier's rules, first match wins, each distinct
/// (text, code) pair evaluated once per source and process (``StatusMemo``): carriers repeat the
/// same few texts thousands of times, and running the rules' regexes was 74,000 instructions a
/// text, an eighth of a first sweep's per parcel, when the memo lasted one answer.
struct StatusMapper {
    private let rules: [StatusRule]
    private let memo: StatusMemo

    init(rules: [StatusRule], memo: StatusMemo) {
        self.rules = rules
        self.memo = memo
    }

    /// The status of the first rule that matches; a rule that cannot finish matching (its regex
    /// ran past the time limit) is `carrier`'s ``TrackingError/badRule(carrier:error:)``, never `unknown`
    /// (and is not remembered: the next answer tries again).
    func map(text: String, code: String?, carrier: String) throws(TrackingError) -> (TrackingStatus, ExceptionReason?) {
        let key = (code ?? "") + "\u{1F}" + text
        if let known = memo[key] { return known }
        var result: (TrackingStatus, ExceptionReason?) = (.unknown, nil)
        do {
            for rule in rules {
                if let pattern = rule.code {
                    guard let code, try pattern.matches(code) else { continue }
                }
                if let pattern = rule.match, try !pattern.matches(text) { continue }
                result = (rule.status, rule.reason)
                break
            }
        } catch {
            throw .badRule(carrier: carrier, error: error)
        }
        memo[key] = result
        return result
    }
}
