import CarrierSim
import Foundation
import ParcelCore
import ParcelStore
import TestSupport
import Testing

@testable import ParcelOps

/// A carrier's in-flight limit (`limits: concurrency`, 4 by default) can be lifted per carrier
/// from the command line (`--carrier-concurrency [ID=]N`) and `parcelwatch.yaml`
/// (`carriers: { ID: { concurrency: N } }`), exactly like the rate, and the lifted limit is
/// what the sweep's gate enforces.
@Suite struct CarrierConcurrencyTests {
    static let known: Set<String> = ["seur", "ups", "dhl"]

    @Test func theCommandLineReadsIDEqualsNAndABareNForEveryCarrier() throws {
        let values = try CarrierOverrides.concurrency(["seur=12", "6", "ups=1"], known: Self.known)
        #expect(values == ["seur": 12, "": 6, "ups": 1])
        var options = SweepOptions(concurrencyOverrides: values)
        #expect(options.concurrencyOverride(for: "seur") == 12)
        #expect(options.concurrencyOverride(for: "dhl") == 6)
        options.concurrencyOverrides = [:]
        #expect(options.concurrencyOverride(for: "dhl") == nil)
    }

    @Test(arguments: ["seur=0", "0", "-3", "seur=2.5", "seur=", "=4", "four", "seur=x"])
    func aValueThatIsNotAWholeNumberAtLeastOneIsRefused(text: String) {
        #expect(throws: CarrierOverrideError(text: text, source: "--carrier-concurrency", reason: "is not [ID=]N with a whole N ≥ 1")) {
            try CarrierOverrides.concurrency([text], known: Self.known)
        }
    }

    @Test func anUnknownCarrierIsAnErrorNamingIt() throws {
        do {
            _ = try CarrierOverrides.concurrency(["seur=8", "usp=8"], known: Self.known)
            Issue.record("usp=8 was accepted")
        } catch {
            #expect(error.description.hasPrefix("--carrier-concurrency 'usp=8' names carrier 'usp', which has no carrier file"))
            #expect(error.description.contains("known: dhl, seur, ups"))
        }
        // The rate's ids are checked the same way (a typo used to be ignored silently).
        #expect(throws: CarrierOverrideError.self) { try CarrierOverrides.rates(["usp=8"], known: Self.known) }
        #expect(try CarrierOverrides.rates(["seur=0.5", "20"], known: Self.known) == ["seur": 0.5, "": 20])
        // Without the carriers loaded (argument validation) only the syntax is checked.
        #expect(try CarrierOverrides.concurrency(["usp=8"]) == ["usp": 8])
    }

    @Test func theConfigFileSetsAConcurrencyBesideTheCredentials() throws {
        let config = try ShopConfig.parse(
            yaml: "carriers:\n  ups: { credentials: /etc/parcelwatch/ups.yaml, concurrency: 12 }\n  seur: { concurrency: 8 }\n",
            file: "shop.yaml")
        #expect(config.carrierConcurrency == ["ups": 12, "seur": 8])
        #expect(config.carrierCredentialFiles == ["ups": "/etc/parcelwatch/ups.yaml"])
        #expect(ShopConfig.defaults.carrierConcurrency.isEmpty)
    }

    @Test(arguments: [
        ("carriers:\n  ups: { concurrency: 0 }\n", "carriers.ups.concurrency"),
        ("carriers:\n  ups: { concurrency: many }\n", "carriers.ups.concurrency"),
        ("carriers:\n  ups: { concurency: 4 }\n", "carriers.ups.concurency"),
        ("carriers:\n  ups: {}\n", "carriers.ups.credentials"),
    ])
    func aBadConcurrencyInTheConfigIsRefusedWithItsKey(yaml: String, key: String) {
        do {
            _ = try ShopConfig.parse(yaml: yaml, file: "shop.yaml")
            Issue.record("accepted: \(yaml)")
        } catch {
            guard case .badValue(let file, _, let found, _) = error else {
                Issue.record("not a bad value: \(error)")
                return
            }
            #expect(file == "shop.yaml" && found == key, "\(error)")
        }
    }

    @Test func theCommandLineOverridesTheConfigAndTheConfigNamesKnownCarriers() throws {
        let config = ["ups": 12, "seur": 8]
        #expect(
            try CarrierOverrides.concurrency(commandLine: ["seur": 2], config: config, configFile: "shop.yaml", known: Self.known)
                == ["ups": 12, "seur": 2])
        // A bare N on the command line is every carrier's, config included.
        #expect(
            try CarrierOverrides.concurrency(commandLine: ["": 3, "dhl": 5], config: config, configFile: "shop.yaml", known: Self.known)
                == ["": 3, "dhl": 5])
        #expect(throws: CarrierOverrideError.self) {
            try CarrierOverrides.concurrency(commandLine: [:], config: ["usp": 4], configFile: "shop.yaml", known: Self.known)
        }
    }

    @Test func theGateLetsTheOverriddenNumberOfRequestsInFlight() async throws {
        let clock = ManualRateClock()
        let gate = CarrierGate(
            limits: CarrierDefinition.Limits(concurrency: 2, perSecond: 100, burst: 100), rateOverride: nil, concurrencyOverride: 5,
            consecutiveFailures: 0, clock: clock)
        for _ in 0..<5 { await gate.acquire() }
        #expect(await gate.queued == 0)
        let sixth = Task { await gate.acquire() }
        var queued = 0
        for _ in 0..<100_000 where queued == 0 {
            queued = await gate.queued
            await Task.yield()
        }
        #expect(queued == 1)
        await gate.release()
        await sixth.value
    }

    /// Against the simulator: every SEUR answer takes a second, so with SEUR's file limit (4)
    /// no more than 4 requests can arrive within any 0.9 s; with the override, more do.
    @Test func aSweepWithTheOverrideHasMoreThanTheFilesFourRequestsInFlight() async throws {
        let lifted = try await Self.mostArrivalsWithinWindow(concurrencyOverrides: ["seur": 10])
        #expect(lifted > 4, "at most \(lifted) SEUR requests arrived within 0.9 s")
        #expect(lifted <= 10)
        let standard = try await Self.mostArrivalsWithinWindow(concurrencyOverrides: [:])
        #expect(standard <= 4 && standard >= 1, "\(standard) SEUR requests arrived within 0.9 s without the override")
    }

    /// Sweeps 10 slow SEUR parcels and returns the most simulator arrivals within 0.9 s.
    static func mostArrivalsWithinWindow(concurrencyOverrides: [String: Int]) async throws -> Int {
        let numbers = (0..<10).map { _ in SweepTests.seurNumber() }
        let setup = try await SweepTests.setup(numbers.map { ("seur", $0, "in-transit") })
        for number in numbers { try await setup.sim.addFault(StickyFault(carrier: "seur", number: number, fault: "delay=1000")) }
        let options = SweepOptions(
            concurrency: 32, retries: 0, rateOverrides: ["": 10_000], concurrencyOverrides: concurrencyOverrides)
        let summary = try await setup.sweep(at: fixtureNow, options: options)
        #expect(summary.checked == 10 && summary.errors.isEmpty, "\(summary.errors)")
        let arrivals = try await setup.requests(numbers).map(\.receivedAt).sorted()
        #expect(arrivals.count == 10)
        var most = 0
        for (index, start) in arrivals.enumerated() {
            most = max(most, arrivals[index...].prefix { $0 - start < 0.9 }.count)
        }
        return most
    }
}
