/// Where an estimate comes from, in words for a customer, in every customer language
/// (``CustomerLanguages/supported``): en "estimated from 214 InPost parcels to 00-xxx in the last
/// 90 days".
public struct EstimateExplanation: Sendable, Hashable, Codable {
    /// Polish.
    public let pl: String
    /// English.
    public let en: String
    /// Spanish.
    public let es: String
    /// Lithuanian.
    public let lt: String

    /// An explanation from its four texts.
    public init(pl: String, en: String, es: String, lt: String) {
        self.pl = pl
        self.en = en
        self.es = es
        self.lt = lt
    }

    /// The text in `language` (`pl`, `en`, `es`, `lt`, any case, region ignored: `pl-PL`); English
    /// for any other.
    public func text(for language: String) -> String {
        switch language.lowercased().prefix(2) {
        case "pl": return pl
        case "es": return es
        case "lt": return lt
        default: return en
        }
    }

    /// From `parcels` parcels of `carrier` (its name) to `place` over `windowDays` days; `place`
    /// nil when the lane is the carrier's alone.
    static func lane(parcels: Int, carrier: String, place: Place?, windowDays: Int) -> EstimateExplanation {
        let one = parcels == 1
        let ltParcels = lithuanian(parcels, one: "siuntą", few: "siuntas", many: "siuntų")
        let ltDays = lithuanian(windowDays, one: "dieną", few: "dienas", many: "dienų")
        return EstimateExplanation(
            pl: "oszacowano na podstawie \(parcels) \(one ? "przesyłki" : "przesyłek") \(carrier)\(place.map { " do \($0.pl)" } ?? "")"
                + " z ostatnich \(windowDays) dni",
            en: "estimated from \(parcels) \(carrier) \(one ? "parcel" : "parcels")\(place.map { " to \($0.en)" } ?? "")"
                + " in the last \(windowDays) days",
            es: "estimado a partir de \(parcels) \(one ? "envío" : "envíos") de \(carrier)\(place.map { " a \($0.es)" } ?? "")"
                + " en los últimos \(windowDays) días",
            lt: "įvertinta pagal \(parcels) \(carrier) \(ltParcels)\(place.map { " į \($0.lt)" } ?? "")"
                + " per pastarąsias \(windowDays) \(ltDays)")
    }

    /// The carrier's own estimate.
    static func carrier(_ carrier: String) -> EstimateExplanation {
        EstimateExplanation(
            pl: "termin podany przez przewoźnika \(carrier)", en: "\(carrier)'s own estimate", es: "estimación del propio transportista (\(carrier))",
            lt: "paties vežėjo (\(carrier)) įvertinimas")
    }

    /// The shop's promise alone.
    static let promise = EstimateExplanation(
        pl: "termin obiecany przez sklep", en: "the date the shop promised", es: "la fecha prometida por la tienda", lt: "parduotuvės pažadėta data")

    /// A destination in the grammatical case each sentence needs: a masked postcode (the same in
    /// every language) or a country.
    struct Place {
        /// After Polish "do" (genitive).
        let pl: String
        /// After English "to".
        let en: String
        /// After Spanish "a".
        let es: String
        /// After Lithuanian "į" (accusative).
        let lt: String

        /// A masked postcode, the same in every language.
        static func postcode(_ text: String) -> Place { Place(pl: text, en: text, es: text, lt: text) }

        /// A country by ISO code; countries without names here show the code.
        static func country(_ code: String) -> Place {
            switch code.uppercased() {
            case "PL": return Place(pl: "Polski", en: "Poland", es: "Polonia", lt: "Lenkiją")
            case "LT": return Place(pl: "Litwy", en: "Lithuania", es: "Lituania", lt: "Lietuvą")
            case "LV": return Place(pl: "Łotwy", en: "Latvia", es: "Letonia", lt: "Latviją")
            case "EE": return Place(pl: "Estonii", en: "Estonia", es: "Estonia", lt: "Estiją")
            case "ES": return Place(pl: "Hiszpanii", en: "Spain", es: "España", lt: "Ispaniją")
            case "DE": return Place(pl: "Niemiec", en: "Germany", es: "Alemania", lt: "Vokietiją")
            default:
                let text = code.uppercased()
                return Place(pl: text, en: text, es: text, lt: text)
            }
        }
    }

    /// The Lithuanian noun form after the number `n` (accusative): 1, 21, 31… take `one`; 2–9 and
    /// 22–29… `few`; 10–20 and whole tens `many`.
    static func lithuanian(_ n: Int, one: String, few: String, many: String) -> String {
        let lastTwo = n % 100
        let last = n % 10
        if (10...20).contains(lastTwo) || last == 0 { return many }
        return last == 1 ? one : few
    }
}
