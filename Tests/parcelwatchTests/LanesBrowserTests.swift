import CarrierSim
import Foundation
import ParcelCore
import ParcelOps
import ParcelServer
import ParcelStore
import TestSupport
import Testing

/// Issue 18's Lanes page in headless Chromium: 5,000 generated deliveries (``HistoryGenerator``),
/// both charts drawn with a size, no console errors, a screenshot in
/// `.build/test-output/browser/staff-lanes.png`.
///
/// The server runs in this process (``RunningParcelServer``) rather than as `parcelwatch serve`:
/// the CLI does not feed ``ServerOptions/lanesSource`` yet, so the test feeds it the generated
/// history.
extension LoadTests.BrowserTests {
    @Test func theLanesPageDrawsBothChartsInABrowser() async throws {
        let directory = try temporaryDirectory("browser-lanes")
        let store = try Store.sqlite(path: directory + "/p.sqlite")
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
        var model = LaneModel()
        for parcel in delivered.sorted(by: { $0.deliveredAt < $1.deliveredAt }) { model.record(parcel) }
        let view = LanesView(model: model, recentDeliveries: delivered.filter { $0.deliveredAt >= LanesView.chartStart(now: fixtureNow) })

        var options = ServerOptions(host: "127.0.0.1", port: 0, config: .defaults, clock: .fixed(fixtureNow))
        options.registry = try CarrierRegistry.load(directory: PackagePaths.carriers)
        options.staffPasswordCost = 4
        options.lanesSource = { _ in view }
        let server = try await RunningParcelServer.start(store: store, options: options)
        defer { server.stop() }

        let carriers = Set(delivered.map(\.carrier)).count
        let scenario: [String: Any] = [
            "lanes": ["name": "lucia", "password": "correct horse battery", "minimumLines": carriers, "minimumRows": 3 * carriers]
        ]
        let scenarioFile = directory + "/scenario.json"
        try JSONSerialization.data(withJSONObject: scenario).write(to: URL(fileURLWithPath: scenarioFile))
        let shots = PackagePaths.root + "/.build/test-output/browser"
        try? FileManager.default.removeItem(atPath: shots + "/staff-lanes.png")
        let check = try await CLIRun.detachedCommand(
            [PackagePaths.python, PackagePaths.root + "/Tests/Support/browser_check.py", server.baseURL, shots, scenarioFile])
        #expect(check.status == 0, "\(check.stdout)\n\(check.stderr)")
        let attributes = try FileManager.default.attributesOfItem(atPath: shots + "/staff-lanes.png")
        #expect(((attributes[.size] as? NSNumber)?.intValue ?? 0) > 20_000, "screenshot staff-lanes.png: \(attributes[.size] ?? 0) bytes")
    }
}
