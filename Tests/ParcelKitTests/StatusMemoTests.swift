import Foundation
import TestSupport
import Testing

@testable import ParcelCore

/// The status memo a carrier source shares across answers: it answers what the rules answer,
/// forgets when the rules change, and stays bounded.
@Suite struct StatusMemoTests {
    static func seur() throws -> CarrierDefinition {
        try CarrierRegistry.load(directory: PackagePaths.root + "/carriers").carrier("seur")
    }

    @Test func aSecondAnswerReadsTheSameStatusesFromTheMemo() throws {
        var definition = try Self.seur()
        let mapper = StatusMapper(rules: definition.statuses, memo: definition.source.statusMemo)
        let first = try mapper.map(text: "Deterioro o extravío", code: nil, carrier: "seur")
        #expect(first.0 == .exception && first.1 == .damagedOrLost)
        #expect(definition.source.statusMemo["\u{1F}Deterioro o extravío"]?.1 == .damagedOrLost)
        // Another parser over the same source finds it remembered.
        let again = StatusMapper(rules: definition.statuses, memo: definition.source.statusMemo)
        #expect(try again.map(text: "Deterioro o extravío", code: nil, carrier: "seur").1 == .damagedOrLost)
        // New rules, new memo: the old answer is not served for them.
        let before = definition.source.statusMemo
        definition.source.statuses = definition.statuses.filter { $0.reason != .damagedOrLost }
        #expect(definition.source.statusMemo !== before)
        #expect(definition.source.statusMemo["\u{1F}Deterioro o extravío"] == nil)
    }

    @Test func theMemoStaysBounded() {
        let memo = StatusMemo()
        for index in 0..<(StatusMemo.capacity + 10) { memo["\u{1F}text \(index)"] = (.inTransit, nil) }
        #expect(memo["\u{1F}text \(StatusMemo.capacity + 9)"]?.0 == .inTransit)
        #expect(memo["\u{1F}text 0"] == nil, "past the capacity it started again")
    }
}
