import ArgumentParser
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore

/// `parcelwatch incidents`: the staff queue, most urgent deadline first.
struct IncidentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incidents",
        abstract: "The incident queue: open cases sorted by their next deadline, with owner and breaches.",
        discussion: """
            A ! marks a case with a deadline already passed (customer notice, staff first touch or resolution).
            Examples:
              parcelwatch incidents
              parcelwatch incidents --overdue --owner anna
              parcelwatch incidents --kind damagedOrLost --kind lost --json
              parcelwatch incidents --all --json --limit 1000       (the history; `next: CURSOR` on stderr, then --after CURSOR)
            The queue is sorted by next deadline, then priority, then id; --all lists every case by id. Cases are written as
            they are read, a page at a time. A queue cursor remembers the case's deadline: a case worked on between two runs
            may move past it or behind it; --all's cursor (an id) never moves.
            Kinds: \(IncidentKind.allCases.map(\.rawValue).joined(separator: ", ")).
            Statuses: \(IncidentStatus.allCases.map(\.rawValue).joined(separator: ", ")).
            """)
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Only this kind (repeatable).") var kind: [String] = []
    @Option(help: "Only this status (repeatable).") var status: [String] = []
    @Option(help: "Only cases owned by this staff member.") var owner: String?
    @Option(help: "Only cases about this carrier.") var carrier: String?
    @Flag(help: "Only cases with a deadline already passed.") var overdue = false
    @Flag(help: "Every case, resolved and dismissed ones too, in the order they were opened (by id).") var all = false
    @Option(help: "At most this many (then `next: CURSOR` on standard error when more remain).") var limit: Int?
    @Option(help: Paging.afterHelp) var after: String?

    func run() async throws {
        let kinds: Set<IncidentKind> = try parseOptions(kind, option: "--kind")
        let statuses: Set<IncidentStatus> = try parseOptions(status, option: "--status")
        let limit = try Paging.limit(self.limit)
        // The queue by deadline; the whole history (--all) by id, which no change to a case moves.
        let cursor = try Paging.cursor(after, for: all ? .incidents : .queue)
        let start: IncidentPosition? =
            switch cursor {
            case .incidents(let id)?: IncidentPosition(deadline: 0, priority: 0, id: id)
            case .queue(let position)?: position
            default: nil
            }
        let now = try store.clock().now
        let database = try await store.openStore(.readOnly)
        let filter = IncidentFilter(
            kinds: kinds, statuses: statuses, owner: owner, carrier: carrier, openOnly: !all, overdueAt: overdue ? now : nil,
            order: all ? .opened : .queue)
        var json = try output.json ? JSONArrayStream() : nil
        var table = Terminal.TableStream(["", "ID", "KIND", "STATUS", "ABOUT", "OWNER", "AGE", "NEXT DUE", "PRIORITY"])
        var count = 0
        let next = try await Paging.run(
            limit: limit, after: start,
            read: { (after: IncidentPosition?, size: Int) -> [Incident] in
                var page = filter
                (page.after, page.limit) = (after, size)
                do throws(StoreError) { return try await database.read { [page] in try $0.cases.incidents(page) } } catch { throw fail(.store(error)) }
            },
            key: \Incident.queuePosition,
            write: { cases in
                count += cases.count
                if var stream = json {
                    Paging.emit(try stream.next(cases.map { IncidentRow($0, now: now) }))
                    json = stream
                    return
                }
                Paging.emit(line: table.next(cases.map { Self.cells($0, now: now) }))
            })
        if let json {
            Paging.emit(json.end())
        } else if count == 0 {
            Paging.emit(line: all ? "no incidents" : "no open incidents")
        } else {
            Paging.emit(line: Terminal.dim("\(count) case(s); ! = deadline passed. `parcelwatch incident show ID` for the whole story."))
        }
        Paging.announce(next.map { all ? ListingCursor.incidents(after: $0.id) : ListingCursor.queue(after: $0) })
    }

    /// A case's table cells.
    private static func cells(_ incident: Incident, now: Date) -> [String] {
        let passed = incident.overdueClocks(at: now).map(\.rawValue)
        return [
            passed.isEmpty ? " " : Terminal.paint("!", "31;1"), String(incident.id), Terminal.status(incident.kind.rawValue),
            incident.status.rawValue,
            incident.trackingNumber.map { "\(incident.carrier ?? "") \($0)" } ?? incident.orderId.map { "order \($0)" } ?? incident.carrier ?? "",
            incident.owner ?? Terminal.dim("unassigned"), When.age(now.timeIntervalSince(incident.detectedAt)),
            (passed.isEmpty ? "" : Terminal.paint("overdue \(passed.joined(separator: ",")) ", "31")) + When.short(incident.nextDeadline),
            String(incident.priority),
        ]
    }
}

/// One case as scripts see it.
struct IncidentRow: Encodable {
    var id: Int64
    var kind: String
    var status: String
    var carrier: String?
    var trackingNumber: String?
    var orderId: String?
    var owner: String?
    var priority: Int
    var customerFacing: Bool
    var summary: String
    var detectedAt: String
    var noticeDue: String?
    var firstTouchDue: String
    var resolutionDue: String
    var firstTouchedAt: String?
    var notifiedAt: String?
    var closedAt: String?
    var breached: Bool
    var overdue: [SLAClock]
    var escalated: [SLAClock]

    init(_ incident: Incident, now: Date) {
        id = incident.id
        kind = incident.kind.rawValue
        status = incident.status.rawValue
        carrier = incident.carrier
        trackingNumber = incident.trackingNumber
        orderId = incident.orderId
        owner = incident.owner
        priority = incident.priority
        customerFacing = incident.customerFacing
        summary = incident.summary
        detectedAt = ISOTime.utc(incident.detectedAt)
        noticeDue = incident.noticeDue.map(ISOTime.utc)
        firstTouchDue = ISOTime.utc(incident.firstTouchDue)
        resolutionDue = ISOTime.utc(incident.resolutionDue)
        firstTouchedAt = incident.firstTouchedAt.map(ISOTime.utc)
        notifiedAt = incident.notifiedAt.map(ISOTime.utc)
        closedAt = incident.closedAt.map(ISOTime.utc)
        overdue = incident.overdueClocks(at: now)
        escalated = incident.breaches
        breached = !overdue.isEmpty || !incident.breaches.isEmpty
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(kind, forKey: .kind)
        try container.encode(status, forKey: .status)
        try container.encode(carrier, forKey: .carrier)
        try container.encode(trackingNumber, forKey: .trackingNumber)
        try container.encode(orderId, forKey: .orderId)
        try container.encode(owner, forKey: .owner)
        try container.encode(priority, forKey: .priority)
        try container.encode(customerFacing, forKey: .customerFacing)
        try container.encode(summary, forKey: .summary)
        try container.encode(detectedAt, forKey: .detectedAt)
        try container.encode(noticeDue, forKey: .noticeDue)
        try container.encode(firstTouchDue, forKey: .firstTouchDue)
        try container.encode(resolutionDue, forKey: .resolutionDue)
        try container.encode(firstTouchedAt, forKey: .firstTouchedAt)
        try container.encode(notifiedAt, forKey: .notifiedAt)
        try container.encode(closedAt, forKey: .closedAt)
        try container.encode(breached, forKey: .breached)
        try container.encode(overdue, forKey: .overdue)
        try container.encode(escalated, forKey: .escalated)
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, status, carrier, trackingNumber, orderId, owner, priority, customerFacing, summary, detectedAt, noticeDue,
            firstTouchDue, resolutionDue, firstTouchedAt, notifiedAt, closedAt, breached, overdue, escalated
    }
}
