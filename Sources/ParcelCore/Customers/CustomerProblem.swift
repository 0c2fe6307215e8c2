import Foundation

/// What a customer can report that tracking cannot know.
public enum CustomerProblem: String, Sendable, CaseIterable, Codable {
    case notReceived, damagedOnArrival, cancelOrder
}
