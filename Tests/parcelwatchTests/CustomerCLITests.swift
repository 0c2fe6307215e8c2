import Curl
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

/// A customer asks about their own parcel: their language, what the shop is doing, and nothing
/// that is not theirs to see.
@Suite struct CustomerCLITests {
    /// A store with one Spanish order whose SEUR parcel is "damaged or lost", owned by staff
    /// member lucia with an internal note; with `damaged` false the parcel is still in transit.
    static func store(damaged: Bool = true) async throws -> (db: String, number: String) {
        let db = try temporaryDirectory("customer") + "/p.sqlite"
        let store = try await Store.sqlite(path: db)
        let number = "0821569\(String(format: "%07d", Int.random(in: 0..<9_999_999)))"
        let order = Order(
            id: "PW-7", customerName: "Alejandro Sánchez", email: "alejandro@example.com", phone: "+34611223344", language: "es",
            postcode: "28045", value: Money(minorUnits: 12999, currency: "EUR"), promisedDate: "2026-11-22",
            paidAt: fixtureNow.addingTimeInterval(-5 * 86_400), reshippable: true)
        _ = try await store.write {
            try $0.shipments.importRows([ImportRow(line: 2, order: order, carrier: "seur", trackingNumber: number)], dryRun: false, actor: "t", at: fixtureNow)
        }
        let shipment = try #require(try await store.read { try $0.shipments.shipment(carrier: "seur", trackingNumber: number) })
        _ = try await store.write(serialized: false) {
            try $0.shipments.apply(
                TrackingUpdate(
                    shipmentID: shipment.id,
                    events: [event(number, hoursAgo: 30, raw: "MERCANCIA EN MADRID", status: .inTransit)]
                        + (damaged
                            ? [event(number, hoursAgo: 3, raw: "Deterioro o extravío de la mercancía", status: .exception, reason: .damagedOrLost)] : []),
                    estimatedDelivery: nil, checkedAt: fixtureNow, schedule: .standard))
        }
        guard damaged else { return (db, number) }
        try await store.write { try $0.console.addStaff(StaffMember(name: "lucia", displayName: "Lucía Fernández"), actor: "t", at: fixtureNow) }
        _ = try await IncidentEngine(store: store, config: .defaults, registry: try CarrierRegistry.load(directory: PackagePaths.carriers)).run(now: fixtureNow)
        let incident = try #require(try await store.read { try $0.cases.incidents(IncidentFilter(kinds: [.damagedOrLost])) }.first)
        _ = try await store.write { try $0.cases.act(.note("INTERNAL: depot manager says the van crashed"), on: incident.id, actor: "lucia", at: fixtureNow) }
        return (db, number)
    }

