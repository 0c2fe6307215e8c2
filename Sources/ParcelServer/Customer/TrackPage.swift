import Foundation
import Mustache
import ParcelCore
import ParcelOps
import ParcelStore

/// The customer page `/track`: server-rendered HTML (no JavaScript) in the order's language,
/// else the browser's (`Accept-Language`), else English. Every value is HTML-escaped by the
/// template: a carrier status like `<script>` shows as text.
struct TrackPage: Sendable {
    private let template: MustacheTemplate
    private let options: ServerOptions

    /// Loads the page template shipped with the package.
    init(options: ServerOptions) throws(ServerError) {
        guard let url = Bundle.module.url(forResource: "Templates", withExtension: nil)?.appendingPathComponent("track.mustache"),
            let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8)
        else {
            throw .resources("the package's ParcelServer/Templates/track.mustache is missing")
        }
        do { template = try MustacheTemplate(string: text) } catch { throw .resources("track.mustache does not parse: \(error)") }
        self.options = options
    }

    /// The form, with `message` above it (not found, too many attempts) and what was typed.
    func form(language: String, message: String? = nil, number: String = "", postcode: String = "", email: String = "") -> String {
        let phrases = CustomerPhrases(language: language)
        var values = common(phrases)
        values["message"] = message
        values["number"] = number
        values["postcode"] = postcode
        values["email"] = email
        return template.render(values)
    }

    /// The statuses after which a parcel is not on its way to the customer, so an estimate of its
    /// arrival means nothing.
    private static let settled = Set([TrackingStatus.delivered, .returning, .returned, .expired].map(\.rawValue))

    /// The parcel's page, in its language; with its estimate (the same one `/api/track` gives, in
    /// the order's language) its expected window and where that comes from, unless the parcel is
    /// delivered, going back or returned.
    func parcel(_ parcel: CustomerParcel) -> String {
        let phrases = CustomerPhrases(language: parcel.language)
        let zone = options.config.timeZone
        let language = phrases.language
        var values = common(phrases)
        let events: [[String: Any]] = parcel.events.reversed().map { event in
            let instant = ISOTime.parse(event.time)
            var row: [String: Any] = [
                "iso": event.time, "raw": event.rawStatus,
                "when": instant.map { LocalDates.dateTime($0, language: language, zone: zone) } ?? event.time,
                "what": TrackingStatus(rawValue: event.status).map(phrases.status) ?? event.status,
            ]
            row["location"] = event.location
            return row
        }
        var shown: [String: Any] = [
            "carrierName": options.carrierNames[parcel.carrier] ?? parcel.carrier, "trackingNumber": parcel.trackingNumber,
            "statusText": TrackingStatus(rawValue: parcel.status).map(phrases.status) ?? parcel.status,
            "events": events, "hasEvents": !events.isEmpty,
        ]
        shown["promisedDate"] = parcel.promisedDate.flatMap(CivilDate.init).map { LocalDates.date($0, language: language) }
        if let estimate = parcel.estimate, !Self.settled.contains(parcel.status) {
            shown["estimate"] = [
                "heading": EstimateWording.heading(language: language),
                "window": EstimateWording.window(from: estimate.p50, to: estimate.p90, language: language),
                "source": estimate.explanation, "from": estimate.p50.description, "to": estimate.p90.description,
            ]
        }
        if let incident = parcel.incident {
            shown["incident"] = [
                "message": incident.message,
                "nextUpdateBy": ISOTime.parse(incident.nextUpdateBy).map { LocalDates.dateTime($0, language: language, zone: zone) } ?? incident.nextUpdateBy,
            ]
        }
        // The whole order, when it has more to say than this one parcel: its other parcels,
        // replacements, and what the shop did.
        if let story = parcel.order, story.parcels.count > 1 || !story.shop.isEmpty {
            shown["order"] = story.lines(phrases, carrierNames: options.carrierNames) { text in
                if let day = CivilDate(text) { return LocalDates.date(day, language: language) }
                return ISOTime.parse(text).map { LocalDates.date(CivilDate($0, in: zone), language: language) } ?? text
            }.map { ["line": $0] }
        }
        values["parcel"] = shown
        return template.render(values)
    }

    private func common(_ phrases: CustomerPhrases) -> [String: Any] {
        let keys = [
            "title": "page.title", "intro": "page.intro", "number": "form.number", "postcode": "form.postcode", "email": "form.email",
            "or": "form.or", "submit": "form.submit", "noEvents": "page.noEvents", "contact": "page.contact", "another": "page.another",
            "heading": "heading", "status": "status", "promised": "promised", "events": "events", "shopIsDoing": "shopIsDoing",
            "nextUpdate": "nextUpdate", "order": "order.heading",
        ]
        var values: [String: Any] = ["lang": phrases.language, "shop": options.config.shopName, "t": keys.mapValues { phrases[$0] }]
        if !options.config.contact.email.isEmpty { values["contact"] = options.config.contact.email }
        return values
    }
}
