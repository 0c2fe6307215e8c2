import Foundation
import Yams

/// Decides, per incident kind, order value and stock, whether to act automatically, propose an
/// action to staff, or wait (`workflows:` in the config).
///
/// ```yaml
/// workflows:
///   webhook: { url: "https://shop.example/parcelwatch/actions", secret_env: SHOP_WEBHOOK_SECRET }
///   rules:
///     - kinds: [lost, damaged, damagedOrLost]
///       auto_below: { PLN: 200, EUR: 50, USD: 60, GBP: 45, CAD: 80 }   # whole currency units
///       reshippable: reship        # when the order may be reshipped from stock
///       otherwise: refund
///     - { kinds: [notDispatched, returnedToSender], propose: refund }
/// ```
/// A rule's action is taken automatically below `auto_below` and proposed to staff above it;
/// kinds without a rule wait for staff.
public struct WorkflowPolicy: Sendable, Equatable {
    /// One rule.
    public struct Rule: Sendable, Equatable {
        public var kinds: Set<IncidentKind>
        /// Automatic below these amounts (minor units, by currency); empty: never automatic.
        public var autoBelow: [String: Int64]
        /// The action when the order is reshippable.
        public var whenReshippable: ActionKind
        /// The action otherwise.
        public var otherwise: ActionKind

        /// Creates a rule.
        public init(kinds: Set<IncidentKind>, autoBelow: [String: Int64], whenReshippable: ActionKind, otherwise: ActionKind) {
            self.kinds = kinds
            self.autoBelow = autoBelow
            self.whenReshippable = whenReshippable
            self.otherwise = otherwise
        }
    }

    /// What the policy says.
    public enum Decision: Sendable, Equatable {
        case act(ActionKind)
        case propose(ActionKind)
        case wait
    }

    public var rules: [Rule]
    /// The shop backend's webhook; nil: actions stay pending (and `actions` lists them).
    public var webhookURL: String?
    /// The environment variable holding the webhook's HMAC secret.
    public var secretEnv: String

    /// The default: lost or damaged under 200 PLN / 50 EUR → reship when reshippable, else refund;
    /// above → propose; never-dispatched and returned orders → propose a refund.
    public static let standard = WorkflowPolicy(
        rules: [
            Rule(
                kinds: [.lost, .damaged, .damagedOrLost], autoBelow: ["PLN": 20_000, "EUR": 5_000, "USD": 6_000, "GBP": 4_500, "CAD": 8_000],
                whenReshippable: .reship, otherwise: .refund),
            Rule(kinds: [.notDispatched, .returnedToSender], autoBelow: [:], whenReshippable: .refund, otherwise: .refund),
        ], webhookURL: nil, secretEnv: "SHOP_WEBHOOK_SECRET")

    /// Creates a policy.
    public init(rules: [Rule], webhookURL: String?, secretEnv: String) {
        self.rules = rules
        self.webhookURL = webhookURL
        self.secretEnv = secretEnv
    }

    /// The decision for a case of `kind` on `order`.
    public func decide(kind: IncidentKind, order: Order) -> Decision {
        guard let rule = rules.first(where: { $0.kinds.contains(kind) }) else { return .wait }
        let action = order.reshippable ? rule.whenReshippable : rule.otherwise
        if let limit = rule.autoBelow[order.value.currency], order.value.minorUnits < limit { return .act(action) }
        return .propose(action)
    }

