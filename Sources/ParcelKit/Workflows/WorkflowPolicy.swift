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
    public static let standard = WorkflowPolicy(rules: [
        Rule(kinds: [.lost, .damaged, .damagedOrLost], autoBelow: ["PLN": 20_000, "EUR": 5_000, "USD": 6_000, "GBP": 4_500, "CAD": 8_000],
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

    static func read(_ section: Node.Mapping, file: String) throws(ConfigError) -> WorkflowPolicy {
        var policy = WorkflowPolicy.standard
        for (keyNode, value) in section {
            switch keyNode.string {
            case "webhook":
                guard let webhook = value.mapping, let url = webhook["url"]?.string, url.hasPrefix("http://") || url.hasPrefix("https://") else {
                    throw .badValue(file: file, key: "workflows.webhook", detail: "expected { url: https://…, secret_env: NAME }")
                }
                policy.webhookURL = url
                if let secret = webhook["secret_env"]?.string { policy.secretEnv = secret }
            case "rules":
                guard let list = value.sequence else { throw .badValue(file: file, key: "workflows.rules", detail: "expected a list of rules") }
                policy.rules = try list.enumerated().map { (index, item) throws(ConfigError) in try rule(item, key: "workflows.rules[\(index)]", file: file) }
            default:
                throw .badValue(file: file, key: "workflows.\(keyNode.string ?? "")", detail: "unknown key (known: webhook, rules)")
            }
        }
        return policy
    }

    private static func rule(_ node: Node, key: String, file: String) throws(ConfigError) -> Rule {
        guard let mapping = node.mapping, let kinds = mapping["kinds"]?.sequence else {
            throw .badValue(file: file, key: key, detail: "a rule needs kinds: [...]")
        }
        func action(_ name: String?, _ field: String) throws(ConfigError) -> ActionKind? {
            guard let name else { return nil }
            guard let kind = ActionKind(rawValue: name) else {
                throw .badValue(file: file, key: "\(key).\(field)", detail: "'\(name)' is not one of \(ActionKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return kind
        }
        var parsedKinds = Set<IncidentKind>()
        for item in kinds {
            guard let kind = item.string.flatMap(IncidentKind.init(rawValue:)) else {
                throw .badValue(file: file, key: "\(key).kinds", detail: "'\(item.string ?? "")' is not an incident kind")
            }
            parsedKinds.insert(kind)
        }
        var autoBelow: [String: Int64] = [:]
        for (currency, amount) in mapping["auto_below"]?.mapping ?? [:] {
            guard let code = currency.string, let units = amount.int, units >= 0 else {
                throw .badValue(file: file, key: "\(key).auto_below", detail: "expected CURRENCY: whole units")
            }
            autoBelow[code.uppercased()] = Int64(units) * 100
        }
        if let proposed = try action(mapping["propose"]?.string, "propose") {
            return Rule(kinds: parsedKinds, autoBelow: [:], whenReshippable: proposed, otherwise: proposed)
        }
        let named = try action(mapping["reshippable"]?.string, "reshippable")
        let single = try action(mapping["action"]?.string, "action")
        guard let reshippable = named ?? single else {
            throw .badValue(file: file, key: key, detail: "a rule needs reshippable:/otherwise: actions, action:, or propose:")
        }
        let otherwise = (try action(mapping["otherwise"]?.string, "otherwise")) ?? reshippable
        return Rule(kinds: parsedKinds, autoBelow: autoBelow, whenReshippable: reshippable, otherwise: otherwise)
    }
}
