import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

/// `parcelwatch.yaml` is read like the carrier files: an unknown key or a bad value anywhere
/// stops the command with `file:line: key: message`.
@Suite struct ConfigFileTests {
    /// The error `yaml` gives, as (line, key, detail); nil when it reads.
    static func failure(_ yaml: String) -> (line: Int, key: String, detail: String, text: String)? {
        do {
            _ = try ShopConfig.parse(yaml: yaml, file: "shop.yaml")
            return nil
        } catch {
            guard case .badValue(let file, let line, let key, let detail) = error, file == "shop.yaml" else {
                return (0, "", "not a bad value: \(error)", error.description)
            }
            return (line, key, detail, error.description)
        }
    }

    static let typos: [(yaml: String, line: Int, key: String)] = [
        ("shop:\n  name: Nowak\n  timezon: Europe/Warsaw\n", 3, "shop.timezon"),
        ("shop: { timezon: Europe/Warsaw }", 1, "shop.timezon"),
        ("shop:\n  contact:\n    email: help@shop.example\n    emial: help@shop.example\n", 4, "shop.contact.emial"),
        ("workflows: { rules: [{ kinds: [lost], acton: refund }] }", 1, "workflows.rules[0].acton"),
        ("workflows:\n  rules:\n    - kinds: [lost]\n      action: refund\n    - kinds: [late]\n      acton: refund\n", 6, "workflows.rules[1].acton"),
        ("workflows:\n  rulez:\n    - { kinds: [lost], action: refund }\n", 2, "workflows.rulez"),
        ("workflows:\n  webhook: { url: \"https://shop.example/hook\", secret: S }\n", 2, "workflows.webhook.secret"),
        ("notices: { chanel: smtp }", 1, "notices.chanel"),
        ("notices:\n  channel: files\n  directroy: outbox\n", 3, "notices.directroy"),
        ("incidents:\n  stalled_days: 3\n  lost_dayz: 7\n", 3, "incidents.lost_dayz"),
        ("incidents:\n  carriers:\n    inpost: { stalled_dayz: 2 }\n", 3, "incidents.carriers.inpost.stalled_dayz"),
        ("incidents:\n  resolution_days: { damagd: 2 }\n", 2, "incidents.resolution_days.damagd"),
        ("escalation:\n  lead: anna\n  leader: anna\n", 3, "escalation.leader"),
        ("carriers:\n  ups:\n    credential: ups.yaml\n", 3, "carriers.ups.credential"),
        ("shop: { name: Nowak }\nshops:\n  name: Nowak\n", 2, "shops"),
        ("estimates:\n  window_days: 90\n  late_risk: 0.3\n", 3, "estimates.late_risk"),
    ]

    @Test(arguments: typos.indices) func aTypoInAnySectionStopsWithItsLineAndKey(index: Int) throws {
        let typo = Self.typos[index]
        let failure = try #require(Self.failure(typo.yaml), "\(typo.yaml) was accepted")
        #expect(failure.line == typo.line && failure.key == typo.key, "\(failure.text)")
        #expect(failure.detail.hasPrefix("unknown key (known: "), "\(failure.text)")
        #expect(failure.text == "shop.yaml:\(typo.line): \(typo.key): \(failure.detail)")
    }

