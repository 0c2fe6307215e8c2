import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

/// The staff side from the command line: queue, show, act, refusal, audit, find.
@Suite struct IncidentCLITests {
    @Test func theQueueStaffActionsAndTheAuditTrail() async throws {
        let directory = try temporaryDirectory("cli-incidents")
        let db = directory + "/p.sqlite"
        let csv = directory + "/orders.csv"
        try Data(
            """
            order_id,customer_name,email,phone,language,postcode,value,currency,promised_date,paid_at,carrier,tracking_number
            B-1,"Nowak, Anna",anna.nowak@example.com,+48601234567,pl,00-950,59.00,PLN,2026-11-23,2026-11-16T09:00:00+01:00,,
            """.utf8
        ).write(to: URL(fileURLWithPath: csv))
        let now = ["--db", db, "--now", "2026-11-20T12:00:00Z"]
        #expect(try await CLIRun.run(["import", csv] + now).status == 0)
        #expect(try await CLIRun.run(["staff", "add", "anna", "--display-name", "Anna Kowalczyk"] + now).status == 0)
        let refused = try await CLIRun.run(["staff", "add", "marek", "--as", "mallory"] + now)
        #expect(refused.status == 2 && refused.stderr.contains("mallory is not a member of staff"))
        #expect(try await CLIRun.run(["staff", "add", "marek", "--as", "anna"] + now).status == 0)

        // A sweep with no parcels to fetch still runs the rules: the order was paid 4 business days ago.
        let sweep = try await CLIRun.run(["sweep", "--json"] + now)
        #expect(sweep.status == 0, "\(sweep.stderr)")
        #expect(sweep.stdout.contains("\"notDispatched\" : 1"))

        let queue = try await CLIRun.run(["incidents", "--json"] + now)
        let rows = (try? JSONSerialization.jsonObject(with: Data(queue.stdout.utf8))) as? [[String: Any]] ?? []
        #expect(rows.count == 1)
        let row = try #require(rows.first)
        #expect(
            Set(row.keys).isSuperset(of: [
                "id", "kind", "status", "carrier", "trackingNumber", "orderId", "owner", "detectedAt",
                "noticeDue", "firstTouchDue", "resolutionDue", "breached",
            ]))
        // The default policy proposes a refund for an order never shipped; the sweep delivered the Polish notice
        // (files beside the database by default).
        #expect(row["kind"] as? String == "notDispatched" && row["status"] as? String == "actionProposed" && row["owner"] as? String == "anna")
        #expect(row["notifiedAt"] as? String == "2026-11-20T12:00:00Z")
        let outbox = try FileManager.default.contentsOfDirectory(atPath: directory + "/outbox")
        #expect(outbox.count == 1 && outbox.first?.hasSuffix("-notDispatched-pl.eml") == true)
        let id = try #require(row["id"] as? Int)

        let stranger = try await CLIRun.run(["incident", "note", String(id), "looked at it", "--as", "mallory"] + now)
        #expect(stranger.status == 2 && stranger.stderr.contains("mallory is not a member of staff"))
        #expect(try await CLIRun.run(["incident", "assign", String(id), "--to", "marek", "--as", "anna"] + now).status == 0)
        #expect(try await CLIRun.run(["incident", "note", String(id), "Out of stock; refund agreed by phone", "--as", "marek"] + now).status == 0)
        let show = try await CLIRun.run(["incident", "show", String(id)] + now)
        #expect(show.stdout.contains("Nowak, Anna <anna.nowak@example.com>") && show.stdout.contains("marek note: Out of stock"))
        #expect(try await CLIRun.run(["incident", "resolve", String(id), "--outcome", "refunded", "--as", "marek"] + now).status == 0)
        let notices = try await CLIRun.run(["notices", "--all", "--json"] + now)
        #expect(notices.stdout.contains("\"template\" : \"resolved\""), "the customer hears the case is closed")
        let closedAgain = try await CLIRun.run(["incident", "dismiss", String(id), "--reason", "x", "--as", "marek"] + now)
        #expect(closedAgain.status == 2 && closedAgain.stderr.contains("already resolved"))
        #expect(try await CLIRun.run(["incident", "show", "999"] + now).status == 1)

