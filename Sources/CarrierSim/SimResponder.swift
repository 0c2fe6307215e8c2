import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ParcelCore

/// Answers every request the simulator gets: control endpoints under `/_sim/` (`/_sim/auth` and
/// `/_sim/quota` in `SimResponder+Control.swift`), token endpoints and carriers at their own URL
/// shapes (`SimResponder+Carriers.swift`), and the fault a request asks for.
struct SimResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    let state: SimState
    let truncator: TruncatingListener

    func respond(to request: Request, context: Context) async throws -> Response {
        let received = Date().timeIntervalSince1970
        var request = request
        let asked = request.uri.queryParameters["_fault"].map(String.init) ?? Self.header(request, "X-Sim-Fault")
        let bodyBuffer = try await request.collectBody(upTo: 1 << 20)
        let body = String(buffer: bodyBuffer)
        var outcome = try await answer(request, body: body)
        var fault = Fault(asked)
        if asked == nil, let carrier = outcome.carrier, !request.uri.path.hasPrefix("/_sim/"), !outcome.isTokenAnswer,
            let sticky = await state.takeFault(carrier: carrier, number: outcome.number, numbers: outcome.numbers)
        {
            fault = sticky
        }
        if fault.delayMilliseconds > 0 { try await Task.sleep(for: .milliseconds(fault.delayMilliseconds)) }
        outcome = apply(fault, to: outcome, request: request)
        await state.log.record(
            .init(
                receivedAt: received, method: request.method.rawValue, path: request.uri.path,
                carrier: outcome.carrier, source: outcome.source, number: outcome.number, status: outcome.status))
        return outcome.response(acceptsGzip: request.headers[.acceptEncoding]?.contains("gzip") == true)
    }

    /// The response before faults.
    private func answer(_ request: Request, body: String) async throws -> Outcome {
        var path = request.uri.path
        let query = request.uri.queryParameters
        // `/_sim/webhook/NAME` is a backend of its own: keys of two shops (or two tests) never meet.
        var backend = ""
        if path.hasPrefix("/_sim/webhook/") {
            backend = String(path.dropFirst("/_sim/webhook/".count))
            path = "/_sim/webhook"
        }
        switch path {
        case "/_sim/health":
            return .text("ok\n")
        case "/_sim/clock":
            if request.method == .post, let hours = query["hours"].flatMap({ Double(String($0)) }) {
                _ = await state.clock.advance(seconds: hours * 3600)
            }
            return .json(["now": ISOTime.utc(await state.clock.now)])
        case "/_sim/advance":
            let hours = query["hours"].flatMap { Double(String($0)) } ?? 0
            let now = await state.clock.advance(seconds: hours * 3600)
            return .json(["now": ISOTime.utc(now)])
        case "/_sim/parcels":
            guard request.method == .post else { return .status(405, "POST a parcel script\n") }
            let data = Data(body.utf8)
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            let scripts =
                (try? decoder.decode([ParcelScript].self, from: data))
                ?? (try? decoder.decode(ParcelScript.self, from: data)).map { [$0] }
            guard let scripts else { return .status(400, "expected a parcel script or a list of them\n") }
            await state.register(scripts)
            return .json(["registered": String(scripts.count)])
        case "/_sim/webhook":
            if request.method == .get {
                return Outcome(
                    status: 200, contentType: "application/json",
                    body: [UInt8](try JSONEncoder().encode(await state.webhookExecutions(backend: backend))))
            }
            let timestamp = Int(Self.header(request, "X-Parcelwatch-Timestamp") ?? "") ?? 0
            let expected = WebhookSignature.signature(body: Array(body.utf8), timestamp: timestamp, secret: state.webhookSecret)
            guard Self.header(request, "X-Parcelwatch-Signature") == expected else { return .status(401, "bad signature\n") }
            guard let key = Self.header(request, "Idempotency-Key"),
                let payload = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
                let action = (payload["action"] as? String) ?? (payload["template"] as? String).map({ "notice:" + $0 })
            else {
                return .status(400, "expected a signed action or notice with an Idempotency-Key\n")
            }
            let result = await state.execute(
                backend: backend, key: key, action: action, incidentId: payload["incidentId"] as? Int ?? 0, carrier: payload["carrier"] as? String)
            var outcome = Outcome.json(result.reply)
            if result.replayed { outcome.headers.append(("Idempotent-Replayed", "true")) }
            return outcome
        case "/_sim/faults":
            if request.method == .delete {
                await state.clearFaults()
                return .text("cleared\n")
            }
            guard request.method == .post, let sticky = try? JSONDecoder().decode(StickyFault.self, from: Data(body.utf8)) else {
                return .status(400, "POST {\"carrier\": ID, \"number\": optional, \"fault\": \"status=429,retry-after=1\", \"count\": optional}\n")
            }
            await state.addFault(sticky)
            return .json(["added": sticky.fault])
        case "/_sim/requests":
            if request.method == .delete {
                await state.log.clear()
                return .text("cleared\n")
            }
            let encoder = JSONEncoder()
            let entries = try encoder.encode(await state.log.entries)
            return Outcome(status: 200, contentType: "application/json", body: [UInt8](entries))
        case "/_sim/auth":
            return await authControl(method: request.method.rawValue, body: body)
        case "/_sim/quota":
            return await quotaControl(method: request.method.rawValue, body: body, carrier: query["carrier"].map(String.init))
        case "/_sim/echo":
            var fields: [String: String] = ["method": request.method.rawValue, "path": path, "query": request.uri.query ?? "", "body": body]
            for field in request.headers { fields["header:" + field.name.canonicalName.lowercased()] = field.value }
            return .json(fields)
        case "/_sim/bytes":
            let size = min(64 << 20, max(0, query["size"].flatMap { Int(String($0)) } ?? 0))
            return Outcome(status: 200, contentType: "application/octet-stream", body: [UInt8](repeating: 0x61, count: size))
        default:
            break
        }
        if path == "/_sim/redirect-to", let target = query["target"].map(String.init) {
            // An open redirect, for testing that clients check where a redirect leads.
            var outcome = Outcome.status(302, "")
            outcome.headers.append(("Location", target))
            return outcome
        }
        if path.hasPrefix("/_sim/redirect/") {
            let step = Int(path.dropFirst("/_sim/redirect/".count)) ?? 0
            var outcome = Outcome.status(302, "")
            outcome.headers.append(("Location", "/_sim/redirect/\(step + 1)"))
            return outcome
        }
        if path.hasPrefix("/_sim/fixtures/") {
            let parts = path.dropFirst("/_sim/fixtures/".count).split(separator: "/").map(String.init)
            guard parts.count == 2 || parts.count == 3, let name = parts.last else {
                return .status(404, "use /_sim/fixtures/<carrier>[/<source>]/<name>?number=…\n")
            }
            let folder = parts.dropLast().joined(separator: "/")
            let number = query["number"].map(String.init) ?? "TEST0000000000"
            var carrier = await state.carrier(parts[0])
            if parts.count == 3 { carrier = try? carrier?.using(source: parts[1]) }
            guard let bytes = await state.fixture(carrier: carrier, carrierID: folder, name: name, number: number) else {
                return .status(404, "no fixture \(folder)/\(name)\n")
            }
            let ext = await state.fixtureExtension(folder, name) ?? "txt"
            return Outcome(status: 200, contentType: Self.contentType(ext), body: bytes, carrier: parts[0], number: number)
        }
        var headers: [String: String] = [:]
        for field in request.headers where headers[field.name.canonicalName.lowercased()] == nil {
            headers[field.name.canonicalName.lowercased()] = field.value
        }
        let simRequest = SimRequest(method: request.method.rawValue, path: path, target: request.uri.string, headers: headers, body: body)
        if let outcome = await carrierAnswer(simRequest) { return outcome }
        return .status(404, "the simulator knows no carrier at \(request.method.rawValue) \(path)\n")
    }

    /// A request header by name (nil for names HTTP does not allow).
    private static func header(_ request: Request, _ name: String) -> String? {
        HTTPField.Name(name).flatMap { request.headers[$0] }
    }

    static func contentType(_ ext: String) -> String {
        switch ext.lowercased() {
        case "html", "htm": return "text/html"
        case "xml": return "application/xml"
        case "json": return "application/json; charset=utf-8"
        default: return "text/plain"
        }
    }

    private func apply(_ fault: Fault, to outcome: Outcome, request: Request) -> Outcome {
        var outcome = outcome
        if fault.truncate {
            outcome = .status(307, "")
            outcome.headers.append(("Location", "http://127.0.0.1:\(truncator.port)/truncated"))
            return outcome
        }
        if fault.redirectLoop {
            outcome = .status(302, "")
            outcome.headers.append(("Location", "/_sim/redirect/1"))
            return outcome
        }
        if let status = fault.status {
            outcome.status = status
            outcome.body = Array("simulated HTTP \(status)\n".utf8)
            outcome.contentType = "text/plain"
            if let retryAfter = fault.retryAfter { outcome.headers.append(("Retry-After", String(retryAfter))) }
            return outcome
        }
        if fault.formatChanged, outcome.status == 200 {
            if outcome.contentType.contains("json") {
                outcome.body = Array(#"{"redesigned": true, "message": "Nueva web de seguimiento"}"#.utf8)
            } else if outcome.contentType.contains("xml") {
                outcome.body = Array(#"<?xml version="1.0" encoding="UTF-8"?><redesigned><message>New tracking site</message></redesigned>"#.utf8)
            } else {
                outcome.body = Array(
                    "<!DOCTYPE html><html><head><title>Tracking</title></head><body><main><h1>New tracking site</h1></main></body></html>".utf8)
            }
        }
        if fault.huge {
            outcome.body = [UInt8](repeating: 0x20, count: 10 << 20)
        }
        if let charset = fault.charset {
            let base = outcome.contentType.split(separator: ";").first.map(String.init) ?? outcome.contentType
            outcome.contentType = "\(base); charset=\(charset)"
        }
        guard outcome.status == 200 else { return outcome }
        let etag = "\"" + String(Gzip.crc32(outcome.body), radix: 16) + "-" + String(outcome.body.count, radix: 16) + "\""
        outcome.headers.append(("ETag", etag))
        if let ifNoneMatch = request.headers[.ifNoneMatch], ifNoneMatch == etag || ifNoneMatch == "*" {
            outcome.status = 304
            outcome.body = []
        }
        return outcome
    }
}

/// A response being put together.
struct Outcome {
    var status: Int
    var contentType: String
    var body: [UInt8]
    var headers: [(String, String)] = []
    var carrier: String?
    var number: String?
    /// The carrier source that answered.
    var source: String?
    /// For a batch request: the numbers asked about (`number` is them joined).
    var numbers: [String]?
    /// True for a token endpoint's answer: sticky faults are for tracking answers.
    var isTokenAnswer = false

    static func text(_ text: String) -> Outcome {
        Outcome(status: 200, contentType: "text/plain; charset=utf-8", body: Array(text.utf8))
    }

    static func status(_ status: Int, _ text: String) -> Outcome {
        Outcome(status: status, contentType: "text/plain; charset=utf-8", body: Array(text.utf8))
    }

    /// `value` as JSON (sorted keys) with `status`.
    static func encoded<Value: Encodable>(_ value: Value, status: Int = 200) -> Outcome {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Outcome(status: status, contentType: "application/json", body: [UInt8](data))
    }

    static func json(_ object: [String: String]) -> Outcome {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Outcome(status: 200, contentType: "application/json", body: [UInt8](data))
    }

    func response(acceptsGzip: Bool) -> Response {
        var fields = HTTPFields()
        fields[.contentType] = contentType
        for (name, value) in headers {
            if let fieldName = HTTPField.Name(name) { fields.append(HTTPField(name: fieldName, value: value)) }
        }
        var bytes = body
        if acceptsGzip, !bytes.isEmpty, status != 304 {
            bytes = Gzip.wrap(bytes)
            fields[.contentEncoding] = "gzip"
        }
        return Response(status: .init(code: status), headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// IMF-fixdate text for `Last-Modified`.
enum HTTPDateText {
    static func format(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970)
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let rest = seconds - days * 86_400
        let (y, m, d) = CivilTime.date(days: days)
        let weekday = CalendarNames.weekdayAbbreviation(daysSince1970: days)
        let month = CalendarNames.monthAbbreviations[m - 1]
        return String(format: "%@, %02d %@ %04d %02d:%02d:%02d GMT", weekday, d, month, y, rest / 3600, rest % 3600 / 60, rest % 60)
    }
}
