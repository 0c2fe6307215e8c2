/// One way a carrier's tracking numbers look: a pattern and a check digit.
public struct NumberRule: Sendable {
    /// Regex over the normalised number (spaces and dashes removed, upper case).
    public var pattern: TextPattern
    /// The check-digit algorithm.
    public var check: CheckDigit
    /// Weights for mod10/mod11, from the right of the payload.
    public var weights: [Int]
    /// Regex whose group 1 is the payload; default: everything but the check character (for
    /// s10: the 8 serial digits).
    public var payload: TextPattern?
    /// 0-based index of the check character; default: the last (for s10: index 10).
    public var checkAt: Int?

    /// Creates a rule.
    public init(pattern: TextPattern, check: CheckDigit, weights: [Int] = [], payload: TextPattern? = nil, checkAt: Int? = nil) {
        self.pattern = pattern
        self.check = check
        self.weights = weights
        self.payload = payload
        self.checkAt = checkAt
    }

    /// Why a number does not fit this rule, or nil when it does.
    public func rejection(of number: String) -> NumberRejection? {
        do {
            guard try pattern.matches(number) else { return .patternMismatch(pattern: pattern.description) }
        } catch {
            return .ruleFailed(error)
        }
        guard check != .none else { return nil }
        let chars = Array(number)
        let checkIndex = checkAt ?? (check == .s10 ? 10 : chars.count - 1)
        guard checkIndex >= 0, checkIndex < chars.count else { return .tooShortForCheckDigit }
        let payloadText: String
        if let payload {
            let group: String?
            do { group = try payload.firstGroup(in: number) } catch { return .ruleFailed(error) }
            guard let group else { return .payloadMismatch(pattern: payload.description) }
            payloadText = group
        } else if check == .s10 {
            payloadText = String(chars[2..<min(10, chars.count)])
        } else {
            payloadText = String(chars[..<checkIndex])
        }
        guard let expected = check.expected(payload: payloadText, weights: weights) else {
            return .uncheckableCharacters(check: check)
        }
        let got = chars[checkIndex]
        return got == expected ? nil : .wrongCheckDigit(check: check, expected: expected, got: got)
    }
}
