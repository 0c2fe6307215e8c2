import Foundation
import ParcelCore

/// Everything the running simulator remembers: its clock, the parcels it moves, the carriers it
/// impersonates (one route per source, their token endpoints, credentials and quotas), its
/// fixtures and the request log.
actor SimState {
    let clock: SimClock
    let log = RequestLog()
    let fixturesDirectory: String
    /// Tokens, lifetimes, revocations and their counts (`/_sim/auth`).
    let auth: SimAuth
    /// Request quotas and their counts (`/_sim/quota`).
    let quota = SimQuota()
    /// One route per carrier source, most specific first.
    private let routes: [CarrierRoute]
    /// One token endpoint per oauth2 source.
    private let tokenEndpoints: [TokenEndpoint]
    /// Every carrier on its first source, by id.
    private let definitions: [String: CarrierDefinition]
    private var parcels: [String: ParcelScript] = [:]
    private var templates: [String: FixtureTemplate?] = [:]
    /// Stages of scripted parcels once computed (see `SimState+Stages.swift`).
    var stagePages: [String: StagePage] = [:]
    /// Per fixture folder, the signature of its pages' event lists (nil: none learnt).
    var eventListSignatures: [String: [String]?] = [:]
    private var faults: [StickyFault] = []
    let webhookSecret: String
    private var executions: [WebhookExecution] = []

    init(options: SimulatorOptions, carriers: CarrierRegistry?) {
        clock = SimClock(start: options.start)
        webhookSecret = options.webhookSecret
        fixturesDirectory = options.fixturesDirectory
        auth = SimAuth(defaultLifetime: options.tokenLifetime)
        let perSource = (carriers?.carriers ?? []).flatMap { carrier in
            carrier.sources.compactMap { source in try? carrier.using(source: source.name) }
        }
        // Stable: among equally specific routes the carrier file's order decides.
        routes = perSource.compactMap(CarrierRoute.init).enumerated()
            .sorted { $0.element.specificity != $1.element.specificity ? $0.element.specificity > $1.element.specificity : $0.offset < $1.offset }
            .map(\.element)
        tokenEndpoints = perSource.compactMap(TokenEndpoint.init)
        definitions = Dictionary((carriers?.carriers ?? []).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for script in options.scripts { parcels[Self.key(script.carrier, script.number)] = script }
    }

    private static func key(_ carrier: String, _ number: String) -> String { carrier + "/" + number }

    /// Registers parcels; their timelines start at the simulator's current time.
    func register(_ scripts: [ParcelScript]) async {
        let now = await clock.now
        for var script in scripts {
            if script.registeredAt == nil { script.registeredAt = now }
            parcels[Self.key(script.carrier, script.number)] = script
        }
    }

    /// Carries out a shop-backend action once per idempotency key; a repeat gets the first answer.
    func execute(backend: String, key: String, action: String, incidentId: Int, carrier: String?) async -> (reply: [String: String], replayed: Bool) {
        if let index = executions.firstIndex(where: { $0.backend == backend && $0.key == key }) {
            executions[index].requests += 1
            return (executions[index].reply, true)
        }
        var reply = ["status": "done", "reference": "SIM-\(executions.count + 1)"]
        if action == "reship", let carrier, let definition = self.carrier(carrier), fixtureNames(definition.fixtureFolder).contains("in-transit") {
            // The warehouse ships a replacement; the simulated carrier knows it from now on.
            let number = "RS\(String(format: "%012d", executions.count + 1))"
            reply["carrier"] = carrier
            reply["trackingNumber"] = number
            await register([ParcelScript(carrier: carrier, number: number, timeline: [.init(afterHours: 0, fixture: "in-transit")])])
        }
        executions.append(WebhookExecution(backend: backend, key: key, action: action, incidentId: incidentId, requests: 1, reply: reply))
        return (reply, false)
    }

    /// Every action the sink carried out for `backend`, with how often its key was sent.
    func webhookExecutions(backend: String) -> [WebhookExecution] { executions.filter { $0.backend == backend } }

    /// Adds a fault that carrier requests get without asking (`POST /_sim/faults`).
    func addFault(_ fault: StickyFault) {
        faults.append(fault)
    }

    /// Forgets every sticky fault.
    func clearFaults() {
        faults.removeAll()
    }

    /// The first sticky fault matching a carrier request (for a batch: any of its `numbers`),
    /// used up by one when it has a count.
    func takeFault(carrier: String, number: String?, numbers: [String]? = nil) -> Fault? {
        guard
            let index = faults.firstIndex(where: { fault in
                numbers.map { $0.contains { fault.matches(carrier: carrier, number: $0) } } ?? fault.matches(carrier: carrier, number: number)
            })
        else { return nil }
        let fault = Fault(faults[index].fault)
        if let remaining = faults[index].count {
            if remaining <= 1 { faults.remove(at: index) } else { faults[index].count = remaining - 1 }
        }
        return fault
    }

    /// The carrier source a request is for (the carrier answering through it), and what the
    /// request carries; routes are tried most specific first.
    func route(method: String, target: String, body: String) -> (CarrierDefinition, CarrierRoute.Match)? {
        for route in routes {
            if let match = route.match(method: method, target: target, body: body) { return (route.carrier, match) }
        }
        return nil
    }

    /// The token endpoint a request is for: of the oauth2 sources at its path, the one whose
    /// client id it carries, else the first.
    func tokenEndpoint(for request: SimRequest) -> TokenEndpoint? {
        let fitting = tokenEndpoints.filter { $0.fits(request) }
        return fitting.first { $0.claims(request) } ?? fitting.first
    }

    /// Every authenticated source, for `GET /_sim/auth`.
    var authenticatedSources: [(carrier: String, source: String, oauth2: Bool)] {
        definitions.values.flatMap { carrier in
            carrier.sources.compactMap { source -> (carrier: String, source: String, oauth2: Bool)? in
                guard let kind = source.auth else { return nil }
                return (carrier.id, source.name, kind.kind == "oauth2")
            }
        }
    }

    /// What the carrier shows for `number` now: the parcel's current stage, or for unknown
    /// numbers the carrier's not-found fixture. Nil when there is nothing to show.
    func page(carrier: CarrierDefinition, number: String) async -> (bytes: [UInt8], fixture: String, renderedAt: Date)? {
        let now = await clock.now
        var fixture: String?
        var stageStart = now
        if carrier.isFeed {
            let feedScript = parcels.values.first { $0.carrier == carrier.id }
            fixture = feedScript?.fixture(at: now)
            if let script = feedScript, let start = script.registeredAt,
                let stage = script.timeline.last(where: { $0.afterHours * 3600 <= now.timeIntervalSince(start) + 1e-6 })
            {
                stageStart = start.addingTimeInterval(stage.afterHours * 3600)
            }
        } else if let script = parcels[Self.key(carrier.id, number)] {
            // A later stage continues the history the earlier ones showed.
            if let start = script.registeredAt,
                let index = script.timeline.lastIndex(where: { $0.afterHours * 3600 <= now.timeIntervalSince(start) + 1e-6 }), index > 0,
                let stage = stagePage(script, index: index, carrier: carrier, number: number)
            {
                return (stage.bytes, script.timeline[index].fixture, stage.start)
            }
            fixture = script.fixture(at: now)
            // Render at the stage's start so re-fetching the same stage gives the same times.
            if let start = script.registeredAt, let name = fixture,
                let stage = script.timeline.last(where: { $0.fixture == name && $0.afterHours * 3600 <= now.timeIntervalSince(start) + 1e-6 })
            {
                stageStart = start.addingTimeInterval(stage.afterHours * 3600)
            }
        }
        guard let name = fixture ?? notFoundFixture(carrier.fixtureFolder) else { return nil }
        guard let template = template(carrier.fixtureFolder, name) else { return nil }
        let pattern = carrier.timePatterns.first ?? (try? TimePattern("iso8601"))
        guard let pattern else { return nil }
        return (template.render(number: number, now: stageStart, pattern: pattern, zone: carrier.timeZone), name, stageStart)
    }

    /// A fixture rendered directly (`/_sim/fixtures/<carrier>/<name>?number=`).
    func fixture(carrier: CarrierDefinition?, carrierID: String, name: String, number: String) async -> [UInt8]? {
        guard let template = template(carrierID, name) else { return nil }
        let now = await clock.now
        let pattern = carrier?.timePatterns.first ?? (try? TimePattern("iso8601"))
        guard let pattern else { return nil }
        return template.render(number: number, now: now, pattern: pattern, zone: carrier?.timeZone ?? TimeZone(identifier: "UTC") ?? .current)
    }

    /// The carrier with `id`, on its first source.
    func carrier(_ id: String) -> CarrierDefinition? {
        definitions[id]
    }

    private func notFoundFixture(_ carrier: String) -> String? {
        let names = fixtureNames(carrier)
        return names.first { $0.contains("not-found") || $0.contains("notfound") }
    }

    func fixtureNames(_ carrier: String) -> [String] {
        let directory = (fixturesDirectory as NSString).appendingPathComponent(carrier)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return files.filter { !$0.hasSuffix(".expected.json") && !$0.hasPrefix(".") && !$0.hasSuffix(".py") && !$0.hasSuffix(".md") }
            .map { ($0 as NSString).deletingPathExtension }.sorted()
    }

    /// The extension of a fixture file, for its content type.
    func fixtureExtension(_ carrier: String, _ name: String) -> String? {
        let directory = (fixturesDirectory as NSString).appendingPathComponent(carrier)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return files.first { ($0 as NSString).deletingPathExtension == name && !$0.hasSuffix(".expected.json") }
            .map { ($0 as NSString).pathExtension }
    }

    func template(_ carrier: String, _ name: String) -> FixtureTemplate? {
        let key = Self.key(carrier, name)
        if let cached = templates[key] { return cached }
        guard !name.contains("/"), !name.contains(".."), !carrier.contains(".."),
            let ext = fixtureExtension(carrier, name)
        else { return nil }
        let path = ((fixturesDirectory as NSString).appendingPathComponent(carrier) as NSString).appendingPathComponent("\(name).\(ext)")
        let loaded = FileManager.default.contents(atPath: path).map { FixtureTemplate(bytes: [UInt8]($0)) }
        templates[key] = loaded
        return loaded
    }
}

/// One action the webhook sink carried out.
struct WebhookExecution: Sendable, Codable {
    /// The `/_sim/webhook/NAME` it came to ("" for `/_sim/webhook`).
    var backend: String
    var key: String
    var action: String
    var incidentId: Int
    /// How many requests carried this key (retries after a crash included); executed once.
    var requests: Int
    var reply: [String: String]
}
