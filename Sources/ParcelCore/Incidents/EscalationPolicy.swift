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

    /// Reads the `escalation:` section (its keys are checked by the caller); a bad value is an
    /// error naming the file, line and key. Whether `lead` names a staff member is checked when
    /// escalating (staff live in the store).
    static func read(_ section: YAMLField) throws(CarrierFileError) -> EscalationPolicy {
        var policy = EscalationPolicy()
        policy.lead = try section("lead").text("the name of a staff member (see `parcelwatch staff list`)")
        let urlField = section("console_url")
        let what = "the staff console's base URL such as https://shop.example/parcelwatch"
        if let url = try urlField.webURL(what) {
            guard let parsed = URL(string: url), parsed.query == nil, parsed.fragment == nil else {
                throw urlField.expected(what + " (no ?query or #fragment)")
            }
            policy.consoleURL = url
        }
        return policy
    }
}
