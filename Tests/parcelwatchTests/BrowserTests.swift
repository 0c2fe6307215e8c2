import Curl
import Foundation
import ParcelCore
import ParcelOps
import ParcelServer
import ParcelStore
import TestSupport
import Testing

/// `parcelwatch serve` in headless Chromium (Debian's `chromium` and `chromium-driver`, driven by
/// Selenium, Debian's `python3-selenium`, through `Tests/Support/browser_check.py`; `make test`
/// installs them):
/// the customer page in Polish and Spanish, the escaped hostile carrier status, and a staff
/// member resolving a case from the console. Screenshots go to `.build/test-output/browser/`.
extension LoadTests {
    @Suite(.enabled(if: Browser.available, "needs chromium, chromium-driver and selenium (make test installs them)"))
    struct BrowserTests {

        @Test func customerPagesAndTheStaffConsoleInABrowser() async throws {
            let directory = try temporaryDirectory("browser")
            let db = directory + "/p.sqlite"
            let store = try await Store.sqlite(path: db)
            var polish = order("B-PL", email: "jan@example.pl")
            polish.postcode = "00-950"
            var spanish = order("B-ES", email: "ana@example.es")
            spanish.language = "es"
            spanish.postcode = "28001"
            _ = try await store.write { [polish, spanish] tx in
                try tx.shipments.importRows(
                    [
                        ImportRow(line: 2, order: polish, carrier: "seur", trackingNumber: "10000000000501"),
                        ImportRow(line: 3, order: spanish, carrier: "seur", trackingNumber: "10000000000502"),
                    ],
                    dryRun: false, actor: "test", at: fixtureNow)
            }
            for (number, events) in [
                ("10000000000501", [event("10000000000501", hoursAgo: 20, raw: "MERCANCIA EN MADRID", status: .inTransit)]),
                (
                    "10000000000502",
                    [
                        event("10000000000502", hoursAgo: 30, raw: "<script>alert(1)</script>", status: .inTransit),
                        event(
                            "10000000000502", hoursAgo: 2, raw: "Deterioro o extravío", status: .exception,
                            reason: .damagedOrLost),
                    ]
                ),
            ] {
                let parcel = try #require(try await store.read { try $0.shipments.shipment(carrier: "seur", trackingNumber: number) })
                _ = try await store.write(serialized: false) {
                    try $0.shipments.apply(
                        TrackingUpdate(
                            shipmentID: parcel.id, events: events, estimatedDelivery: nil,
                            checkedAt: fixtureNow, schedule: .standard))
                }
            }
            try await store.write { try $0.console.addStaff(StaffMember(name: "lucia", displayName: "Lucía Fernández"), actor: "test", at: fixtureNow) }
            try await store.write {
                try $0.console.setStaffPassword(
                    name: "lucia", passwordHash: StaffPassword.hash("correct horse battery", cost: 4), actor: "lucia", at: fixtureNow)
            }
            let registry = try CarrierRegistry.load(directory: PackagePaths.carriers)
            _ = try await IncidentEngine(store: store, config: .defaults, registry: registry, templates: try NoticeTemplates()).run(now: fixtureNow)
            let incident = try #require(try await store.read { try $0.cases.incidents(IncidentFilter(kinds: [.damagedOrLost])) }.first)

            let scenario: [String: Any] = [
                "polish": ["number": "10000000000501", "postcode": "00-950", "events": 1],
                "spanish": ["number": "10000000000502", "postcode": "28001", "events": 2],
                "staff": ["name": "lucia", "password": "correct horse battery", "incident": incident.id],
            ]
            let scenarioFile = directory + "/scenario.json"
            try JSONSerialization.data(withJSONObject: scenario).write(to: URL(fileURLWithPath: scenarioFile))

            let server = try CLIRun.start(["serve", "--listen", "127.0.0.1:0", "--db", db, "--now", "2026-11-20T12:00:00Z"])
            defer { server.terminate() }
            let banner = await CustomerServerCLITests.firstLine(of: server)
            let url = try #require(banner.split(separator: " ").first { $0.hasPrefix("http://") }.map(String.init), "serve printed \(banner)")
            let shots = PackagePaths.root + "/.build/test-output/browser"
            let check = try await CLIRun.command([PackagePaths.python, PackagePaths.root + "/Tests/Support/browser_check.py", url, shots, scenarioFile])
            #expect(check.status == 0, "\(check.stdout)\n\(check.stderr)")
            for name in ["customer-pl.png", "customer-es.png", "staff-queue.png", "staff-incident.png"] {
                #expect(FileManager.default.fileExists(atPath: shots + "/" + name), "screenshot \(name)")
            }
            // The console resolved the case as lucia, and the audit log says so.
            #expect(try await store.read { try $0.cases.incident(id: incident.id) }?.status == .resolved)
            #expect(
                try await store.read { try $0.console.auditLog(limit: 50, subject: "incident:\(incident.id)") }.contains {
                    $0.actor == "lucia" && $0.action == "incident.resolved"
                })
        }
    }
}

/// Whether a headless browser can be driven here.
enum Browser {
    /// True when chromedriver and Selenium (for `PackagePaths.python`) are installed.
    static let available: Bool = {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["sh", "-c", "command -v chromedriver >/dev/null && \(PackagePaths.python) -c 'import selenium' 2>/dev/null"]
        guard (try? probe.run()) != nil else { return false }
        probe.waitUntilExit()
        return probe.terminationStatus == 0
    }()
}
