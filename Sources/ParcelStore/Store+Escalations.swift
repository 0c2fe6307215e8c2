import Crypto
import Foundation
import ParcelCore

/// SLA breaches in the SQL store: each one recorded exactly once (escalations table, case
/// history, audit log), and told to staff as one digest per person per run.
extension Store.Cases {
    /// Records every SLA clock of an open case that ran out by `now` and was not recorded yet:
    /// each breach is escalated exactly once, however often this runs. Staff hear of a run's new
    /// breaches in one digest each: an owner of their cases; `policy.lead` (when a staff member)
    /// of cases nobody owns and, once per case, of a case breaching a second time (recorded as
    /// an escalation with clock `lead`, not returned). Returns the new breaches.
    public func escalate(now: Date, policy: EscalationPolicy = EscalationPolicy()) throws -> [Escalation] {
        try tx.step("escalating SLA breaches", .serialized)
        let time = now.timeIntervalSince1970
        let due = try db.fetchAll(
            sql: """
                SELECT id, owner, '\(SLAClock.notice.rawValue)' AS clock, notice_due AS due FROM incidents
                 WHERE closed_at IS NULL AND notified_at IS NULL AND notice_due IS NOT NULL AND notice_due < ?
                UNION ALL
                SELECT id, owner, '\(SLAClock.firstTouch.rawValue)', first_touch_due FROM incidents
                 WHERE closed_at IS NULL AND first_touched_at IS NULL AND first_touch_due < ?
                UNION ALL
                SELECT id, owner, '\(SLAClock.resolution.rawValue)', resolution_due FROM incidents WHERE closed_at IS NULL AND resolution_due < ?
                ORDER BY id, clock
                """, arguments: [time, time, time])
        var escalations: [Escalation] = []
        for row in due {
            let escalation = Escalation(
                incidentId: try row["id"], clock: try row.decode("clock", in: "escalations"), due: try row.date("due"),
                owner: try row.optional("owner"))
            try db.execute(
                sql: "INSERT INTO escalations (incident_id, clock, due, at, owner) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                arguments: [
                    escalation.incidentId, EscalationEntry.breach(escalation.clock).stored, try row["due"] as Double, time,
                    escalation.owner,
                ])
            guard db.changesCount > 0 else { continue }
            let detail =
                "\(escalation.clock.rawValue) deadline \(ISOTime.utc(escalation.due)) passed" + (escalation.owner.map { "; owner \($0)" } ?? "; unassigned")
            try Store.history(db, id: escalation.incidentId, at: now, actor: "sweep", action: "escalated", detail: detail)
            try Store.insertAudit(
                AuditEntry(
                    at: now, actor: "sweep", action: "incident.escalate", subject: "incident:\(escalation.incidentId)",
                    detail: detail), db: db)
            escalations.append(escalation)
        }
        // Staff hear about them through the same outbox and channels as customers.
        try Store.queueDigests(for: escalations, policy: policy, now: now, db: db)
        return escalations
    }
}

extension Store {
    /// What one staff member hears about in one run.
    struct EscalationDigest {
        /// New breaches of the member's own cases.
        var own: [(incident: Incident, breaches: [Escalation])] = []
        /// New breaches of cases nobody owns (the lead hears of them).
        var unassigned: [(incident: Incident, breaches: [Escalation])] = []
        /// Cases that breached a second time (the lead hears of each once).
        var again: [(incident: Incident, breaches: [Escalation])] = []
        /// The breach ids the message covers (`7:firstTouch`, `7:lead`), for its dedupe key.
        var keys: [String] = []
    }

