import Foundation
import Yams

/// Who hears about SLA breaches beyond the case owner, and where staff open a case
/// (`escalation:` in the config).
///
/// ```yaml
/// escalation:
///   lead: anna                                   # a staff member: cases that breach a second
///                                                # time, and breaches of unassigned cases
///   console_url: https://shop.example/parcelwatch  # escalation mails link /staff/incidents/ID
/// ```
public struct EscalationPolicy: Sendable, Equatable {
    /// The staff member (by name) told once per case when it breaches a second time, and about
    /// breaches of cases nobody owns; nil: nobody beyond the owner.
    public var lead: String?
    /// Where `parcelwatch serve` is reached by staff; each case in an escalation mail links to
    /// `<console_url>/staff/incidents/ID` beside `parcelwatch incident show ID`.
    public var consoleURL: String?

    /// A policy (the default: no lead, no console link).
    public init(lead: String? = nil, consoleURL: String? = nil) {
        self.lead = lead
        self.consoleURL = consoleURL
    }

    /// The console page of case `id`, when a console URL is configured.
    public func consoleLink(incident id: Int64) -> String? {
        guard var base = consoleURL, !base.isEmpty else { return nil }
        while base.hasSuffix("/") { base.removeLast() }
        return "\(base)/staff/incidents/\(id)"
    }

    /// Reads the `escalation:` section; every unknown key is an error naming the file and key.
    /// Whether `lead` names a staff member is checked when escalating (staff live in the store).
    static func read(_ node: Node, file: String) throws(ConfigError) -> EscalationPolicy {
        guard let section = node.mapping else {
            throw .badValue(file: file, key: "escalation", detail: "expected a mapping such as { lead: NAME, console_url: URL }")
        }
        var policy = EscalationPolicy()
        for (keyNode, value) in section {
            let key = keyNode.string ?? ""
            switch key {
            case "lead":
                guard let name = value.string?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
                    throw .badValue(file: file, key: "escalation.lead", detail: "expected the name of a staff member (see `parcelwatch staff list`)")
                }
                policy.lead = name
            case "console_url":
                guard let url = value.string, let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""),
                      parsed.host?.isEmpty == false, parsed.query == nil, parsed.fragment == nil else {
                    throw .badValue(file: file, key: "escalation.console_url",
                                    detail: "expected the staff console's base URL such as https://shop.example/parcelwatch")
                }
                policy.consoleURL = url
            default:
                throw .badValue(file: file, key: "escalation.\(key)", detail: "unknown key (known: lead, console_url)")
            }
        }
        return policy
    }
}
