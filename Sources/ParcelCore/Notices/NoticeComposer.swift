import Foundation

/// Turns a case into the customer's notice: the right template in the order's language, filled
/// with the parcel, the shop's contact channel and hours, and the time the customer will hear
/// next; held until the quiet hours end.
public struct NoticeComposer: Sendable {
    private let templates: NoticeTemplates
    private let config: ShopConfig
    private let carrierNames: [String: String]
    private let planner: IncidentPlanner

    /// Creates a composer.
    public init(templates: NoticeTemplates, config: ShopConfig, carrierNames: [String: String]) {
        self.templates = templates
        self.config = config
        self.carrierNames = carrierNames
        planner = IncidentPlanner(config: config)
    }

    /// The notice for a new customer-facing case of `kind`, or nil for staff-only kinds. With
    /// `estimate` (lateRisk: the lane model's view of the parcel), the notice names the new
    /// expected window, p50 to p90 (`hasNewDate`, `newDate`).
    /// - Throws: ``NoticeError/render(template:language:detail:)`` when its template cannot
    ///   render (a customer-facing kind without one included): never a silently missing notice.
    public func notice(
        kind: IncidentKind, dedupeKey: String, order: Order, shipment: Shipment?, plan: IncidentPlan,
        now: Date, problem: CustomerProblem? = nil, decision: WorkflowPolicy.Decision = .wait,
        story: OrderStory? = nil, estimate: DeliveryEstimate? = nil
    ) throws(NoticeError) -> NoticeDraft? {
        guard plan.customerFacing else { return nil }
        var values = baseValues(order: order, shipment: shipment, nextUpdateBy: plan.resolutionDue, story: story)
        if let estimate {
            values["hasNewDate"] = true
            values["newDate"] = EstimateWording.window(from: estimate.p50, to: estimate.p90, language: order.language)
        }
        // What the shop is doing: what the policy acts on at once, otherwise a person decides.
        switch decision {
        case .act(.reship): values["reshipping"] = true
        case .act(.refund): values["refunding"] = true
        default: values["reviewing"] = true
        }
        // Only a parcel a carrier holds can be asked about: an order late before it shipped has none.
        values["askedCarrier"] = shipment != nil && [.late, .lost, .customsHold, .deliveryFailed, .damaged, .damagedOrLost].contains(kind)
        if let problem { values[problem.rawValue] = true }
        return try draft(template: kind.rawValue, dedupeKey: dedupeKey, order: order, values: values, now: now)
    }

    /// A milestone notice (`shipped`, `outForDelivery`, `refundIssued`, `reshipSent`, `resolved`).
    /// - Throws: ``NoticeError/render(template:language:detail:)`` when its template is unknown
    ///   or cannot render.
    public func milestone(
        _ name: String, dedupeKey: String, order: Order, shipment: Shipment?, nextUpdateBy: Date, now: Date,
        extra: [String: Any] = [:], story: OrderStory? = nil
    ) throws(NoticeError) -> NoticeDraft {
        var values = baseValues(order: order, shipment: shipment, nextUpdateBy: nextUpdateBy, story: story).merging(extra) { _, new in new }
        if let carrier = values["newCarrierName"] as? String { values["newCarrierName"] = carrierNames[carrier] ?? carrier }
        return try draft(template: name, dedupeKey: dedupeKey, order: order, values: values, now: now)
    }

    /// "Your replacement is on its way", with the new carrier and number.
    /// - Throws: ``NoticeError/render(template:language:detail:)`` when its template cannot render.
    public func replacementSent(
        incident: Incident, order: Order, carrier: String, trackingNumber: String, now: Date,
        story: OrderStory? = nil
    ) throws(NoticeError) -> NoticeDraft {
        try milestone(
            "reshipSent", dedupeKey: "reship:\(incident.id):\(carrier):\(trackingNumber)", order: order, shipment: nil,
            nextUpdateBy: incident.resolutionDue, now: now, extra: ["newCarrierName": carrier, "newTrackingNumber": trackingNumber],
            story: story)
    }

