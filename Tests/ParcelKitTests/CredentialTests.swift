import Curl
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

/// Secrets reach the carrier where its API wants them (header, URL, body) and nowhere else.
@Suite struct CredentialTests {
    static let yaml = """
        id: secretive
        name: Secretive
        country: GB
        language: en
        numbers: [{ pattern: '^S[0-9]{6}$' }]
        request:
          method: POST
          url: "https://api.example.org/_sim/echo?user={env:SECRETIVE_USER}&n={number}"
          content_type: "application/xml"
          credentials:
            - { env: SECRETIVE_TOKEN, header: X-Api-Key }
            - { env: SECRETIVE_USER }
            - { env: SECRETIVE_PASSWORD }
          body: "<Auth><User>{env:SECRETIVE_USER}</User><Password>{env:SECRETIVE_PASSWORD}</Password></Auth><Track>{number}</Track>"
        format: json
        events: "events[*]"
        fields: { time: "time", status: "status" }
        time: { format: iso8601, zone: UTC }
        statuses: [{ match: '.', status: inTransit }]
        """

    static let environment = ["SECRETIVE_TOKEN": "tok-123", "SECRETIVE_USER": "shop user&co", "SECRETIVE_PASSWORD": "p<ss>\"word"]

    @Test func secretsGoIntoHeaderURLAndEscapedBody() async throws {
        let carrier = try CarrierDefinition.parse(yaml: Self.yaml, file: "secretive.yaml")
        let base = try await SharedSimulator.shared.baseURL()
        let fetcher = CarrierFetcher(client: try HTTPClient(), endpoints: try EndpointOverrides([base]), environment: Self.environment)
        let response = try await fetcher.fetch(carrier: carrier, number: "S123456")
        let echo = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: String] ?? [:]
        #expect(echo["header:x-api-key"] == "tok-123")
        #expect(echo["query"] == "user=shop%20user%26co&n=S123456")
        #expect(echo["body"] == "<Auth><User>shop user&amp;co</User><Password>p&lt;ss&gt;&quot;word</Password></Auth><Track>S123456</Track>")
    }

    @Test func aSecretInTheURLNeverReachesAnError() async throws {
        let carrier = try CarrierDefinition.parse(yaml: Self.yaml, file: "secretive.yaml")
        let fetcher = CarrierFetcher(client: try HTTPClient(), endpoints: try EndpointOverrides(["http://127.0.0.1:1"]), environment: Self.environment)
        do {
            _ = try await fetcher.fetch(carrier: carrier, number: "S123456")
            Issue.record("a closed port answered")
        } catch {
            #expect(!error.description.contains("shop%20user") && !error.description.contains("shop user"), "\(error.description)")
            #expect(error.description.contains("user=***"))
        }
    }

    @Test func onlyDeclaredVariablesCanBeRead() {
        let sneaky = Self.yaml.replacingOccurrences(of: "<Track>{number}</Track>", with: "<Track>{number}</Track><Home>{env:HOME}</Home>")
        #expect(throws: CarrierFileError.self) { try CarrierDefinition.parse(yaml: sneaky, file: "secretive.yaml") }
        do {
            _ = try CarrierDefinition.parse(yaml: sneaky, file: "secretive.yaml")
        } catch {
            #expect(error.description.contains("{env:HOME} is used in the request but HOME is not declared under credentials"))
        }
    }

    @Test func aMissingSecretIsNamed() async throws {
        let carrier = try CarrierDefinition.parse(yaml: Self.yaml, file: "secretive.yaml")
        let fetcher = CarrierFetcher(client: try HTTPClient(), endpoints: try EndpointOverrides(["http://127.0.0.1:1"]), environment: [:])
        await #expect(throws: TrackingError.missingCredential(carrier: "secretive", variable: "SECRETIVE_TOKEN")) {
            _ = try await fetcher.fetch(carrier: carrier, number: "S123456")
        }
    }
}
