import Crypto
import Foundation

/// What a customer offers to prove a parcel is theirs: the order's postcode or its e-mail.
///
/// A postcode is compared by its letters and digits only (`00-950`, `00 950` and `00950` are
/// one postcode), so a postcode with none (`-`, `.`, a space, nothing) proves nothing: shops
/// write `-` where there is no postcode, and `""` would equal `""`. An order without a postcode
/// is proved by its e-mail only.
///
/// Checking a proof costs the same whether it matches, fails, or is checked against no order at
/// all (``checkAgainstNothing()``, for an unknown number): both sides are hashed and the digests
/// compared without an early exit, so the answer's timing does not tell a known number from an
/// unknown one.
public struct CustomerProof: Sendable, Equatable {
    /// The postcode's letters and digits, upper-cased; nil when it has none.
    public let postcode: String?
    /// The e-mail, trimmed and lower-cased; nil when empty.
    public let email: String?

    /// The proof from what the customer typed (either may be missing).
    public init(postcode: String?, email: String?) {
        self.postcode = postcode.map(Self.squash).flatMap { $0.isEmpty ? nil : $0 }
        self.email = email.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// True when neither a usable postcode nor an e-mail was given: nothing can be proved.
    public var isEmpty: Bool { postcode == nil && email == nil }

    /// True when `postcode` was given but has no letters or digits, so it cannot prove anything.
    public static func isUnusable(postcode: String?) -> Bool {
        guard let postcode else { return false }
        return squash(postcode).isEmpty
    }

    /// True when `text` has at least one letter or digit: a postcode that can prove an order.
    public static func isPostcode(_ text: String) -> Bool { !squash(text).isEmpty }

    /// `00-950`, `00 950` and `00950` are the same postcode: `00950`.
    public static func squash(_ postcode: String) -> String {
        String(postcode.uppercased().filter { $0.isLetter || $0.isNumber })
    }

    /// True when this proof matches an order with `postcode` and `email`. An order whose postcode
    /// has no letters or digits matches by e-mail only. Both comparisons always run, in time that
    /// depends on neither value.
    public func matches(postcode orderPostcode: String, email orderEmail: String) -> Bool {
        let storedPostcode = Self.squash(orderPostcode)
        let postcodeEqual = Self.sameDigest(postcode ?? "", storedPostcode)
        let emailEqual = Self.sameDigest(email ?? "", orderEmail.lowercased())
        let postcodeMatches = postcode != nil && !storedPostcode.isEmpty && postcodeEqual
        let emailMatches = email != nil && emailEqual
        // An erased order (``Store``'s `@erased.invalid` marker) is nobody's any more.
        return (postcodeMatches || emailMatches) && !orderEmail.hasSuffix("@erased.invalid")
    }

    /// The work of ``matches(postcode:email:)`` against a stand-in order, for an unknown number:
    /// always false, and as slow as a real comparison.
    public func checkAgainstNothing() -> Bool {
        _ = matches(postcode: Self.standInPostcode, email: Self.standInEmail)
        return false
    }

    /// The stand-in order an unknown number is compared against (its result is thrown away).
    static let standInPostcode = "00-000"
    static let standInEmail = "nobody@parcelwatch.invalid"

    /// Equality of the SHA-256 digests of `lhs` and `rhs`, compared byte by byte without an early
    /// exit: the time depends on the lengths of the inputs only through hashing, not on where
    /// they differ.
    static func sameDigest(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(SHA256.hash(data: Data(lhs.utf8)))
        let right = Array(SHA256.hash(data: Data(rhs.utf8)))
        var difference: UInt8 = 0
        for (a, b) in zip(left, right) { difference |= a ^ b }
        return difference == 0
    }
}