    private func draft(template: String, dedupeKey: String, order: Order, values: [String: Any], now: Date) throws(NoticeError) -> NoticeDraft {
        let rendered = try templates.render(template, language: order.language, values: values)
        return NoticeDraft(
            dedupeKey: dedupeKey, channel: "email", recipient: order.email, subject: rendered.subject, body: rendered.body,
            language: rendered.language, template: template, dueAt: planner.afterWorkingTime(0, from: now), orderId: order.id)
    }

    /// The order as it stands, for notices whose order has more than this parcel to tell: its
    /// other parcels, replacements, and what the shop did (`hasOrderState`, `orderState`).
    private func storyValues(_ story: OrderStory?, language: String) -> [String: Any] {
        guard let story, story.parcels.count > 1 || !story.shop.isEmpty else { return ["hasOrderState": false, "orderState": ""] }
        let phrases = CustomerPhrases(language: language)
        let lines = story.lines(phrases, carrierNames: carrierNames) { text in
            if let day = CivilDate(text) { return LocalDates.date(day, language: language) }
            return ISOTime.parse(text).map { LocalDates.date(CivilDate($0, in: self.config.timeZone), language: language) } ?? text
        }
        return ["hasOrderState": true, "orderState": phrases["order.heading"] + ":\n" + lines.map { "• " + $0 }.joined(separator: "\n")]
    }

    private func baseValues(order: Order, shipment: Shipment?, nextUpdateBy: Date, story: OrderStory? = nil) -> [String: Any] {
        let language = order.language
        var values: [String: Any] = [
            "customerName": order.customerName, "orderId": order.id, "shopName": config.shopName,
            "contactEmail": config.contact.email, "contactPhone": config.contact.phone, "contactHours": config.contact.hours,
            "amount": LocalDates.amount(order.value, language: language),
            "nextUpdateBy": LocalDates.dateTime(nextUpdateBy, language: language, zone: config.timeZone),
            // The parcel's own promise (a replacement's), else the order's.
            "promisedDate": (shipment.map { $0.promise(order: order) } ?? order.promisedDate).flatMap(CivilDate.init)
                .map { LocalDates.date($0, language: language) } ?? "",
            "newDate": "", "hasNewDate": false, "caughtUp": false, "newCarrierName": "", "newTrackingNumber": "",
        ]
        values.merge(storyValues(story, language: language)) { _, new in new }
        if let shipment {
            values["carrierName"] = carrierNames[shipment.carrier] ?? shipment.carrier
            values["trackingNumber"] = shipment.trackingNumber
        } else {
            values["carrierName"] = ""
            values["trackingNumber"] = ""
        }
        return values
    }
}

/// Dates the way each language writes them.
public enum LocalDates {
    /// `24.11.2026` (pl), `24/11/2026` (es), `2026-11-24` (lt), `24 Nov 2026` (en).
    public static func date(_ day: CivilDate, language: String) -> String {
        let dd = day.day < 10 ? "0\(day.day)" : "\(day.day)"
        let mm = day.month < 10 ? "0\(day.month)" : "\(day.month)"
        switch language {
        case "pl": return "\(dd).\(mm).\(day.year)"
        case "es": return "\(dd)/\(mm)/\(day.year)"
        case "lt": return "\(day.year)-\(mm)-\(dd)"
        default:
            return "\(day.day) \(CalendarNames.monthAbbreviations[day.month - 1]) \(day.year)"
        }
    }

    /// `129,99 EUR` with the decimal comma of pl, es and lt; `129.99 EUR` in English.
    public static func amount(_ money: Money, language: String) -> String {
        let text = money.decimalText
        return (language == "en" ? text : text.replacingEvery(".", with: ",")) + " " + money.currency
    }

    /// The date and 24-hour time in the shop's zone.
    public static func dateTime(_ instant: Date, language: String, zone: TimeZone) -> String {
        let day = CivilDate(instant, in: zone)
        let minutes = Int(instant.timeIntervalSince(day.start(in: zone)) / 60)
        let time = "\(minutes / 60 < 10 ? "0" : "")\(minutes / 60):\(minutes % 60 < 10 ? "0" : "")\(minutes % 60)"
        return "\(date(day, language: language)) \(time)"
    }
}
