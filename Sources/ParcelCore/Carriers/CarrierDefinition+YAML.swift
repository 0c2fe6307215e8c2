import Foundation
import Yams

extension CarrierDefinition {
    /// Keys that say who the carrier is, shared by all its sources.
    private static let identityKeys: Set<String> = ["id", "name", "country", "language", "numbers", "sources"]
    /// Keys of one source (inside `sources:`, or at the top of a file without it).
    private static let sourceKeys: Set<String> = [
        "name", "auth", "request", "batch", "feed", "format", "namespaces", "events", "fields", "time", "tracking_number",
        "estimated_delivery", "no_events", "errors", "not_found", "not_found_status", "statuses", "limits",
    ]

    /// Loads and validates one carrier file; every problem names the file, line and key.
    public static func load(file: String) throws(CarrierFileError) -> CarrierDefinition {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw CarrierFileError(file: file, line: 1, key: "", message: "cannot read: \(error.localizedDescription)")
        }
        return try parse(yaml: text, file: file)
    }

    /// Parses a carrier definition from YAML text (`file` is used in messages).
    public static func parse(yaml text: String, file: String) throws(CarrierFileError) -> CarrierDefinition {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw CarrierFileError(file: file, line: Self.line(of: error), key: "", message: "not valid YAML: \(error)")
        } catch {
            throw CarrierFileError(file: file, line: 1, key: "", message: "not valid YAML: \(error)")
        }
        let root = YAMLField(file: file, path: "", node: node)
        guard node?.mapping != nil else { throw root.error("a carrier file must be a mapping of keys") }
        let sourcesField = root("sources")
        if sourcesField.exists {
            try root.allowOnly(identityKeys.union(["limits", "statuses"]))
        } else {
            try root.allowOnly(identityKeys.union(sourceKeys))
        }

        let id = try root("id").string()
        guard id.range(of: "^[a-z][a-z0-9-]*$", options: .regularExpression) != nil else {
            throw root("id").error("'\(id)' is not a lowercase slug (a-z, 0-9, -)")
        }
        let baseName = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        if file.hasSuffix(".yaml") || file.hasSuffix(".yml"), baseName != id {
            throw root("id").error("'\(id)' must equal the file name '\(baseName)'")
        }
        let defaultLimits = try limits(root("limits"), base: .standard)
        let defaultStatuses = root("statuses").exists ? try statusRules(root("statuses")) : nil
        var sources: [CarrierSource] = []
        if sourcesField.exists {
            let items = try sourcesField.list()
            if items.isEmpty { throw sourcesField.error("at least one source is required") }
            for item in items {
                try item.allowOnly(sourceKeys)
                let name = try item("name").string()
                guard name.range(of: "^[a-z][a-z0-9-]*$", options: .regularExpression) != nil else {
                    throw item("name").error("'\(name)' is not a lowercase slug (a-z, 0-9, -)")
                }
                if sources.contains(where: { $0.name == name }) { throw item("name").error("duplicate source '\(name)'") }
                sources.append(try source(item, name: name, limits: defaultLimits, statuses: defaultStatuses))
            }
        } else {
            sources.append(try source(root, name: "public", limits: defaultLimits, statuses: defaultStatuses))
        }
        let first = sources[0]
        var definition = CarrierDefinition(
            id: id,
            name: try root("name").string(),
            country: try root("country").string().uppercased(),
            language: try root("language").string().lowercased(),
            numbers: try numberRules(root("numbers")),
            sources: sources,
            source: first,
            sourceReason: "\(first.name): first source",
            sourceFile: file)
        definition.declaresSources = sourcesField.exists
        return definition
    }

    /// One source's keys, from a `sources:` entry or from the top of a single-source file.
    private static func source(
        _ field: YAMLField, name: String, limits defaultLimits: Limits,
        statuses defaultStatuses: [StatusRule]?
    ) throws(CarrierFileError) -> CarrierSource {
        guard let format = Format(rawValue: try field("format").string()) else {
            throw field("format").error("must be one of html, xml, json")
        }
        let timeField = field("time")
        try timeField.allowOnly(["format", "zone"])
        let zoneName = try timeField("zone").string()
        guard let zone = TimeZone(identifier: zoneName) else { throw timeField("zone").error("unknown time zone '\(zoneName)'") }
        let patterns = try timePatterns(timeField("format"))
        guard !patterns.isEmpty else { throw timeField("format").error("is required") }

        let fieldsNode = field("fields")
        try fieldsNode.allowOnly(["time", "status", "code", "location", "number", "country", "region"])
        let fields = Fields(
            time: try fieldsNode("time").strings(), status: try fieldsNode("status").strings(),
            code: try fieldsNode("code").strings(), location: try fieldsNode("location").strings(),
            number: try fieldsNode("number").strings(), country: try fieldsNode("country").strings(),
            region: try fieldsNode("region").strings())
        if fields.time.isEmpty { throw fieldsNode("time").error("is required") }
        if fields.status.isEmpty { throw fieldsNode("status").error("is required") }

        var feedLookback: TimeInterval?
        let feed = field("feed")
        if feed.exists {
            try feed.allowOnly(["since"])
            let since = try feed("since").optionalString() ?? "P7D"
            guard let seconds = DurationText.iso8601(since) else { throw feed("since").error("'\(since)' is not an ISO-8601 duration like P7D") }
            feedLookback = seconds
            if fields.number.isEmpty { throw fieldsNode("number").error("feeds need fields.number to route events to parcels") }
        }

        var namespaces: [(prefix: String, uris: [String])] = []
        for (prefix, value) in try field("namespaces").pairs() {
            let uris = try value.strings()
            if uris.isEmpty { throw value.error("a namespace needs a URI") }
            namespaces.append((prefix, uris))
        }

        var estimated: DatePath?
        let eta = field("estimated_delivery")
        if eta.exists {
            try eta.allowOnly(["path", "format"])
            estimated = DatePath(path: try eta("path").string(), patterns: try timePatterns(eta("format")))
            if estimated?.patterns.isEmpty == true { throw eta("format").error("is required") }
        }

        var errors: [CarrierSource.ErrorRule] = []
        if let path = try field("not_found").optionalString() {
            errors.append(.init(statuses: [], path: path, match: nil, error: .notFound, line: field("not_found").line))
        }
        let notFoundStatuses = try field("not_found_status").strings().map { (text) throws(CarrierFileError) -> Int in
            guard let value = Int(text) else { throw field("not_found_status").error("'\(text)' is not an HTTP status") }
            return value
        }
        if !notFoundStatuses.isEmpty {
            errors.append(.init(statuses: notFoundStatuses, path: nil, match: nil, error: .notFound, line: field("not_found_status").line))
        }
        errors += try errorRules(field("errors"))

        let request = try Self.request(field("request"))
        let auth = try CarrierAuth.parse(field("auth"))
        if case .wsse = auth, !(request.body ?? "").contains("{wsse}") {
            throw field("auth").error("wsse needs {wsse} in the request body, where the <wsse:Security> header goes")
        }
        let declared: [String]
        if case .body(let values) = auth { declared = values } else { declared = [] }
        for value in declared where !(request.body ?? "").contains("{secret:\(value)}") {
            throw field("auth").error("{secret:\(value)} is not used in the request body")
        }
        for name in Template.placeholders("secret", in: request.body ?? "") where !declared.contains(name) {
            throw field("request")("body").error("{secret:\(name)} is used but \(name) is not among auth.values (kind: body)")
        }

        var batch: CarrierSource.Batch?
        let batchField = field("batch")
        if batchField.exists {
            try batchField.allowOnly(["max", "separator", "parcels", "number"])
            let max = try batchField("max").int()
            guard max >= 1 else { throw batchField("max").error("must be at least 1") }
            batch = .init(
                max: max, separator: try batchField("separator").optionalString() ?? ",",
                parcels: try batchField("parcels").string(), number: try batchField("number").string())
            guard request.url.contains("{numbers}") || (request.body ?? "").contains("{numbers}") else {
                throw batchField.error("a batch source needs {numbers} in its URL or body")
            }
            if feedLookback != nil { throw batchField.error("a source is a feed or a batch, not both") }
        }

        let statuses: [StatusRule]
        if field("statuses").exists {
            statuses = try statusRules(field("statuses"))
        } else if let defaultStatuses {
            statuses = defaultStatuses
        } else {
            throw field("statuses").error("at least one status rule is required")
        }
        let source = CarrierSource(
            name: name, auth: auth, request: request, batch: batch, feedLookback: feedLookback, format: format,
            namespaces: namespaces, events: try field("events").string(), fields: fields, timePatterns: patterns, timeZone: zone, timeZoneName: zoneName,
            trackingNumberPath: try field("tracking_number").optionalString(), estimatedDelivery: estimated,
            noEvents: try field("no_events").optionalString(), errors: errors, statuses: statuses,
            limits: try limits(field("limits"), base: defaultLimits), line: field.line)
        try validatePaths(source, field)
        return source
    }

    /// `limits:` over `base`: concurrency, the per-second token bucket and the hourly and daily quotas.
    private static func limits(_ field: YAMLField, base: Limits) throws(CarrierFileError) -> Limits {
        var limits = base
        guard field.exists else { return limits }
        try field.allowOnly(["concurrency", "per_second", "burst", "per_hour", "per_day"])
        if field("concurrency").exists { limits.concurrency = try field("concurrency").int() }
        if field("per_second").exists {
            guard let rate = Double(try field("per_second").string()), rate > 0 else {
                throw field("per_second").error("expected a positive number of requests per second")
            }
            limits.perSecond = rate
            limits.burst = max(1, Int(rate.rounded(.up)))
        }
        if field("burst").exists { limits.burst = try field("burst").int() }
        if field("per_hour").exists { limits.perHour = try field("per_hour").int() }
        if field("per_day").exists { limits.perDay = try field("per_day").int() }
        guard limits.concurrency >= 1 else { throw field("concurrency").error("must be at least 1") }
        guard limits.burst >= 1 else { throw field("burst").error("must be at least 1") }
        if let hour = limits.perHour, hour < 1 { throw field("per_hour").error("must be at least 1") }
        if let day = limits.perDay, day < 1 { throw field("per_day").error("must be at least 1") }
        return limits
    }

    /// `errors:` rules: `status`, `path`, `match` and the `error` they mean.
    private static func errorRules(_ field: YAMLField) throws(CarrierFileError) -> [CarrierSource.ErrorRule] {
        try field.list().map { (item) throws(CarrierFileError) -> CarrierSource.ErrorRule in
            try item.allowOnly(["status", "path", "match", "error"])
            let statuses = try item("status").strings().map { (text) throws(CarrierFileError) -> Int in
                guard let value = Int(text), (100...599).contains(value) else { throw item("status").error("'\(text)' is not an HTTP status") }
                return value
            }
            let path = try item("path").optionalString()
            let match = try Self.pattern(try item("match").optionalString(), whole: false, field: item("match"))
            if statuses.isEmpty, path == nil { throw item.error("an error rule needs status and/or path") }
            if match != nil, path == nil { throw item("match").error("match needs a path whose text it tests") }
            let name = try item("error").string()
            guard let kind = CarrierSource.ErrorKind(rawValue: name) else {
                throw item("error").error("unknown error '\(name)' (known: \(CarrierSource.ErrorKind.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            return .init(statuses: statuses, path: path, match: match, error: kind, line: item.line)
        }
    }

    private static func line(of error: YamlError) -> Int {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        default:
            return 1
        }
    }

    private static func timePatterns(_ field: YAMLField) throws(CarrierFileError) -> [TimePattern] {
        try field.strings().map { (text) throws(CarrierFileError) in
            do { return try TimePattern(text) } catch let error as TimePatternError { throw field.error(error.description) } catch {
                throw field.error("\(error)")
            }
        }
    }

    /// Compiles a pattern from the file and probes it for catastrophic backtracking, or fails
    /// naming its line and key.
    private static func pattern(_ source: String?, whole: Bool, field: YAMLField) throws(CarrierFileError) -> TextPattern? {
        guard let source else { return nil }
        let pattern: TextPattern
        do {
            pattern = try TextPattern(source, whole: whole, file: field.file, line: field.line)
        } catch {
            throw field.error(error.description)
        }
        do {
            try pattern.checkBacktracking()
        } catch {
            throw field.error(error.reason)
        }
        return pattern
    }

    private static func numberRules(_ field: YAMLField) throws(CarrierFileError) -> [NumberRule] {
        let items = try field.list()
        if items.isEmpty { throw field.error("at least one number rule is required") }
        return try items.map { (item) throws(CarrierFileError) -> NumberRule in
            try item.allowOnly(["pattern", "check", "weights", "payload", "check_at"])
            guard let pattern = try Self.pattern(try item("pattern").string(), whole: true, field: item("pattern")) else {
                throw item("pattern").error("is required")
            }
            let checkName = try item("check").optionalString() ?? "none"
            guard let check = CheckDigit(rawValue: checkName) else {
                throw item("check").error("unknown check '\(checkName)' (known: \(CheckDigit.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let weights = try item("weights").strings().map { (text) throws(CarrierFileError) -> Int in
                guard let value = Int(text) else { throw item("weights").error("'\(text)' is not a number") }
                return value
            }
            let payload = try Self.pattern(try item("payload").optionalString(), whole: false, field: item("payload"))
            let checkAt = item("check_at").exists ? try item("check_at").int() : nil
            return NumberRule(pattern: pattern, check: check, weights: weights, payload: payload, checkAt: checkAt)
        }
    }

    private static func request(_ field: YAMLField) throws(CarrierFileError) -> RequestTemplate {
        try field.allowOnly(["method", "url", "headers", "body", "content_type", "prime", "credentials", "inputs", "number"])
        let method = (try field("method").optionalString() ?? "GET").uppercased()
        guard method == "GET" || method == "POST" else { throw field("method").error("must be GET or POST") }
        let url = try field("url").string()
        guard url.hasPrefix("https://") || url.hasPrefix("http://") else { throw field("url").error("must be an http(s) URL") }
        var headers: [(name: String, value: String)] = []
        for (name, value) in try field("headers").pairs() { headers.append((name, try value.string())) }
        let creds = field("credentials")
        let entries = creds.exists ? (creds.node?.sequence != nil ? try creds.list() : [creds]) : []
        let body = try field("body").optionalString()
        if body != nil, method != "POST" { throw field("body").error("a body needs method: POST") }
        let templates = [url, body ?? ""] + headers.map(\.value)
        var credentials: [Credentials] = []
        for entry in entries {
            try entry.allowOnly(["env", "header", "format"])
            let env = try entry("env").string()
            guard env.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber || $0 == "_") }) else {
                throw entry("env").error("'\(env)' is not an environment variable name (A-Z, 0-9, _)")
            }
            var header = try entry("header").optionalString()
            let placeholder = templates.contains { $0.contains("{env:\(env)}") }
            if header == nil, !placeholder { header = "Authorization" }
            credentials.append(Credentials(env: env, header: header, format: try entry("format").optionalString() ?? "{secret}"))
        }
        // Every {env:NAME} must be declared: a carrier file may read only its own secrets.
        for template in templates {
            var rest = Substring(template)
            while let start = rest.range(of: "{env:") {
                guard let close = rest[start.upperBound...].firstIndex(of: "}") else { break }
                let name = String(rest[start.upperBound..<close])
                if !credentials.contains(where: { $0.env == name }) {
                    throw creds.error("{env:\(name)} is used in the request but \(name) is not declared under credentials")
                }
                rest = rest[rest.index(after: close)...]
            }
        }
        return RequestTemplate(
            method: method, url: url, headers: headers, body: body,
            contentType: try field("content_type").optionalString(), prime: try field("prime").optionalString(),
            credentials: credentials, inputs: try field("inputs").strings(),
            number: try Self.pattern(try field("number").optionalString(), whole: false, field: field("number")))
    }

    private static func statusRules(_ field: YAMLField) throws(CarrierFileError) -> [StatusRule] {
        let items = try field.list()
        if items.isEmpty { throw field.error("at least one status rule is required") }
        return try items.map { (item) throws(CarrierFileError) -> StatusRule in
            try item.allowOnly(["match", "code", "status", "reason"])
            let matchSource = try item("match").optionalString()
            let codeSource = try item("code").optionalString()
            if matchSource == nil, codeSource == nil { throw item.error("a rule needs match and/or code") }
            let match = try Self.pattern(matchSource, whole: false, field: item("match"))
            let code = try Self.pattern(codeSource, whole: true, field: item("code"))
            let statusName = try item("status").string()
            guard let status = TrackingStatus(rawValue: statusName), status != .unknown else {
                throw item("status").error("unknown status '\(statusName)'")
            }
            var reason: ExceptionReason?
            if let reasonName = try item("reason").optionalString() {
                guard let parsed = ExceptionReason(rawValue: reasonName) else {
                    throw item("reason").error("unknown reason '\(reasonName)' (known: \(ExceptionReason.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                guard status == .exception else { throw item("reason").error("a reason goes only with status: exception") }
                reason = parsed
            }
            return StatusRule(match: match, code: code, status: status, reason: reason, line: item.line)
        }
    }

    /// Compiles every XPath / JSON path once at load so a typo fails here, not mid-sweep.
    private static func validatePaths(_ source: CarrierSource, _ root: YAMLField) throws(CarrierFileError) {
        let fields = source.fields
        var all: [(String, String)] = [("events", source.events)]
        all += fields.time.map { ("fields.time", $0) } + fields.status.map { ("fields.status", $0) }
        all += fields.code.map { ("fields.code", $0) } + fields.location.map { ("fields.location", $0) }
        all += fields.number.map { ("fields.number", $0) } + fields.country.map { ("fields.country", $0) }
        all += fields.region.map { ("fields.region", $0) }
        if let path = source.trackingNumberPath { all.append(("tracking_number", path)) }
        if let path = source.noEvents { all.append(("no_events", path)) }
        if let path = source.estimatedDelivery?.path { all.append(("estimated_delivery.path", path)) }
        if let batch = source.batch { all += [("batch.parcels", batch.parcels), ("batch.number", batch.number)] }
        for rule in source.errors { if let path = rule.path { all.append(("errors", path)) } }
        for (key, path) in all {
            if let problem = PathCheck.problem(path, format: source.format) {
                let parts = key.split(separator: ".").map(String.init)
                var field = root
                for part in parts { field = field(part) }
                throw field.error(problem)
            }
        }
    }
}
