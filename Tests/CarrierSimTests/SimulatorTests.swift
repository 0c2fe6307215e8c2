import CarrierSim
import Curl
import Foundation
import TestSupport
import Testing

/// The simulator from a client's side: carriers at their own URL shapes, time moving parcels.
@Suite(.serialized) struct SimulatorTests {
    let client: HTTPClient
    let base: String

    init() async throws {
        client = try HTTPClient()
        base = try await SharedSimulator.shared.baseURL()
    }

    @Test func servesACarrierAtItsOwnURLShapeWithTheNumberRendered() async throws {
        try await register(#"{"carrier":"seur","number":"12345678901234","timeline":[{"afterHours":0,"fixture":"in-transit"}]}"#)
        let response = try await client.send(
            HTTPRequest(
                url: "\(base)/livetracking/pages/seguimiento-online.do?segOnlineIdentificador=12345678901234"))
        #expect(response.status == 200)
        let page = String(decoding: response.body, as: UTF8.self)
        #expect(page.contains("12345678901234"))
        #expect(!page.contains("{{"))
    }

    @Test func unknownNumbersGetTheCarriersNotFoundPage() async throws {
        let response = try await client.send(
            HTTPRequest(
                url: "\(base)/livetracking/pages/seguimiento-online.do?segOnlineIdentificador=99999999999999"))
        #expect(String(decoding: response.body, as: UTF8.self).contains("no hemos encontrado"))
    }

    @Test func postBodiesAreMatched() async throws {
        try await register(#"{"carrier":"dpd-pl","number":"0000012345678K","timeline":[{"afterHours":0,"fixture":"delivered"}]}"#)
        let response = try await client.send(
            HTTPRequest(
                url: "\(base)/findPackage", method: "POST", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                body: Array("q=0000012345678K&typ=1".utf8)))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self).contains("table-track"))
    }

    /// On a simulator of its own: moving the shared one's clock would put every parcel another
    /// test registers meanwhile in its future (CI once saw ten SEUR parcels "not found" that way).
    @Test func advancingTheClockMovesAParcelToItsNextStage() async throws {
        let simulator = try await RunningSimulator.start(
            SimulatorOptions(port: 0, fixturesDirectory: PackagePaths.fixtures, carriersDirectory: PackagePaths.carriers, start: fixtureNow))
        defer { simulator.stop() }
        let control = try SimControl(baseURL: simulator.baseURL)
        try await control.register([
            ParcelScript(
                carrier: "seur", number: "55555555555555",
                timeline: [.init(afterHours: 0, fixture: "in-transit"), .init(afterHours: 48, fixture: "damaged-or-lost")])
        ])
        let url = "\(simulator.baseURL)/livetracking/pages/seguimiento-online.do?segOnlineIdentificador=55555555555555"
        let before = String(decoding: try await client.send(HTTPRequest(url: url)).body, as: UTF8.self)
        #expect(before.contains("55555555555555"))
        #expect(!before.contains("Deterioro o extrav"))
        try await control.advance(hours: 49)
        let after = String(decoding: try await client.send(HTTPRequest(url: url)).body, as: UTF8.self)
        #expect(after.contains("Deterioro o extrav"))
    }

    @Test func requestLogRecordsCarrierAndNumber() async throws {
        _ = try await client.send(HTTPRequest(url: "\(base)/livetracking/pages/seguimiento-online.do?segOnlineIdentificador=11111111111111"))
        let log = try await client.send(HTTPRequest(url: "\(base)/_sim/requests"))
        let entries = try JSONSerialization.jsonObject(with: Data(log.body)) as? [[String: Any]] ?? []
        #expect(entries.contains { $0["carrier"] as? String == "seur" && $0["number"] as? String == "11111111111111" })
    }

    @Test func wrongCharsetFaultRelabelsTheBody() async throws {
        let response = try await client.send(HTTPRequest(url: "\(base)/_sim/fixtures/seur/public/delivered?_fault=charset=windows-1250"))
        #expect(response.contentType == "text/html; charset=windows-1250")
    }

    private func register(_ json: String) async throws {
        let response = try await client.send(HTTPRequest(url: "\(base)/_sim/parcels", method: "POST", body: Array(json.utf8)))
        #expect(response.status == 200)
    }
}
