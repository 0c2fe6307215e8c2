import Foundation

/// A history file line that is not a ``DeliveredParcel`` JSON object.
public struct HistoryLineError: Error, CustomStringConvertible, LocalizedError, Equatable {
    /// The line's number, from 1.
    public let line: Int
    /// What was wrong with it.
    public let reason: String

    /// An error for `line`.
    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    /// `line 12: …`.
    public var description: String { "line \(line): not a delivered parcel: \(reason)" }

    /// The same as ``description``.
    public var errorDescription: String? { description }
}