    static let badValues: [(yaml: String, line: Int, key: String, says: String)] = [
        ("shop:\n  timezone: Europe/Warsa\n", 2, "shop.timezone", "'Europe/Warsa' is not an IANA time zone such as Europe/Warsaw"),
        ("shop: { country: POL }", 1, "shop.country", "'POL' is not a two-letter country code such as PL"),
        ("shop: { quiet_hours: 21-8 }", 1, "shop.quiet_hours", "'21-8' is not a range such as 21:00-08:00"),
        ("shop: { name: [a, b] }", 1, "shop.name", "expected the shop's name on one line, not a list"),
        ("shop: { name: \"\" }", 1, "shop.name", "expected the shop's name on one line, not ''"),
        ("shop:\n  contact:\n    from: \"Shop <n@shop.example>\"\n", 3, "shop.contact.from", "expected an e-mail address such as help@shop.example"),
        ("shop: Nowak", 1, "shop", "expected a mapping such as { name: NAME, timezone: Europe/Warsaw }, not 'Nowak'"),
        ("- shop\n- incidents\n", 1, "", "expected a mapping of sections"),
        ("incidents: { stalled_days: three }", 1, "incidents.stalled_days", "expected a whole number of business days from 0 to 366, not 'three'"),
        ("incidents: { lost_days: -1 }", 1, "incidents.lost_days", "from 0 to 366, not '-1'"),
        ("incidents: { notice_due_minutes: 999999999999999999 }", 1, "incidents.notice_due_minutes", "expected a whole number of minutes"),
        ("incidents: { late_cutoff: '25:00' }", 1, "incidents.late_cutoff", "'25:00' is not a time such as 12:00"),
        ("incidents: { staff_only: late }", 1, "incidents.staff_only", "expected a list of incident kinds"),
        ("incidents: { staff_only: [lat] }", 1, "incidents.staff_only[0]", "expected an incident kind (damaged, lost"),
        ("incidents: { staff_only: [late] }", 1, "incidents.staff_only", "stalled has no customer notice, so it is always staff-only: add it to the list"),
        (
            "incidents:\n  holidays:\n    - 2026-12-24\n    - 2026-13-01\n", 4, "incidents.holidays[1]",
            "expected a YYYY-MM-DD date such as 2026-12-24, not '2026-13-01'"
        ),
        ("notices: { channel: email }", 1, "notices.channel", "'email' is not files, smtp or webhook"),
        ("notices: { url: \"smtp://mail.example:587\" }", 1, "notices.url", "is not used by channel files (it takes directory)"),
        ("notices: { channel: smtp }", 1, "notices.url", "is required: smtp needs url"),
        ("notices: { channel: smtp, url: \"http://mail.example\" }", 1, "notices.url", "is not smtp://host:port"),
        ("notices:\n  channel: smtp\n  url: smtp://mail.example:587\n  require_tls: yes\n", 4, "notices.require_tls", "expected true or false, not 'yes'"),
        (
            "notices: { channel: smtp, url: \"smtp://m.example:587\", password_env: P, password_file: /etc/p }", 1, "notices.password_file",
            "give password_env or password_file, not both"
        ),
        (
            "notices: { channel: webhook, url: \"https://h.example\", secret_env: \"my secret\" }", 1, "notices.secret_env",
            "expected the name of an environment variable"
        ),
        ("workflows: { webhook: { url: \"ftp://shop.example\" } }", 1, "workflows.webhook.url", "expected the shop backend's http:// or https:// URL"),
        ("workflows: { webhook: { secret_env: S } }", 1, "workflows.webhook.url", "is required"),
        ("workflows: { rules: [{ kinds: [late], action: teleport }] }", 1, "workflows.rules[0].action", "'teleport' is not an action (refund, reship"),
        ("workflows: { rules: [{ action: refund }] }", 1, "workflows.rules[0].kinds", "is required: a list of incident kinds"),
        ("workflows: { rules: [{ kinds: [lots], action: refund }] }", 1, "workflows.rules[0].kinds[0]", "expected an incident kind"),
        (
            "workflows:\n  rules:\n    - { kinds: [lost], propose: refund, auto_below: { PLN: 100 } }\n", 3, "workflows.rules[0].auto_below",
            "cannot be combined with propose:"
        ),
        (
            "workflows: { rules: [{ kinds: [lost], action: refund, reshippable: reship }] }", 1, "workflows.rules[0].reshippable",
            "cannot be combined with action:"
        ),
        ("workflows: { rules: [{ kinds: [lost], otherwise: refund }] }", 1, "workflows.rules[0].reshippable", "is required"),
        ("workflows: { rules: [{ kinds: [lost] }] }", 1, "workflows.rules[0]", "a rule needs action:, propose:, or reshippable:"),
        (
            "workflows:\n  rules:\n    - { kinds: [lost], action: refund }\n    - { kinds: [late, lost], action: reship }\n", 4, "workflows.rules[1].kinds",
            "lost is already decided by workflows.rules[0]"
        ),
        (
            "workflows: { rules: [{ kinds: [lost], action: refund, auto_below: { PLN: lots } }] }", 1, "workflows.rules[0].auto_below.PLN",
            "expected a whole number of PLN from 0 to 1000000000, not 'lots'"
        ),
        (
            "workflows: { rules: [{ kinds: [lost], action: refund, auto_below: { PLN: 999999999999999999 } }] }", 1, "workflows.rules[0].auto_below.PLN",
            "from 0 to 1000000000"
        ),
        (
            "workflows: { rules: [{ kinds: [lost], action: refund, auto_below: { zloty: 5 } }] }", 1, "workflows.rules[0].auto_below.zloty",
            "'zloty' is not a three-letter currency code such as PLN"
        ),
        ("workflows: { rules: { kinds: [lost] } }", 1, "workflows.rules", "expected a list of rules"),
        ("escalation: { console_url: \"https://shop.example/p?x=1\" }", 1, "escalation.console_url", "(no ?query or #fragment)"),
        ("escalation: { lead: [anna] }", 1, "escalation.lead", "expected the name of a staff member"),
        ("escalation: anna", 1, "escalation", "expected a mapping such as { lead: NAME, console_url: URL }, not 'anna'"),
        ("estimates: { window_days: 3 }", 1, "estimates.window_days", "a whole number of days of delivery history from 7 to 730"),
        ("estimates: { late_risk_threshold: 30% }", 1, "estimates.late_risk_threshold", "'30%' is not a chance between 0 and 1 such as 0.30"),
        ("estimates: { late_risk_threshold: 1.0 }", 1, "estimates.late_risk_threshold", "'1.0' is not a chance between 0 and 1"),
        ("estimates: 90", 1, "estimates", "expected a mapping such as { window_days: 90, late_risk_threshold: 0.30 }"),
        ("carriers: { ups: ups.yaml }", 1, "carriers.ups", "expected { credentials: FILE, concurrency: N }, not 'ups.yaml'"),
        // A key given twice (the YAML parser refuses it; currencies are the same in any case).
        ("shop:\n  timezone: Europe/Warsaw\n  timezone: Europe/Madrid\n", 2, "", "not valid YAML: Parser: expected all keys to be unique"),
        ("carriers:\n  ups: { credentials: a.yaml }\n  ups: { credentials: b.yaml }\n", 2, "", "duplicated key(s): 'ups'"),
        ("shop: { name: 'Nowak }\n", 2, "", "not valid YAML"),
        (
            "workflows: { rules: [{ kinds: [lost], action: refund, auto_below: { PLN: 1, pln: 2 } }] }", 1, "workflows.rules[0].auto_below.pln",
            "PLN is given twice"
        ),
    ]