    /// Reads the `workflows:` section (its keys are checked by the caller); every unknown key
    /// or unusable value is an error with its line.
    static func read(_ section: YAMLField) throws(CarrierFileError) -> WorkflowPolicy {
        var policy = WorkflowPolicy.standard
        let webhook = section("webhook")
        let shape = "{ url: https://…, secret_env: NAME }"
        if try webhook.section(["url", "secret_env"], expected: shape) {
            guard let url = try webhook("url").webURL("the shop backend's http:// or https:// URL") else {
                throw webhook.missing("url", "the shop backend's http:// or https:// URL")
            }
            policy.webhookURL = url
            if let secret = try webhook("secret_env").environmentName() { policy.secretEnv = secret }
        }
        if let rules = try section("rules").items("a list of rules such as { kinds: [lost], action: refund }") {
            var ruled: [IncidentKind: String] = [:]
            policy.rules = try rules.map { (item) throws(CarrierFileError) in
                let parsed = try rule(item)
                // The first rule naming a kind decides it: a second one would never be used.
                for kind in parsed.kinds.sorted(by: { $0.rawValue < $1.rawValue }) {
                    if let earlier = ruled[kind] { throw item("kinds").error("\(kind.rawValue) is already decided by \(earlier)") }
                    ruled[kind] = item.path
                }
                return parsed
            }
        }
        return policy
    }

    private static func rule(_ item: YAMLField) throws(CarrierFileError) -> Rule {
        let shape = "a rule such as { kinds: [lost], action: refund }"
        guard try item.section(["kinds", "auto_below", "reshippable", "otherwise", "action", "propose"], expected: shape) else { throw item.expected(shape) }
        let actions = ActionKind.allCases.map(\.rawValue).joined(separator: ", ")
        func action(_ field: String) throws(CarrierFileError) -> ActionKind? {
            let value = item(field)
            guard let name = try value.text("an action (\(actions))") else { return nil }
            guard let kind = ActionKind(rawValue: name) else { throw value.error("'\(name)' is not an action (\(actions))") }
            return kind
        }
        let kindNames = IncidentKind.allCases.map(\.rawValue).joined(separator: ", ")
        guard let kindItems = try item("kinds").items("a list of incident kinds such as [lost, damaged]") else {
            throw item.missing("kinds", "a list of incident kinds such as [lost, damaged]")
        }
        guard !kindItems.isEmpty else { throw item("kinds").error("expected at least one incident kind (\(kindNames))") }
        var kinds = Set<IncidentKind>()
        for kindItem in kindItems {
            guard let name = try kindItem.text("an incident kind (\(kindNames))"), let kind = IncidentKind(rawValue: name) else {
                throw kindItem.expected("an incident kind (\(kindNames))")
            }
            kinds.insert(kind)
        }
        var autoBelow: [String: Int64] = [:]
        if let limits = try item("auto_below").entries("a mapping of CURRENCY: whole units such as { PLN: 200, EUR: 50 }") {
            for (currency, amount) in limits {
                let code = currency.uppercased()
                guard code.count == 3, code.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                    throw amount.error("'\(currency)' is not a three-letter currency code such as PLN")
                }
                guard autoBelow[code] == nil else { throw amount.error("\(code) is given twice") }
                guard let units = try amount.wholeNumber(0...1_000_000_000, code) else { throw amount.expected("a whole number of \(code)") }
                autoBelow[code] = Int64(units) * 100
            }
        }
        let proposed = try action("propose"), single = try action("action")
        let reshippable = try action("reshippable"), otherwise = try action("otherwise")
        if let proposed {
            for other in ["action", "reshippable", "otherwise", "auto_below"] where !item(other).isAbsent {
                throw item(other).error("cannot be combined with propose: (a proposed action is never automatic)")
            }
            return Rule(kinds: kinds, autoBelow: [:], whenReshippable: proposed, otherwise: proposed)
        }
        if let single {
            for other in ["reshippable", "otherwise"] where !item(other).isAbsent {
                throw item(other).error("cannot be combined with action: (give action: alone, or reshippable: and otherwise:)")
            }
            return Rule(kinds: kinds, autoBelow: autoBelow, whenReshippable: single, otherwise: single)
        }
        guard let reshippable else {
            if otherwise != nil { throw item.missing("reshippable", "the action when the order can be reshipped (otherwise: is for when it cannot)") }
            throw CarrierFileError(
                file: item.file, line: item.line, key: item.path,
                message: "a rule needs action:, propose:, or reshippable: (with otherwise:), each one of \(actions)")
        }
        return Rule(kinds: kinds, autoBelow: autoBelow, whenReshippable: reshippable, otherwise: otherwise ?? reshippable)
    }
}
