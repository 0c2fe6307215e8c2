import Foundation

/// A delivery lane: the parcels that travel alike, so that the history of one predicts the next.
///
/// The finest lane is the carrier, the service (where known), the origin and destination countries,
/// the destination postcode's first two characters and the weekday of hand-over. Few shops send
/// enough parcels to fill every such lane, so a lane backs off to coarser ones: the carrier and
/// destination country (``Level/destination``), then the carrier alone (``Level/carrier``). A coarser
/// key keeps only its level's fields; the others are nil.
public struct LaneKey: Sendable, Hashable, Codable, CustomStringConvertible {
    /// How fine a lane is, finest first.
    public enum Level: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
        /// Carrier, service, origin, destination country, postcode prefix, hand-over weekday.
        case lane
        /// Carrier and destination country.
        case destination
        /// The carrier alone.
        case carrier

        /// Finest first: `lane < destination < carrier`.
        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rank < rhs.rank }

        /// The position in `allCases`.
        private var rank: Int {
            switch self {
            case .lane: return 0
            case .destination: return 1
            case .carrier: return 2
            }
        }
    }

    /// The carrier id (`inpost`), lower-cased.
    public let carrier: String
    /// The carrier's service (`locker`, `courier`), lower-cased; nil when unknown or at a coarser level.
    public let service: String?
    /// ISO alpha-2 code of the country the parcel was handed over in, upper-cased; nil at a coarser level.
    public let originCountry: String?
    /// ISO alpha-2 code of the destination country, upper-cased; nil at ``Level/carrier``.
    public let destinationCountry: String?
    /// The destination postcode's first two letters or digits, upper-cased (see
    /// ``postcodePrefix(_:country:)``); nil at a coarser level or when the postcode has none.
    public let postcodePrefix: String?
    /// The ISO weekday of hand-over (1 = Monday … 7 = Sunday); nil at a coarser level.
    public let handOverWeekday: Int?
    /// How fine this key is.
    public let level: Level

    /// The finest key for a parcel; `postcode` is normalised with ``postcodePrefix(_:country:)``.
    public init(
        carrier: String, service: String?, originCountry: String, destinationCountry: String, postcode: String, handOverWeekday: Int
    ) {
        let destination = destinationCountry.uppercased()
        self.carrier = carrier.lowercased()
        let service = service?.lowercased()
        self.service = service?.isEmpty == true ? nil : service
        self.originCountry = originCountry.uppercased()
        self.destinationCountry = destination
        self.postcodePrefix = Self.postcodePrefix(postcode, country: destination)
        self.handOverWeekday = handOverWeekday
        self.level = .lane
    }

    /// A key from its parts as stored; no normalisation.
    private init(
        carrier: String, service: String?, originCountry: String?, destinationCountry: String?, postcodePrefix: String?,
        handOverWeekday: Int?, level: Level
    ) {
        self.carrier = carrier
        self.service = service
        self.originCountry = originCountry
        self.destinationCountry = destinationCountry
        self.postcodePrefix = postcodePrefix
        self.handOverWeekday = handOverWeekday
        self.level = level
    }

    /// This key at `level`: the fields the level does not have become nil. Asking a coarse key for a
    /// finer level gives the key itself.
    public func backedOff(to level: Level) -> LaneKey {
        guard level > self.level else { return self }
        switch level {
        case .lane: return self
        case .destination:
            return LaneKey(
                carrier: carrier, service: nil, originCountry: nil, destinationCountry: destinationCountry, postcodePrefix: nil,
                handOverWeekday: nil, level: .destination)
        case .carrier:
            return LaneKey(
                carrier: carrier, service: nil, originCountry: nil, destinationCountry: nil, postcodePrefix: nil, handOverWeekday: nil,
                level: .carrier)
        }
    }

    /// This key and its coarser keys, finest first: the order an estimate tries them in.
    public var backOffChain: [LaneKey] {
        Level.allCases.filter { $0 >= level }.map { backedOff(to: $0) }
    }

    /// A stable text form, also the key under which ``LaneModel`` stores the lane:
    /// `inpost/locker/PL>PL/00/5`, `inpost/*/*>PL/*/*`, `inpost/*/*>*/*/*` (`*` for an absent field).
    public var description: String {
        func part(_ text: String?) -> String { text ?? "*" }
        return "\(carrier)/\(part(service))/\(part(originCountry))>\(part(destinationCountry))/\(part(postcodePrefix))/"
            + part(handOverWeekday.map(String.init))
    }

    /// The first two letters or digits of `postcode`, upper-cased, with anything else (spaces,
    /// dashes) dropped, and a leading country code dropped when the rest is digits (`LT-01100` and
    /// `01100` are both `01` for Lithuania); nil when fewer than two remain.
    public static func postcodePrefix(_ postcode: String, country: String) -> String? {
        var characters = postcode.uppercased().unicodeScalars.filter { ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
        let code = Array(country.uppercased().unicodeScalars)
        if code.count == 2, characters.count > 2, Array(characters.prefix(2)) == code,
            characters.dropFirst(2).allSatisfy({ ("0"..."9").contains($0) })
        {
            characters.removeFirst(2)
        }
        guard characters.count >= 2 else { return nil }
        var prefix = String.UnicodeScalarView()
        prefix.append(contentsOf: characters.prefix(2))
        return String(prefix)
    }

    /// `postcode` as a customer may see it in an explanation: the first two letters or digits kept,
    /// every later letter or digit an `x`, separators kept (`00-950` → `00-xxx`); a leading country
    /// code as ``postcodePrefix(_:country:)`` drops it is dropped too.
    public static func maskedPostcode(_ postcode: String, country: String) -> String {
        var text = postcode.trimmingCharacters(in: .whitespaces).uppercased()
        let code = country.uppercased()
        if text.hasPrefix(code), code.count == 2 {
            let rest = text.dropFirst(2).drop { $0 == "-" || $0 == " " }
            if !rest.isEmpty, rest.allSatisfy({ $0.isNumber || $0 == "-" || $0 == " " }) { text = String(rest) }
        }
        var kept = 0
        var masked = ""
        for character in text {
            if character.isLetter || character.isNumber {
                masked.append(kept < 2 ? character : "x")
                kept += 1
            } else {
                masked.append(character)
            }
        }
        return masked
    }
}