    /// Queues at most one message per staff member for this run's new `breaches`: owners hear
    /// of their cases; the lead (`policy.lead`, checked against the staff table here) hears of
    /// unassigned cases and, once per case, of every case breached a second time.
    static func queueDigests(for breaches: [Escalation], policy: EscalationPolicy, now: Date, db: any SQLConnection) throws {
        guard !breaches.isEmpty else { return }
        var lead: String?
        if let name = policy.lead,
            try db.scalar(Bool.self, sql: "SELECT EXISTS (SELECT 1 FROM staff WHERE name = ? AND active = 1)", arguments: [name]) == true
        {
            lead = name
        }
        var digests: [String: EscalationDigest] = [:]
        let byCase = Dictionary(grouping: breaches, by: \.incidentId)
        for id in byCase.keys.sorted() {
            guard let fresh = byCase[id], let incident = try fetchIncident(db, id: id) else { continue }
            let clocks = fresh.map(\.clock.rawValue).joined(separator: ", ")
            let leadEntry = EscalationEntry.lead.stored
            // Breached a second time: the case had a breach before this one (in this run or an earlier one).
            let breachCount =
                try db.scalar(
                    Int.self, sql: "SELECT COUNT(*) FROM escalations WHERE incident_id = ? AND clock <> '\(leadEntry)'",
                    arguments: [id]) ?? 0
            var toLead = false, leadMissing = false
            if breachCount >= 2, let name = policy.lead {
                if let lead {
                    try db.execute(
                        sql: "INSERT INTO escalations (incident_id, clock, due, at, owner) VALUES (?, '\(leadEntry)', ?, ?, ?) ON CONFLICT DO NOTHING",
                        arguments: [id, fresh[0].due.timeIntervalSince1970, now.timeIntervalSince1970, lead])
                    if db.changesCount > 0 {
                        let detail = "breached again (\(clocks); all: \(incident.breaches.map(\.rawValue).joined(separator: ", "))); escalated to lead \(lead)"
                        try history(db, id: id, at: now, actor: "sweep", action: "escalatedToLead", detail: detail)
                        try insertAudit(
                            AuditEntry(at: now, actor: "sweep", action: "incident.escalateToLead", subject: "incident:\(id)", detail: detail), db: db)
                        digests[lead, default: EscalationDigest()].again.append((incident, fresh))
                        digests[lead, default: EscalationDigest()].keys.append("\(id):\(leadEntry)")
                        toLead = true
                    }
                } else if try db.scalar(
                    Bool.self, sql: "SELECT EXISTS (SELECT 1 FROM escalations WHERE incident_id = ? AND clock = '\(leadEntry)')",
                    arguments: [id]) != true
                {
                    try history(
                        db, id: id, at: now, actor: "sweep", action: "leadNotStaff",
                        detail: "breached again (\(clocks)): lead \(name) not a staff member, so no lead was told (fix escalation.lead in the config)")
                    leadMissing = true
                }
            }
            if let owner = incident.owner {
                digests[owner, default: EscalationDigest()].own.append((incident, fresh))
                digests[owner, default: EscalationDigest()].keys += fresh.map { "\($0.incidentId):\($0.clock.rawValue)" }
            } else if let lead {
                // An unassigned case's breaches go to the lead; listed once when it also breached again.
                if !toLead { digests[lead, default: EscalationDigest()].unassigned.append((incident, fresh)) }
                digests[lead, default: EscalationDigest()].keys += fresh.map { "\($0.incidentId):\($0.clock.rawValue)" }
            } else if let name = policy.lead, !leadMissing {
                try history(
                    db, id: id, at: now, actor: "sweep", action: "leadNotStaff",
                    detail: "unassigned (\(clocks)): lead \(name) not a staff member, so nobody was told (fix escalation.lead in the config)")
            }
        }
        for name in digests.keys.sorted() {
            guard let digest = digests[name],
                let member = try db.fetchOne(sql: "SELECT display_name, email FROM staff WHERE name = ? AND email IS NOT NULL", arguments: [name])
            else { continue }
            let email: String = try member["email"]
            let displayName: String = try member["display_name"]
            try insertNotice(digestNotice(digest, to: email, name: name, displayName: displayName, policy: policy, now: now), incidentId: nil, at: now, db: db)
        }
    }

    /// The one message for `name` this run, with a link to every case.
    static func digestNotice(
        _ digest: EscalationDigest, to email: String, name: String, displayName: String, policy: EscalationPolicy,
        now: Date
    ) -> NoticeDraft {
        func plural(_ count: Int, _ word: String) -> String { "\(count) \(word)\(count == 1 ? "" : "es")" }
        func cases(_ count: Int) -> String { "\(count) case\(count == 1 ? "" : "s")" }
        var subjectParts: [String] = []
        var sections: [String] = []
        func item(_ incident: Incident, _ breaches: [Escalation], again: Bool) -> String {
            let passed = breaches.map { "\($0.clock.rawValue) deadline \(ISOTime.utc($0.due)) passed" }.joined(separator: "; ")
            let earlier = incident.breaches.filter { clock in !breaches.contains { $0.clock == clock } }
            var lines = [
                "- incident \(incident.id) \(incident.kind.rawValue), \(incident.status.rawValue)"
                    + (again ? (incident.owner.map { ", owner \($0)" } ?? ", unassigned") : "") + ": \(passed)"
                    + (again && !earlier.isEmpty ? " (breached before: \(earlier.map(\.rawValue).joined(separator: ", ")))" : ""),
                "  \(incident.summary)",
                "  parcelwatch incident show \(incident.id)",
            ]
            if let link = policy.consoleLink(incident: incident.id) { lines.append("  \(link)") }
            return lines.joined(separator: "\n")
        }
        if !digest.own.isEmpty {
            let count = digest.own.reduce(0) { $0 + $1.breaches.count }
            subjectParts.append("\(plural(count, "SLA breach")) on your cases")
            sections.append("Your cases:\n" + digest.own.map { item($0.incident, $0.breaches, again: false) }.joined(separator: "\n"))
        }
        if !digest.unassigned.isEmpty {
            subjectParts.append("\(cases(digest.unassigned.count)) nobody owns")
            sections.append(
                "Cases nobody owns (assign them: parcelwatch incident assign ID --to NAME):\n"
                    + digest.unassigned.map { item($0.incident, $0.breaches, again: false) }.joined(separator: "\n"))
        }
        if !digest.again.isEmpty {
            subjectParts.append("\(cases(digest.again.count)) breached again")
            sections.append(
                "Breached a second time (you are the escalation lead; you hear of each case once):\n"
                    + digest.again.map { item($0.incident, $0.breaches, again: true) }.joined(separator: "\n"))
        }
        let body = """
            Hello \(displayName),

            SLA deadlines passed as of \(ISOTime.utc(now)):

            \(sections.joined(separator: "\n\n"))

            """
        return NoticeDraft(
            dedupeKey: digestKey(name: name, now: now, breaches: digest.keys), channel: "email", recipient: email,
            subject: "[Parcelwatch] " + subjectParts.joined(separator: ", "), body: body, language: "en",
            template: "escalation", dueAt: now)
    }

    /// `escalation-digest:<name>:<now>:<sorted breach ids>`: the same run never queues it twice. A
    /// long list is replaced by its count and SHA-256, keeping the key within index limits.
    static func digestKey(name: String, now: Date, breaches: [String]) -> String {
        let ids = breaches.sorted().joined(separator: ",")
        let listed =
            ids.utf8.count <= 200
            ? ids
            : "\(breaches.count)x" + SHA256.hash(data: Data(ids.utf8)).map { String(format: "%02x", $0) }.joined()
        return "escalation-digest:\(name):\(ISOTime.utc(now)):\(listed)"
    }
}
