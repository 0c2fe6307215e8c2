import CarrierSim
import Foundation
import ParcelCore
import ParcelOps
import ParcelServer
import ParcelStore
import TestSupport
import Testing

/// Issue 18 in headless Chromium: the Lanes page over 5,000 generated deliveries
/// (``HistoryGenerator``), both charts drawn with a size, no console errors, and a Spanish SEUR
/// parcel's page with its estimate from the same history; screenshots in
/// `.build/test-output/browser/` (`staff-lanes.png`, `customer-estimate.png`).
///
/// The server runs in this process (``RunningParcelServer``) over a store holding the generated
/// history, as `parcelwatch lanes import` would load it.
extension LoadTests.BrowserTests {
    @Test func theLanesPageAndAnEstimateInABrowser() async throws {
        let directory = try temporaryDirectory("browser-lanes")
        let store = try await Store.sqlite(path: directory + "/p.sqlite")
        try await store.write { try $0.console.addStaff(StaffMember(name: "lucia", displayName: "Lucía Fernández"), actor: "test", at: fixtureNow) }
        try await store.write {
            try $0.console.setStaffPassword(
                name: "lucia", passwordHash: StaffPassword.hash("correct horse battery", cost: 4), actor: "lucia", at: fixtureNow)
        }
        // 120 days of payments ending the day of fixtureNow; what is delivered by then is the history.
        let today = CivilDate(fixtureNow, in: .gmt)
        let generated = HistoryGenerator(.init(parcels: 5_000, end: today, degradedStart: today.adding(days: -30))).generate()
        let delivered = generated.filter { $0.deliveredAt <= fixtureNow }
        #expect(delivered.count > 4_500, "\(delivered.count) of 5,000 delivered by now")
        #expect(try await store.write { try $0.lanes.importHistory(delivered) } == delivered.count)
        // A SEUR parcel to Madrid scanned 20 hours ago: the generated SEUR lanes to Spain estimate it.
        var spanish = order("L-ES", email: "ana@example.es")
        spanish.language = "es"
        spanish.postcode = "28001"
        _ = try await store.write { [spanish] tx in
            try tx.shipments.importRows(
                [ImportRow(line: 2, order: spanish, carrier: "seur", trackingNumber: "10000000000601")], dryRun: false, actor: "test", at: fixtureNow)
        }
        let shipment = try #require(try await store.read { try $0.shipments.shipment(carrier: "seur", trackingNumber: "10000000000601") })
        _ = try await store.write(serialized: false) {
            try $0.shipments.apply(
                TrackingUpdate(
                    shipmentID: shipment.id, events: [event("10000000000601", hoursAgo: 20, raw: "ADMITIDO", status: .inTransit)],
                    estimatedDelivery: nil, checkedAt: fixtureNow, schedule: .standard))
        }

        var options = ServerOptions(host: "127.0.0.1", port: 0, config: .defaults, clock: .fixed(fixtureNow))
        options.registry = try CarrierRegistry.load(directory: PackagePaths.carriers)
        options.staffPasswordCost = 4
        let server = try await RunningParcelServer.start(store: store, options: options)
        defer { server.stop() }

        let carriers = Set(delivered.map(\.carrier)).count
        let scenario: [String: Any] = [
            "lanes": ["name": "lucia", "password": "correct horse battery", "minimumLines": carriers, "minimumRows": 3 * carriers],
            "estimate": [
                "number": "10000000000601", "postcode": "28001", "events": 1, "language": "es",
                "words": ["Entrega prevista", "estimado a partir de", "envíos de SEUR", "en los últimos 90 días"],
            ],
        ]
        let scenarioFile = directory + "/scenario.json"
        try JSONSerialization.data(withJSONObject: scenario).write(to: URL(fileURLWithPath: scenarioFile))
        let shots = PackagePaths.root + "/.build/test-output/browser"
        for name in ["staff-lanes.png", "customer-estimate.png"] { try? FileManager.default.removeItem(atPath: shots + "/" + name) }
        let check = try await CLIRun.command(
            [PackagePaths.python, PackagePaths.root + "/Tests/Support/browser_check.py", server.baseURL, shots, scenarioFile])
        #expect(check.status == 0, "\(check.stdout)\n\(check.stderr)")
        for name in ["staff-lanes.png", "customer-estimate.png"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: shots + "/" + name)
            #expect(((attributes[.size] as? NSNumber)?.intValue ?? 0) > 20_000, "screenshot \(name): \(attributes[.size] ?? 0) bytes")
        }
    }
}
