/// A fault the simulator puts on a carrier's answers without the client asking, so a sweep that
/// cannot add `?_fault=` can still be tested against a failing carrier. Registered with
/// `POST /_sim/faults`, cleared with `DELETE /_sim/faults`.
public struct StickyFault: Sendable, Codable, Equatable {
    /// The carrier whose answers get the fault.
    public var carrier: String
    /// Only this tracking number, or every number when nil.
    public var number: String?
    /// The fault list, as in `?_fault=` (`status=500`, `status=429,retry-after=1`, `delay=300` …).
    public var fault: String
    /// How many answers get it before it wears off; nil for every answer.
    public var count: Int?

    /// Creates a sticky fault.
    public init(carrier: String, number: String? = nil, fault: String, count: Int? = nil) {
        self.carrier = carrier
        self.number = number
        self.fault = fault
        self.count = count
    }

    func matches(carrier: String, number: String?) -> Bool {
        self.carrier == carrier && (self.number == nil || self.number == number)
    }
}