        let audit = try await CLIRun.run(["audit", "--incident", String(id), "--json"] + now)
        let entries = (try? JSONSerialization.jsonObject(with: Data(audit.stdout.utf8))) as? [[String: Any]] ?? []
        #expect(
            entries.map { $0["action"] as? String ?? "" } == [
                "incident.resolved", "incident.note", "incident.assigned", "incident.notified", "action.propose", "incident.open",
            ])
        #expect(entries.first?["actor"] as? String == "marek")

        let found = try await CLIRun.run(["find", "anna.nowak@example.com", "--json"] + now)
        #expect(found.status == 0 && found.stdout.contains("\"orderId\" : \"B-1\""))
        #expect(try await CLIRun.run(["find", "nobody@example.com"] + now).status == 1)
        #expect(try await CLIRun.run(["incidents"] + now).stdout.contains("no open incidents"))
    }

    @Test func actionsThatWouldChangeNothingAreRefusedAndLeaveNoTrace() async throws {
        let directory = try temporaryDirectory("cli-no-ops")
        let db = directory + "/p.sqlite"
        let csv = directory + "/orders.csv"
        try Data(
            """
            order_id,customer_name,email,phone,language,postcode,value,currency,promised_date,paid_at,carrier,tracking_number
            N-1,Jan Nowak,jan@example.com,,pl,00-950,59.00,PLN,2026-11-23,2026-11-16T09:00:00+01:00,,
            """.utf8
        ).write(to: URL(fileURLWithPath: csv))
        let now = ["--db", db, "--now", "2026-11-20T12:00:00Z"]
        #expect(try await CLIRun.run(["import", csv] + now).status == 0)
        for name in ["anna", "marek"] { #expect(try await CLIRun.run(["staff", "add", name, "--as", "anna"] + now).status == 0) }
        #expect(try await CLIRun.run(["sweep"] + now).status == 0)
        let queue = try await CLIRun.run(["incidents", "--json"] + now)
        let rows = (try? JSONSerialization.jsonObject(with: Data(queue.stdout.utf8))) as? [[String: Any]] ?? []
        let id = String(try #require(rows.first?["id"] as? Int))
        let asAnna = now + ["--as", "anna"]

        // Assigning to the current owner: the second time is refused, and nothing is written.
        #expect(try await CLIRun.run(["incident", "assign", id, "--to", "marek"] + asAnna).status == 0)
        let again = try await CLIRun.run(["incident", "assign", id, "--to", "marek"] + asAnna)
        #expect(again.status == 2 && again.stderr == "error: incident \(id) is already assigned to marek; nothing was changed\n", "\(again.stderr)")

        // A blank note.
        let blank = try await CLIRun.run(["incident", "note", id, "   "] + asAnna)
        #expect(blank.status == 2 && blank.stderr.contains("error: the note must not be empty; nothing was changed"), "\(blank.stderr)")

        // The policy proposed a refund: asking for it approves it; asking again or approving again changes nothing.
        #expect(try await CLIRun.run(["incident", "refund", id] + asAnna).stdout.contains("refund pending"))
        let twice = try await CLIRun.run(["incident", "refund", id] + asAnna)
        #expect(
            twice.status == 2
                && twice.stderr.contains("incident \(id): the refund is already requested and waiting for the shop's backend; nothing was changed"),
            "\(twice.stderr)")
        let approveAgain = try await CLIRun.run(["incident", "approve", id] + asAnna)
        #expect(
            approveAgain.status == 2 && approveAgain.stderr.contains("incident \(id) has no proposed action to approve: the refund is already requested"),
            "\(approveAgain.stderr)")

        let audit = try await CLIRun.run(["audit", "--json"] + now)
        let entries = (try? JSONSerialization.jsonObject(with: Data(audit.stdout.utf8))) as? [[String: Any]] ?? []
        let actions = entries.filter { $0["subject"] as? String == "incident:\(id)" }.map { $0["action"] as? String ?? "" }
        #expect(actions.filter { $0 == "incident.assigned" }.count == 1, "one assign row: \(actions)")
        #expect(actions.filter { $0 == "action.approve" }.count == 1 && !actions.contains("incident.note"), "\(actions)")
        let show = try await CLIRun.run(["incident", "show", id, "--json"] + now)
        let shown = (try? JSONSerialization.jsonObject(with: Data(show.stdout.utf8))) as? [String: Any] ?? [:]
        let history = (shown["history"] as? [[String: Any]] ?? []).filter { $0["actor"] as? String == "anna" }.map { $0["action"] as? String ?? "" }
        #expect(history == ["assigned", "approved"], "\(history)")
    }
}