    @Test(arguments: badValues.indices) func aBadValueSaysWhatIsExpectedWithItsLineAndKey(index: Int) throws {
        let bad = Self.badValues[index]
        let failure = try #require(Self.failure(bad.yaml), "\(bad.yaml) was accepted")
        #expect(failure.line == bad.line && failure.key == bad.key && failure.detail.contains(bad.says), "\(failure.text)")
    }

    @Test func theErrorReadsFileLineKeyMessage() {
        let error = ConfigError.badValue(file: "/etc/parcelwatch.yaml", line: 7, key: "shop.timezon", detail: "unknown key (known: contact, country)")
        #expect(error.description == "/etc/parcelwatch.yaml:7: shop.timezon: unknown key (known: contact, country)")
        #expect(error.localizedDescription == error.description)
    }

    /// The first ```yaml block after `marker` in `text`.
    static func yamlBlock(in text: String, after marker: String) throws -> String {
        let section = try #require(text.range(of: marker))
        let open = try #require(text.range(of: "```yaml\n", range: section.upperBound..<text.endIndex))
        let close = try #require(text.range(of: "```", range: open.upperBound..<text.endIndex))
        return String(text[open.upperBound..<close.lowerBound])
    }

    @Test func everyConfigTheProjectShipsStillReads() throws {
        let demo = try String(contentsOfFile: PackagePaths.root + "/demo/parcelwatch.yaml", encoding: .utf8)
        let config = try ShopConfig.parse(yaml: demo, file: "demo/parcelwatch.yaml")
        #expect(config.shopName == "Librería y Regalos Demo" && config.contact.from == "powiadomienia@shop.example")
        #expect(config.delivery == .files(directory: ".demo/outbox"))

        // scripts/demo.sh appends the simulator's webhook and the demo's rules.
        let demoRun =
            demo + """
                workflows:
                  webhook: { url: "http://127.0.0.1:9999/_sim/webhook", secret_env: SHOP_WEBHOOK_SECRET }
                  rules:
                    - kinds: [lost, damaged, damagedOrLost]
                      auto_below: { PLN: 1000, EUR: 250, USD: 300, GBP: 200, CAD: 400 }
                      reshippable: reship
                      otherwise: refund
                    - { kinds: [notDispatched, returnedToSender], propose: refund }
                """
        let run = try ShopConfig.parse(yaml: demoRun, file: "demo.yaml")
        #expect(run.workflows.rules.count == 2 && run.workflows.rules.first?.autoBelow["PLN"] == 100_000)

        let readme = try String(contentsOfFile: PackagePaths.root + "/README.md", encoding: .utf8)
        let example = try ShopConfig.parse(yaml: try Self.yamlBlock(in: readme, after: "## Config (`parcelwatch.yaml`"), file: "README.md")
        #expect(example.shopName == "Księgarnia Nowak" && example.policy.carrierThresholds["inpost"]?.lostDays == 5)
        #expect(example.delivery == .smtp(url: "smtp://mail.example:587", usernameEnv: "SMTP_USER", passwordEnv: "SMTP_PASSWORD", requireTLS: false))
        #expect(example.escalation == EscalationPolicy(lead: "anna", consoleURL: "https://shop.example/parcelwatch"))
        #expect(example.workflows.decide(kind: .notDispatched, order: order("R")) == .propose(.refund))
        #expect(example.estimates == EstimateSettings(windowDays: 90, lateRiskThreshold: 0.30))
        let estimates = try ShopConfig.parse(yaml: "estimates: { window_days: 60, late_risk_threshold: 0.25 }", file: "e.yaml").estimates
        #expect(estimates.modelConfiguration.windowDays == 60 && estimates.lateRiskRule == LateRiskRule(threshold: 0.25, clearThreshold: 0.35))

        // Every section empty or absent: the defaults.
        for empty in ["", "# nothing yet\n", "shop:\nincidents:\nnotices:\nworkflows:\ncarriers:\nescalation:\nestimates:\n"] {
            let config = try ShopConfig.parse(yaml: empty, file: "empty.yaml")
            #expect(config.shopName == ShopConfig.defaults.shopName && config.delivery == nil && config.workflows == .standard, "\(empty)")
            #expect(config.estimates == EstimateSettings(), "\(empty)")
        }
    }

    @Test func theCommandStopsWithTheLineOfATypo() async throws {
        let path = try temporaryDirectory("config-cli") + "/parcelwatch.yaml"
        try Data("shop:\n  name: Nowak\n  timezon: Europe/Warsaw\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(
            throws: ConfigError.badValue(
                file: path, line: 3, key: "shop.timezon",
                detail: "unknown key (known: contact, country, name, quiet_hours, timezone)")
        ) {
            try ShopConfig.load(explicit: path, environment: [:])
        }
    }
}
