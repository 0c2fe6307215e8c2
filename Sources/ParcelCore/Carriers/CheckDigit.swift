/// Check-digit algorithms carriers put in tracking numbers. Each returns the expected check
/// character for a payload, or nil when the payload has characters the algorithm cannot use.
public enum CheckDigit: String, Sendable, CaseIterable {
    // swift-format-ignore: AlwaysUseLowerCamelCase
    // `mod37_36` is ISO 7064's name (MOD 37,36) and the carrier files' value.
    case none, mod10, mod11, mod7, s10, luhn, mod37_36

    /// The check character expected for `payload` (for luhn: the whole number minus its last
    /// digit). `weights` apply from the right end of the payload and repeat.
    public func expected(payload: String, weights: [Int]) -> Character? {
        switch self {
        case .none:
            return nil
        case .mod10:
            guard let values = Self.values(payload, lettersAs: .ups) else { return nil }
            let weights = weights.isEmpty ? [3, 1] : weights
            let sum = Self.weightedFromRight(values, weights)
            return Self.digit((10 - sum % 10) % 10)
        case .mod11:
            guard let values = Self.values(payload, lettersAs: nil) else { return nil }
            let weights = weights.isEmpty ? [2, 3, 4, 5, 6, 7] : weights
            let check = 11 - Self.weightedFromRight(values, weights) % 11
            return Self.digit(check >= 10 ? 0 : check)
        case .mod7:
            guard let values = Self.values(payload, lettersAs: nil), !values.isEmpty else { return nil }
            return Self.digit(values.reduce(0) { ($0 * 10 + $1) % 7 })
        case .s10:
            guard let values = Self.values(payload, lettersAs: nil), values.count == 8 else { return nil }
            let sum = zip(values, [8, 6, 4, 2, 3, 5, 9, 7]).reduce(0) { $0 + $1.0 * $1.1 }
            let check = 11 - sum % 11
            return Self.digit(check == 10 ? 0 : check == 11 ? 5 : check)
        case .luhn:
            guard let values = Self.values(payload, lettersAs: nil) else { return nil }
            var sum = 0
            for (index, value) in values.reversed().enumerated() {
                let doubled = index % 2 == 0 ? value * 2 : value
                sum += doubled > 9 ? doubled - 9 : doubled
            }
            return Self.digit((10 - sum % 10) % 10)
        case .mod37_36:
            let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
            var p = 36
            for char in payload.uppercased() {
                guard let value = alphabet.firstIndex(of: char) else { return nil }
                var s = (p + value) % 36
                if s == 0 { s = 36 }
                p = (2 * s) % 37
            }
            return alphabet[(37 - p) % 36]
        }
    }

    private enum LetterRule { case ups }

    private static func values(_ payload: String, lettersAs rule: LetterRule?) -> [Int]? {
        var values: [Int] = []
        for char in payload.uppercased() {
            if let digit = char.wholeNumberValue, char.isASCII {
                values.append(digit)
            } else if rule == .ups, let ascii = char.asciiValue, ascii >= 65, ascii <= 90 {
                values.append((Int(ascii) - 63) % 10)
            } else {
                return nil
            }
        }
        return values
    }

    private static func weightedFromRight(_ values: [Int], _ weights: [Int]) -> Int {
        var sum = 0
        for (index, value) in values.reversed().enumerated() {
            sum += value * weights[index % weights.count]
        }
        return sum
    }

    private static func digit(_ value: Int) -> Character {
        Character(String(value))
    }
}
