/// Why a tracking number does not fit one of a carrier's ``NumberRule``s. The
/// ``description`` is the sentence people read (`s10 check digit expected 5, got 4`).
public enum NumberRejection: Sendable, Equatable, CustomStringConvertible {
    /// The number does not have the rule's shape at all (`pattern` as written in the carrier
    /// file): most likely another carrier's number, so detection and validation say the more
    /// telling reasons first.
    case patternMismatch(pattern: String)
    /// The number ends before the position of its check character.
    case tooShortForCheckDigit
    /// The rule's payload pattern (`payload`) finds nothing to check in the number.
    case payloadMismatch(pattern: String)
    /// The payload holds characters the `check` algorithm cannot weigh.
    case uncheckableCharacters(check: CheckDigit)
    /// The check character is wrong.
    case wrongCheckDigit(check: CheckDigit, expected: Character, got: Character)
    /// The rule's pattern could not finish matching (it ran past its time limit): the carrier
    /// file's rule needs fixing, the number may be fine.
    case ruleFailed(TextPatternMatchError)

    /// True when the number does not even have the rule's shape.
    public var isPatternMismatch: Bool {
        if case .patternMismatch = self { true } else { false }
    }

    /// The reason in words.
    public var description: String {
        switch self {
        case .patternMismatch(let pattern): "does not match the pattern \(pattern)"
        case .tooShortForCheckDigit: "too short for a check digit"
        case .payloadMismatch(let pattern): "payload pattern \(pattern) does not match"
        case .uncheckableCharacters(let check): "characters the \(check.rawValue) check cannot use"
        case .wrongCheckDigit(let check, let expected, let got): "\(check.rawValue) check digit expected \(expected), got \(got)"
        case .ruleFailed(let error): "the number rule cannot be used: \(error)"
        }
    }
}
