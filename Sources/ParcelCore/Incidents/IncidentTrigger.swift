import Foundation

/// A reason to open (or add to) a case, found by ``IncidentDetector``.
public struct IncidentTrigger: Sendable, Equatable {
    /// What the case is about.
    public enum Subject: Sendable, Equatable {
        /// One parcel.
        case shipment(id: Int64, orderId: String, carrier: String, trackingNumber: String)
        /// An order as a whole (not yet shipped).
        case order(id: String)
        /// A carrier as a whole (`trackingBroken`).
        case carrier(String)

        /// The key that keeps one open case per subject and kind.
        public var key: String {
            switch self {
            case .shipment(let id, _, _, _): return "shipment:\(id)"
            case .order(let id): return "order:\(id)"
            case .carrier(let id): return "carrier:\(id)"
            }
        }
    }

    /// The kind of case.
    public var kind: IncidentKind
    /// What it is about.
    public var subject: Subject
    /// What exactly was seen; a closed case with the same evidence is not opened again (the
    /// same "damaged" status, the same silence since the same scan, the same promised date).
    public var evidence: String
    /// One line for people.
    public var summary: String

    /// Creates a trigger.
    public init(kind: IncidentKind, subject: Subject, evidence: String, summary: String) {
        self.kind = kind
        self.subject = subject
        self.evidence = evidence
        self.summary = summary
    }
}
