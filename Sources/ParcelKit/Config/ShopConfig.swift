import Foundation
import Yams

/// The shop's settings (`parcelwatch.yaml`): the time zone its dates are judged in, and the
/// defaults later concerns (incidents, notices) read. Every key has an embedded default, so
/// Parcelwatch runs with no file at all.
///
/// ```yaml
/// shop:
///   name: Księgarnia Nowak
///   timezone: Europe/Warsaw
///   country: PL                 # business days for orders not yet with a carrier
///   quiet_hours: "21:00-08:00"  # the notice SLA clock stops here
/// incidents:
///   stalled_days: 3             # business days without news, non-terminal
///   lost_days: 7                # business days without news in transit
///   not_dispatched_days: 2      # business days after payment with no carrier scan
///   late_cutoff: "12:00"        # on the promised day: out for delivery by then, or late
///   notice_due_minutes: 60      # customer notice, counted outside quiet hours
///   first_touch_days: 1         # staff first touch, business days
///   resolution_days: { damaged: 2, late: 2 }
///   staff_only: [stalled, trackingBroken]
///   holidays: ["2026-12-24"]    # one-off or regional days off
///   carriers: { inpost: { stalled_days: 2, lost_days: 5 } }
/// escalation:
///   lead: anna                  # second breaches and unassigned cases' breaches
///   console_url: https://shop.example/parcelwatch
/// ```
public struct ShopConfig: Sendable {
    /// The shop's display name.
    public var shopName: String
    /// The zone promised dates, business days and quiet hours are judged in.
    public var timeZone: TimeZone
    /// The shop's country (ISO 3166), for business days of orders not yet with a carrier.
    public var country: String
    /// Incident thresholds and SLA clocks.
    public var policy: IncidentPolicy
    /// How customers reach the shop; printed in every notice.
    public var contact = ShopContact()
    /// How notices leave Parcelwatch; nil: `.eml` files in an `outbox` folder beside the database.
    public var delivery: NoticeDelivery?
    /// Refund/reship/claim/voucher decisions and the shop backend's webhook.
    public var workflows = WorkflowPolicy.standard
    /// Who hears about SLA breaches beyond the case owner, and the console link in those mails.
    public var escalation = EscalationPolicy()
    /// Per-carrier settings: where each carrier's credentials file is (`carriers: { ups:
    /// { credentials: /etc/parcelwatch/ups.yaml } }`).
    public var carrierCredentialFiles: [String: String] = [:]
    /// Where the settings came from (`embedded defaults` without a file).
    public var source: String

    /// The embedded defaults.
    public static let defaults = ShopConfig(shopName: "Parcelwatch demo shop", timeZone: TimeZone(identifier: "Europe/Warsaw") ?? .current,
                                            source: "embedded defaults")

    /// Creates a configuration.
    public init(shopName: String, timeZone: TimeZone, country: String = "PL", policy: IncidentPolicy = IncidentPolicy(), source: String) {
        self.shopName = shopName
        self.timeZone = timeZone
        self.country = country
        self.policy = policy
        self.source = source
    }

    /// `explicit` (`--config`), else `PARCELWATCH_CONFIG`, else `./parcelwatch.yaml` when it
    /// exists, else the defaults. A named file that is missing is an error; a silent fallback
    /// would judge dates in the wrong zone.
    public static func load(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigError) -> ShopConfig {
        if let path = explicit ?? environment["PARCELWATCH_CONFIG"].flatMap({ $0.isEmpty ? nil : $0 }) {
            return try read(file: path)
        }
        if FileManager.default.fileExists(atPath: "parcelwatch.yaml") { return try read(file: "parcelwatch.yaml") }
        return defaults
    }

