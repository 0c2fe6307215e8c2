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
/// carriers:
///   ups: { credentials: ups.yaml, concurrency: 12 }   # 12 requests in flight, not the file's 4
/// estimates:
///   window_days: 90             # days of deliveries the lane model learns from
///   late_risk_threshold: 0.30   # lateRisk opens below this chance of meeting the promise
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
    /// The lane model's window and the lateRisk threshold (`estimates:`).
    public var estimates = EstimateSettings()
    /// Per-carrier settings: where each carrier's credentials file is (`carriers: { ups:
    /// { credentials: /etc/parcelwatch/ups.yaml } }`).
    public var carrierCredentialFiles: [String: String] = [:]
    /// Per-carrier requests in flight overriding the carrier file's `limits: concurrency`
    /// (`carriers: { ups: { concurrency: 12 } }`), for carriers that allow more than the file's
    /// polite default; `parcelwatch sweep --carrier-concurrency` overrides it in turn.
    public var carrierConcurrency: [String: Int] = [:]
    /// Where the settings came from (`embedded defaults` without a file).
    public var source: String

    /// The embedded defaults.
    public static let defaults = ShopConfig(
        shopName: "Parcelwatch demo shop", timeZone: TimeZone(identifier: "Europe/Warsaw") ?? .current,
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
    /// - Throws: ``ConfigError/badValue(file:line:key:detail:)`` for an unknown key or a value
    ///   that cannot be used, in any section: a typo must never be silently ignored.
    public static func parse(yaml text: String, file: String) throws(ConfigError) -> ShopConfig {
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch {
            throw .badValue(file: file, line: Self.line(of: error), key: "", detail: "not valid YAML: \(error)")
        }
        var config = defaults
        config.source = file
        do { try config.read(YAMLField(file: file, path: "", node: node)) } catch { throw ConfigError(error) }
        return config
    }

    /// Where the YAML parser stopped (a key given twice included).
    private static func line(of error: any Error) -> Int {
        switch error as? YamlError {
        case .scanner(_, _, let mark, _)?, .parser(_, _, let mark, _)?, .composer(_, _, let mark, _)?: return mark.line
        case .duplicatedKeysInMapping(_, let context)?: return context.mark.line
        default: return 1
        }
    }

    /// Reads every section over these settings.
    private mutating func read(_ root: YAMLField) throws(CarrierFileError) {
        let sections: Set<String> = ["shop", "incidents", "notices", "workflows", "carriers", "escalation", "estimates"]
        guard try root.section(sections, expected: "a mapping of sections (\(sections.sorted().joined(separator: ", ")))") else { return }
        let estimates = root("estimates")
        if try estimates.section(EstimateSettings.keys, expected: "a mapping such as { window_days: 90, late_risk_threshold: 0.30 }") {
            try self.estimates.read(estimates)
        }
        let escalation = root("escalation")
        if try escalation.section(["lead", "console_url"], expected: "a mapping such as { lead: NAME, console_url: URL }") {
            self.escalation = try EscalationPolicy.read(escalation)
        }
        if let carriers = try root("carriers").entries("a mapping of carrier ids such as { ups: { credentials: FILE } }") {
            let what = "{ credentials: FILE, concurrency: N }"
            for (id, settings) in carriers {
                guard try settings.section(["credentials", "concurrency"], expected: what) else { throw settings.expected(what) }
                if let limit = try settings("concurrency").wholeNumber(1...1000, "requests in flight") {
                    carrierConcurrency[id] = limit
                }
                guard let path = try settings("credentials").text("the path of the carrier's credentials file") else {
                    guard settings("concurrency").isAbsent else { continue }
                    throw settings.missing("credentials", "the path of the carrier's credentials file")
                }
                // Relative paths are read beside the config file.
                carrierCredentialFiles[id] =
                    path.hasPrefix("/")
                    ? path
                    : ((root.file as NSString).deletingLastPathComponent as NSString).appendingPathComponent(path)
            }
        }
        let workflows = root("workflows")
        if try workflows.section(["webhook", "rules"], expected: "a mapping such as { webhook: { url: URL }, rules: [...] }") {
            self.workflows = try WorkflowPolicy.read(workflows)
        }
        let notices = root("notices")
        if try notices.section(NoticeDelivery.keys, expected: "a mapping such as { channel: smtp, url: smtp://host:587 }") {
            delivery = try NoticeDelivery.read(notices)
        }
        let shop = root("shop")
        if try shop.section(["name", "timezone", "country", "quiet_hours", "contact"], expected: "a mapping such as { name: NAME, timezone: Europe/Warsaw }") {
            try readShop(shop)
        }
        let incidents = root("incidents")
        if try incidents.section(IncidentPolicyReader.keys, expected: "a mapping such as { stalled_days: 3, lost_days: 7 }") {
            policy = try IncidentPolicyReader().read(incidents, over: policy)
        }
    }

    /// Reads the `shop:` section.
    private mutating func readShop(_ shop: YAMLField) throws(CarrierFileError) {
        if let name = try shop("name").text("the shop's name on one line") { shopName = name }
        let zoneField = shop("timezone")
        if let zoneName = try zoneField.text("an IANA time zone such as Europe/Warsaw") {
            guard let zone = TimeZone(identifier: zoneName) else { throw zoneField.error("'\(zoneName)' is not an IANA time zone such as Europe/Warsaw") }
            timeZone = zone
        }
        let countryField = shop("country")
        if let code = try countryField.text("a two-letter country code such as PL") {
            guard code.count == 2, code.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                throw countryField.error("'\(code)' is not a two-letter country code such as PL")
            }
            country = code.uppercased()
        }
        let contactField = shop("contact")
        if try contactField.section(
            ["email", "phone", "hours", "from"], expected: "a mapping such as { email: ADDRESS, phone: NUMBER, hours: TEXT, from: ADDRESS }")
        {
            if let email = try contactField("email").emailAddress() { contact.email = email }
            if let phone = try contactField("phone").text("the shop's phone number on one line") { contact.phone = phone }
            if let hours = try contactField("hours").text("the shop's opening hours on one line") { contact.hours = hours }
            if let from = try contactField("from").emailAddress() { contact.from = from }
        }
        let quietField = shop("quiet_hours")
        if let quiet = try quietField.text("a range such as 21:00-08:00") {
            let parts = quiet.split(separator: "-").map { String($0).trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let start = Self.minutes(parts[0]), let end = Self.minutes(parts[1]) else {
                throw quietField.error("'\(quiet)' is not a range such as 21:00-08:00")
            }
            policy.quietStartMinutes = start
            policy.quietEndMinutes = end
        }
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
    /// The section's keys.
    static let keys: Set<String> = [
        "stalled_days", "lost_days", "not_dispatched_days", "reship_promise_days", "first_touch_days", "notice_due_minutes",
        "late_cutoff", "resolution_days", "staff_only", "holidays", "carriers",
    ]
    /// The longest threshold in business days (a year).
    static let maxDays = 366

    func read(_ section: YAMLField, over base: IncidentPolicy) throws(CarrierFileError) -> IncidentPolicy {
        var policy = base
        if let days = try days(section("stalled_days")) { policy.thresholds.stalledDays = days }
        if let days = try days(section("lost_days")) { policy.thresholds.lostDays = days }
        if let days = try days(section("not_dispatched_days")) { policy.notDispatchedDays = days }
        if let days = try days(section("reship_promise_days")) { policy.reshipPromiseDays = days }
        if let days = try days(section("first_touch_days")) { policy.firstTouchDays = days }
        if let minutes = try section("notice_due_minutes").wholeNumber(0...Self.maxDays * 24 * 60, "minutes") { policy.noticeDue = TimeInterval(minutes * 60) }
        let cutoff = section("late_cutoff")
        if let text = try cutoff.text("a time such as 12:00") {
            guard let minutes = ShopConfig.minutes(text) else { throw cutoff.error("'\(text)' is not a time such as 12:00") }
            policy.lateCutoffMinutes = minutes
        }
        let resolution = section("resolution_days")
        if try resolution.section(Set(IncidentKind.allCases.map(\.rawValue)), expected: "a mapping of incident kind: business days such as { damaged: 2 }") {
            for (name, value) in try resolution.entries("") ?? [] {
                guard let kind = IncidentKind(rawValue: name), let days = try days(value) else { continue }
                policy.resolutionDays[kind] = days
            }
        }
        let staffOnlyField = section("staff_only")
        if let items = try staffOnlyField.items("a list of incident kinds such as [stalled, trackingBroken]") {
            var staffOnly = Set<IncidentKind>()
            for item in items { staffOnly.insert(try kind(item)) }
            let customerFacing = Set(IncidentKind.allCases).subtracting(staffOnly).subtracting([.trackingBroken])
            // A kind without a customer template cannot be customer-facing: its notice could never be written.
            if let silent = customerFacing.filter({ !$0.customerFacingByDefault }).map(\.rawValue).sorted().first {
                throw staffOnlyField.error("\(silent) has no customer notice, so it is always staff-only: add it to the list")
            }
            policy.customerFacing = customerFacing
        }
        let holidaysField = section("holidays")
        if let items = try holidaysField.items("a list of YYYY-MM-DD dates") {
            policy.extraHolidays = try items.map { (item) throws(CarrierFileError) in
                let what = "a YYYY-MM-DD date such as 2026-12-24"
                guard let text = try item.text(what), let date = CivilDate(text) else { throw item.expected(what) }
                return date
            }
        }
        let what = "carrier: { stalled_days: N, lost_days: N }"
        if let carriers = try section("carriers").entries("a mapping of \(what)") {
            for (carrier, overrides) in carriers {
                guard try overrides.section(["stalled_days", "lost_days"], expected: "{ stalled_days: N, lost_days: N }") else {
                    throw overrides.expected(what)
                }
                var thresholds = policy.thresholds
                if let days = try days(overrides("stalled_days")) { thresholds.stalledDays = days }
                if let days = try days(overrides("lost_days")) { thresholds.lostDays = days }
                policy.carrierThresholds[carrier] = thresholds
            }
        }
        return policy
    }

    private func days(_ field: YAMLField) throws(CarrierFileError) -> Int? {
        try field.wholeNumber(0...Self.maxDays, "business days")
    }

    private func kind(_ field: YAMLField) throws(CarrierFileError) -> IncidentKind {
        let kinds = IncidentKind.allCases.map(\.rawValue).joined(separator: ", ")
        guard let name = try field.text("an incident kind (\(kinds))"), let kind = IncidentKind(rawValue: name) else {
            throw field.expected("an incident kind (\(kinds))")
        }
        return kind
    }
}
