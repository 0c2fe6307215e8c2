/// What the lateRisk rule makes of one parcel's estimate (``IncidentDetector/lateRisk(shipment:order:estimate:)``).
public enum LateRiskFinding: Sendable, Equatable {
    /// The chance of meeting the promise is below the threshold while the promised day is still
    /// ahead: raise this trigger (an open case stays as it is, a closed one is not reopened).
    case atRisk(IncidentTrigger)
    /// The chance climbed back to the clear threshold or above: an open lateRisk case of the
    /// parcel closes by itself, with this reason in its history.
    case caughtUp(String)
    /// Neither: no estimate or promise, the promised day passed (that is `late`'s business), or
    /// a chance between the two thresholds (an open case stays open, none opens).
    case unchanged
}