    @Test func theCustomerSeesTheirParcelInTheirLanguageAndNothingInternal() async throws {
        let (db, number) = try await Self.store()
        let json = try await CLIRun.run(["track", number, "--postcode", "28 045", "--db", db, "--now", "2026-11-20T12:00:00Z", "--json"])
        #expect(json.status == 0, "\(json.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(Set(object.keys) == ["trackingNumber", "carrier", "status", "reason", "promisedDate", "events", "incident", "order", "estimate"])
        #expect(
            object["status"] as? String == "exception" && object["reason"] as? String == "damagedOrLost" && object["promisedDate"] as? String == "2026-11-22")
        // A damaged-or-lost parcel has no delivery day: a date beside the case would contradict it.
        #expect(object["estimate"] is NSNull)
        let incident = object["incident"] as? [String: Any] ?? [:]
        #expect(Set(incident.keys) == ["kind", "message", "nextUpdateBy"])
        #expect(incident["kind"] as? String == "damagedOrLost")
        #expect((incident["message"] as? String)?.hasPrefix("El transportista informa") == true)
        let text = try await CLIRun.run(["track", number, "--email", "ALEJANDRO@example.com", "--db", db, "--now", "2026-11-20T12:00:00Z"])
        #expect(text.stdout.contains("Qué estamos haciendo") && text.stdout.contains("Deterioro o extravío"))
        #expect(!text.stdout.contains("Entrega prevista"), "\(text.stdout)")
        for output in [json.stdout, text.stdout] {
            #expect(!output.contains("lucia") && !output.contains("Lucía") && !output.contains("INTERNAL") && !output.contains("alejandro@"))
        }
    }

    @Test func aParcelStillComingCarriesThePromiseAsItsEstimateInTheCustomersLanguage() async throws {
        let (db, number) = try await Self.store(damaged: false)
        let json = try await CLIRun.run(["track", number, "--postcode", "28045", "--db", db, "--now", "2026-11-20T12:00:00Z", "--json"])
        #expect(json.status == 0, "\(json.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(object["status"] as? String == "inTransit")
        // No delivery history yet: the estimate is the promise, said so in Spanish.
        let estimate = object["estimate"] as? [String: Any] ?? [:]
        #expect(estimate["p50"] as? String == "2026-11-22" && estimate["p90"] as? String == "2026-11-22" && estimate["confidence"] as? Int == 0)
        #expect((estimate["source"] as? [String: Any])?["kind"] as? String == "promise" && estimate["probabilityByPromise"] is NSNull)
        #expect(estimate["explanation"] as? String == "la fecha prometida por la tienda")
        let text = try await CLIRun.run(["track", number, "--postcode", "28045", "--db", db, "--now", "2026-11-20T12:00:00Z"])
        #expect(text.stdout.contains("Entrega prevista") && text.stdout.contains("la fecha prometida por la tienda"), "\(text.stdout)")
    }

    @Test func aWrongPostcodeReadsExactlyLikeAnUnknownNumber() async throws {
        let (db, number) = try await Self.store()
        let base = try await SharedSimulator.shared.baseURL()
        let unknown = "0821569" + String(format: "%07d", Int.random(in: 0..<9_999_999))
        func ask(_ asked: String, _ postcode: String) async throws -> CLIRun {
            try await CLIRun.run([
                "track", asked, "--carrier", "seur", "--postcode", postcode, "--db", db, "--carrier-endpoint", base, "--now", "2026-11-20T12:00:00Z",
            ])
        }
        let wrong = try await ask(number, "00-950")
        let missing = try await ask(unknown, "28045")
        #expect(wrong.status == 1 && missing.status == 1)
        #expect(wrong.stdout == missing.stdout)
        #expect(wrong.stderr.replacingOccurrences(of: number, with: "N") == missing.stderr.replacingOccurrences(of: unknown, with: "N"))
        #expect(!wrong.stderr.contains("Alejandro") && !wrong.stderr.contains("exception"))
    }

    @Test func aCustomerReportOpensACaseWithAnOwnerAndADeadline() async throws {
        let (db, number) = try await Self.store()
        let refused = try await CLIRun.run([
            "report-problem", number, "--postcode", "99999", "--kind", "notReceived", "--db", db, "--now", "2026-11-20T12:00:00Z",
        ])
        #expect(refused.status == 1 && refused.stderr.contains("could not find a parcel"))
        let reported = try await CLIRun.run([
            "report-problem", number, "--postcode", "28045", "--kind", "damagedOnArrival",
            "--message", "La caja llegó aplastada", "--db", db, "--now", "2026-11-20T12:00:00Z", "--json",
        ])
        #expect(reported.status == 0, "\(reported.stderr)")
        let answer = try JSONSerialization.jsonObject(with: Data(reported.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(answer["reported"] as? Bool == true && answer["nextUpdateBy"] as? String == "2026-11-20T13:00:00Z")
        let store = try await Store.sqlite(path: db)
        let cases = try await store.read { try $0.cases.incidents(IncidentFilter(kinds: [.customerReport])) }
        #expect(cases.count == 1 && cases.first?.owner == "lucia" && cases.first?.customerFacing == true)
        #expect(cases.first?.summary.contains("La caja llegó aplastada") == true)
        #expect(try await CLIRun.run(["report-problem", number, "--postcode", "28045", "--kind", "nonsense", "--db", db]).status == 2)
    }
}

/// Export, erase and purge from the command line: staff only, audited.
@Suite struct CustomerDataCLITests {
    @Test func dataRightsAreForStaffAndLeaveNoPersonalDataBehind() async throws {
        let (db, _) = try await CustomerCLITests.store()
        let now = ["--db", db, "--now", "2026-11-20T12:00:00Z"]
        let stranger = try await CLIRun.run(["customer", "export", "alejandro@example.com", "--as", "mallory"] + now)
        #expect(stranger.status == 2 && stranger.stderr.contains("mallory is not a member of staff"))
        let export = try await CLIRun.run(["customer", "export", "alejandro@example.com", "--as", "lucia"] + now)
        #expect(export.status == 0 && export.stdout.contains("Alejandro Sánchez") && !export.stdout.contains("INTERNAL"))
        #expect(try await CLIRun.run(["customer", "erase", "alejandro@example.com", "--as", "lucia"] + now).status == 0)
        #expect(try await CLIRun.run(["customer", "export", "alejandro@example.com", "--as", "lucia"] + now).status == 1)
        #expect(try await CLIRun.run(["purge", "--older-than", "18 months", "--as", "lucia"] + now).status == 2)
        let purge = try await CLIRun.run(["purge", "--older-than", "18mo", "--as", "lucia"] + now)
        #expect(purge.status == 0 && purge.stdout.contains("purged 0"))
        let audit = try await CLIRun.run(["audit", "--json"] + now)
        #expect(audit.stdout.contains("customer.erase") && audit.stdout.contains("customer.export") && !audit.stdout.contains("alejandro@"))
    }
}

/// Staff link a replacement parcel by hand: checked like any number, and the customer is told.
@Suite struct ReplacementCLITests {
    @Test func aLinkedReplacementIsValidatedAndAnnounced() async throws {
        let (db, _) = try await CustomerCLITests.store()
        let store = try await Store.sqlite(path: db)
        let incident = try #require(try await store.read { try $0.cases.incidents(IncidentFilter(kinds: [.damagedOrLost])) }.first)
        let now = ["--db", db, "--now", "2026-11-20T13:00:00Z", "--as", "lucia"]
        let bad = try await CLIRun.run(["incident", "reship", String(incident.id), "--carrier", "poczta-polska", "--tracking", "RR123456784PL"] + now)
        #expect(bad.status == 2 && bad.stderr.contains("check digit expected 5, got 4"))
        let good = try await CLIRun.run(["incident", "reship", String(incident.id), "--carrier", "poczta-polska", "--tracking", "RR123456785PL"] + now)
        #expect(good.status == 0, "\(good.stderr)")
        let notices = try await store.read { try $0.outbox.notices(.all, limit: 20) }.filter { $0.template == "reshipSent" }
        #expect(notices.count == 1 && notices.first?.language == "es" && notices.first?.body.contains("RR123456785PL") == true)
        #expect(try await store.read { try $0.shipments.shipments(ShipmentFilter(orderId: "PW-7")) }.contains { $0.trackingNumber == "RR123456785PL" })
    }
}

/// A customer without the shop's database asks the shop's `parcelwatch serve` from the CLI.
@Suite struct CustomerServerCLITests {
    @Test func trackAsksTheShopsServerWithDistinctExitCodes() async throws {
        let (db, number) = try await CustomerCLITests.store()
        let server = try CLIRun.start(["serve", "--listen", "127.0.0.1:0", "--db", db, "--now", "2026-11-20T12:00:00Z"])
        defer { server.terminate() }
        let banner = await Self.firstLine(of: server)
        let url = try #require(banner.split(separator: " ").first { $0.hasPrefix("http://") }.map(String.init), "serve printed \(banner)")

        // Same words as the local command, in the order's language; --json is the API's JSON.
        let shown = try await CLIRun.run(["track", number, "--postcode", "28045", "--server", url])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("Deterioro o extravío") && shown.stdout.contains("Su paquete") && !shown.stdout.contains("INTERNAL"))
        let json = try await CLIRun.run(["track", number, "--postcode", "28045", "--server", url, "--json"])
        let local = try await CLIRun.run(["track", number, "--postcode", "28045", "--db", db, "--now", "2026-11-20T12:00:00Z", "--json"])
        #expect(json.status == 0 && json.stdout == local.stdout)

        let wrong = try await CLIRun.run(["track", number, "--postcode", "99999", "--server", url])
        #expect(wrong.status == 1 && wrong.stderr.contains("could not find"))
        let noProof = try await CLIRun.run(["track", number, "--server", url])
        #expect(noProof.status == 2 && noProof.stderr.contains("--postcode or --email"))
        let down = try await CLIRun.run(["track", number, "--postcode", "28045", "--server", "http://127.0.0.1:1"])
        #expect(down.status == 3 && down.stderr.contains("cannot reach the shop's server"))
        // A scan from this address runs into the limit: exit 5, with when to try again.
        var last = wrong
        for attempt in 0..<12 where last.status != 5 {
            last = try await CLIRun.run(["track", "1999999999990\(attempt % 10)", "--postcode", "00000", "--server", url])
        }
        #expect(last.status == 5 && last.stderr.contains("try again in"), "\(last.stderr)")
    }

    /// The first line a process prints (the server's banner), read on a thread of its own.
    static func firstLine(of process: Process) async -> String {
        await offThePool {
            guard let pipe = process.standardOutput as? Pipe else { return "" }
            var bytes: [UInt8] = []
            while !bytes.contains(0x0A) {
                let chunk = pipe.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                bytes += chunk
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
