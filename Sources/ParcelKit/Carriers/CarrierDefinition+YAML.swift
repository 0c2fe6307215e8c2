import Foundation
import Yams

extension CarrierDefinition {
    private static let topKeys: Set<String> = [
        "id", "name", "country", "language", "numbers", "request", "feed", "format", "namespaces", "events",
        "fields", "time", "tracking_number", "estimated_delivery", "not_found", "not_found_status", "statuses", "limits",
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
        try root.allowOnly(topKeys)

        let id = try root("id").string()
        guard id.range(of: "^[a-z][a-z0-9-]*$", options: .regularExpression) != nil else {
            throw root("id").error("'\(id)' is not a lowercase slug (a-z, 0-9, -)")
        }
        let baseName = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        if file.hasSuffix(".yaml") || file.hasSuffix(".yml"), baseName != id {
            throw root("id").error("'\(id)' must equal the file name '\(baseName)'")
        }
        guard let format = Format(rawValue: try root("format").string()) else {
            throw root("format").error("must be one of html, xml, json")
        }
        let timeField = root("time")
        try timeField.allowOnly(["format", "zone"])
        let zoneName = try timeField("zone").string()
        guard let zone = TimeZone(identifier: zoneName) else { throw timeField("zone").error("unknown time zone '\(zoneName)'") }
        let patterns = try timePatterns(timeField("format"))
        guard !patterns.isEmpty else { throw timeField("format").error("is required") }

        let fieldsNode = root("fields")
        try fieldsNode.allowOnly(["time", "status", "code", "location", "number"])
        let fields = Fields(
            time: try fieldsNode("time").strings(), status: try fieldsNode("status").strings(),
            code: try fieldsNode("code").strings(), location: try fieldsNode("location").strings(),
            number: try fieldsNode("number").strings())
        if fields.time.isEmpty { throw fieldsNode("time").error("is required") }
        if fields.status.isEmpty { throw fieldsNode("status").error("is required") }

        var feedLookback: TimeInterval?
        let feed = root("feed")
        if feed.exists {
            try feed.allowOnly(["since"])
            let since = try feed("since").optionalString() ?? "P7D"
            guard let seconds = ISODuration.seconds(since) else { throw feed("since").error("'\(since)' is not an ISO-8601 duration like P7D") }
            feedLookback = seconds
            if fields.number.isEmpty { throw fieldsNode("number").error("feeds need fields.number to route events to parcels") }
        }

        var namespaces: [(prefix: String, uri: String)] = []
        for (prefix, value) in try root("namespaces").pairs() { namespaces.append((prefix, try value.string())) }

        var estimated: DatePath?
        let eta = root("estimated_delivery")
        if eta.exists {
            try eta.allowOnly(["path", "format"])
            estimated = DatePath(path: try eta("path").string(), patterns: try timePatterns(eta("format")))
            if estimated?.patterns.isEmpty == true { throw eta("format").error("is required") }
        }

        let notFoundStatuses = try root("not_found_status").strings().map { (text) throws(CarrierFileError) -> Int in
            guard let value = Int(text) else { throw root("not_found_status").error("'\(text)' is not an HTTP status") }
            return value
        }

        var limits = Limits.standard
        let limitsField = root("limits")
        if limitsField.exists {
            try limitsField.allowOnly(["concurrency", "per_second", "burst"])
            if limitsField("concurrency").exists { limits.concurrency = try limitsField("concurrency").int() }
            if limitsField("per_second").exists {
                guard let rate = Double(try limitsField("per_second").string()), rate > 0 else {
                    throw limitsField("per_second").error("expected a positive number of requests per second")
                }
                limits.perSecond = rate
            }
            limits.burst = limitsField("burst").exists ? try limitsField("burst").int() : max(1, Int(limits.perSecond.rounded(.up)))
            guard limits.concurrency >= 1 else { throw limitsField("concurrency").error("must be at least 1") }
            guard limits.burst >= 1 else { throw limitsField("burst").error("must be at least 1") }
        }

        let definition = CarrierDefinition(
            id: id,
            name: try root("name").string(),
            country: try root("country").string().uppercased(),
            language: try root("language").string().lowercased(),
            numbers: try numberRules(root("numbers")),
            request: try request(root("request")),
            feedLookback: feedLookback,
            format: format,
            namespaces: namespaces,
            events: try root("events").string(),
            fields: fields,
            timePatterns: patterns,
            timeZone: zone,
            trackingNumberPath: try root("tracking_number").optionalString(),
            estimatedDelivery: estimated,
            notFound: NotFoundProbe(path: try root("not_found").optionalString(), statuses: notFoundStatuses),
            statuses: try statusRules(root("statuses")),
            limits: limits,
            sourceFile: file)
        try definition.validatePaths(root)
        return definition
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
            do { return try TimePattern(text) } catch let error as TimePatternError { throw field.error(error.description) } catch { throw field.error("\(error)") }
        }
    }

    /// Compiles a pattern from the file, or fails naming its line and key.
    private static func pattern(_ source: String?, whole: Bool, field: YAMLField) throws(CarrierFileError) -> TextPattern? {
        guard let source else { return nil }
        do {
            return try TextPattern(source, whole: whole)
        } catch {
            throw field.error(error.description)
        }
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
        try field.allowOnly(["method", "url", "headers", "body", "content_type", "prime", "credentials", "inputs"])
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
        return RequestTemplate(method: method, url: url, headers: headers, body: body,
                               contentType: try field("content_type").optionalString(), prime: try field("prime").optionalString(),
                               credentials: credentials, inputs: try field("inputs").strings())
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
    private func validatePaths(_ root: YAMLField) throws(CarrierFileError) {
        var all: [(String, String)] = [("events", events)]
        all += fields.time.map { ("fields.time", $0) } + fields.status.map { ("fields.status", $0) }
        all += fields.code.map { ("fields.code", $0) } + fields.location.map { ("fields.location", $0) }
        all += fields.number.map { ("fields.number", $0) }
        if let trackingNumberPath { all.append(("tracking_number", trackingNumberPath)) }
        if let path = notFound.path { all.append(("not_found", path)) }
        if let path = estimatedDelivery?.path { all.append(("estimated_delivery.path", path)) }
        for (key, path) in all {
            if let problem = PathCheck.problem(path, format: format) {
                let parts = key.split(separator: ".").map(String.init)
                var field = root
                for part in parts { field = field(part) }
                throw field.error(problem)
            }
        }
    }
}

/// `P7D`, `PT12H`, `P1DT6H` → seconds.
enum ISODuration {
    static func seconds(_ text: String) -> TimeInterval? {
        guard text.hasPrefix("P") else { return nil }
        var total = 0.0, number = 0.0, inTime = false, sawDigit = false
        for char in text.dropFirst() {
            if let digit = char.wholeNumberValue { number = number * 10 + Double(digit); sawDigit = true; continue }
            switch char {
            case "T": inTime = true; continue
            case "D" where !inTime: total += number * 86_400
            case "W" where !inTime: total += number * 604_800
            case "H" where inTime: total += number * 3600
            case "M" where inTime: total += number * 60
            case "S" where inTime: total += number
            default: return nil
            }
            number = 0
        }
        return sawDigit ? total : nil
    }
}