    /// Reads one file over the defaults.
    public static func read(file: String) throws(ConfigError) -> ShopConfig {
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
            throw .unreadable(file: file, detail: "no such file or not UTF-8")
        }
        return try parse(yaml: text, file: file)
    }

    /// Reads settings from YAML text over the defaults (`file` names it in messages).
    public static func parse(yaml text: String, file: String) throws(ConfigError) -> ShopConfig {
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch { throw .unreadable(file: file, detail: "\(error)") }
        var config = defaults
        config.source = file
        guard let root = node?.mapping else { return config }
        for key in root.keys.compactMap(\.string) where !["shop", "incidents", "notices", "workflows", "carriers", "escalation"].contains(key) {
            throw .badValue(file: file, key: key, detail: "unknown section (known: shop, incidents, notices, workflows, carriers, escalation)")
        }
        if let escalation = root["escalation"] {
            config.escalation = try EscalationPolicy.read(escalation, file: file)
        }
        if let carriers = root["carriers"] {
            guard let mapping = carriers.mapping else { throw .badValue(file: file, key: "carriers", detail: "expected a mapping of carrier ids") }
            for (idNode, settings) in mapping {
                let id = idNode.string ?? ""
                guard let fields = settings.mapping else { throw .badValue(file: file, key: "carriers.\(id)", detail: "expected { credentials: FILE }") }
                for (keyNode, value) in fields {
                    guard keyNode.string == "credentials", let path = value.string, !path.isEmpty else {
                        throw .badValue(file: file, key: "carriers.\(id).\(keyNode.string ?? "")", detail: "unknown key (known: credentials: FILE)")
                    }
                    // Relative paths are read beside the config file.
                    config.carrierCredentialFiles[id] = path.hasPrefix("/") ? path
                        : ((file as NSString).deletingLastPathComponent as NSString).appendingPathComponent(path)
                }
            }
        }
        if let workflows = root["workflows"]?.mapping {
            config.workflows = try WorkflowPolicy.read(workflows, file: file)
        }
        if let notices = root["notices"]?.mapping {
            config.delivery = try NoticeDelivery.read(notices, file: file)
        }
        if let shop = root["shop"]?.mapping {
            if let name = shop["name"]?.string { config.shopName = name }
            if let zoneName = shop["timezone"]?.string {
                guard let zone = TimeZone(identifier: zoneName) else {
                    throw .badValue(file: file, key: "shop.timezone", detail: "'\(zoneName)' is not an IANA time zone such as Europe/Warsaw")
                }
                config.timeZone = zone
            }
            if let country = shop["country"]?.string {
                guard country.count == 2, country.allSatisfy(\.isLetter) else {
                    throw .badValue(file: file, key: "shop.country", detail: "'\(country)' is not a two-letter country code such as PL")
                }
                config.country = country.uppercased()
            }
            if let contact = shop["contact"]?.mapping {
                for (keyNode, value) in contact {
                    switch keyNode.string {
                    case "email": config.contact.email = value.string ?? config.contact.email
                    case "phone": config.contact.phone = value.string ?? config.contact.phone
                    case "hours": config.contact.hours = value.string ?? config.contact.hours
                    case "from": config.contact.from = value.string ?? config.contact.from
                    default: throw .badValue(file: file, key: "shop.contact.\(keyNode.string ?? "")", detail: "unknown key (known: email, phone, hours, from)")
                    }
                }
            }
            if let quiet = shop["quiet_hours"]?.string {
                let parts = quiet.split(separator: "-").map { String($0).trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, let start = minutes(parts[0]), let end = minutes(parts[1]) else {
                    throw .badValue(file: file, key: "shop.quiet_hours", detail: "'\(quiet)' is not a range such as 21:00-08:00")
                }
                config.policy.quietStartMinutes = start
                config.policy.quietEndMinutes = end
            }
        }
        if let incidents = root["incidents"]?.mapping {
            config.policy = try IncidentPolicyReader(file: file).read(incidents, over: config.policy)
        }
        return config
    }

    /// `HH:MM` as minutes after midnight.
    static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let hours = Int(parts[0]), let minutes = Int(parts[1]), (0...23).contains(hours), (0...59).contains(minutes) else {
            return nil
        }
        return hours * 60 + minutes
    }
}

/// Reads the `incidents:` section.
private struct IncidentPolicyReader {
    let file: String

    func read(_ section: Node.Mapping, over base: IncidentPolicy) throws(ConfigError) -> IncidentPolicy {
        var policy = base
        for (keyNode, value) in section {
            guard let key = keyNode.string else { continue }
            switch key {
            case "stalled_days": policy.thresholds.stalledDays = try days(value, key)
            case "lost_days": policy.thresholds.lostDays = try days(value, key)
            case "not_dispatched_days": policy.notDispatchedDays = try days(value, key)
            case "reship_promise_days": policy.reshipPromiseDays = try days(value, key)
            case "first_touch_days": policy.firstTouchDays = try days(value, key)
            case "notice_due_minutes": policy.noticeDue = TimeInterval(try days(value, key) * 60)
            case "late_cutoff":
                guard let text = value.string, let minutes = ShopConfig.minutes(text) else { throw bad(key, "expected a time such as 12:00") }
                policy.lateCutoffMinutes = minutes
            case "resolution_days":
                guard let mapping = value.mapping else { throw bad(key, "expected kind: days") }
                for (kindNode, daysNode) in mapping {
                    policy.resolutionDays[try kind(kindNode.string ?? "", "\(key).\(kindNode.string ?? "")")] = try days(daysNode, key)
                }
            case "staff_only":
                guard let list = value.sequence else { throw bad(key, "expected a list of incident kinds") }
                let staffOnly = try list.map { (item) throws(ConfigError) in try kind(item.string ?? "", key) }
                policy.customerFacing = Set(IncidentKind.allCases).subtracting(staffOnly).subtracting([.trackingBroken])
            case "holidays":
                guard let list = value.sequence else { throw bad(key, "expected a list of YYYY-MM-DD dates") }
                policy.extraHolidays = try list.map { (item) throws(ConfigError) in
                    guard let date = CivilDate(item.string ?? "") else { throw bad(key, "'\(item.string ?? "")' is not a YYYY-MM-DD date") }
                    return date
                }
            case "carriers":
                guard let mapping = value.mapping else { throw bad(key, "expected carrier: { stalled_days, lost_days }") }
                for (carrierNode, overrides) in mapping {
                    guard let carrier = carrierNode.string, let fields = overrides.mapping else { throw bad(key, "expected carrier: { stalled_days, lost_days }") }
                    var thresholds = policy.thresholds
                    for (fieldNode, number) in fields {
                        switch fieldNode.string {
                        case "stalled_days": thresholds.stalledDays = try days(number, "carriers.\(carrier).stalled_days")
                        case "lost_days": thresholds.lostDays = try days(number, "carriers.\(carrier).lost_days")
                        default: throw bad("carriers.\(carrier).\(fieldNode.string ?? "")", "unknown key (known: stalled_days, lost_days)")
                        }
                    }
                    policy.carrierThresholds[carrier] = thresholds
                }
            default:
                throw bad(key, "unknown key")
            }
        }
        return policy
    }

    private func days(_ node: Node, _ key: String) throws(ConfigError) -> Int {
        guard let value = node.int, value >= 0 else { throw bad(key, "expected a whole number of at least 0") }
        return value
    }

    private func kind(_ name: String, _ key: String) throws(ConfigError) -> IncidentKind {
        guard let kind = IncidentKind(rawValue: name) else {
            throw bad(key, "'\(name)' is not an incident kind (\(IncidentKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return kind
    }

    private func bad(_ key: String, _ detail: String) -> ConfigError {
        .badValue(file: file, key: "incidents.\(key)", detail: detail)
    }
}
