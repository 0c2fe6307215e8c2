import Foundation
import ParcelCore

/// One stage of a scripted parcel as the carrier shows it.
struct StagePage: Sendable {
    var bytes: [UInt8]
    /// When the stage starts (the page's rendering instant and `Last-Modified`).
    var start: Date
    /// The history the page shows; nil when it shows none the next stage could continue.
    var history: StageContinuity.History?
}

extension SimState {
    /// Stage `index` of `script` from `carrier`'s fixture folder: the first stage as recorded,
    /// every later one continuing the history the one before showed (``StageContinuity``).
    /// Computed once per parcel, source and stage, so a re-fetch gets the same bytes.
    func stagePage(_ script: ParcelScript, index: Int, carrier: CarrierDefinition, number: String) -> StagePage? {
        guard let registered = script.registeredAt, script.timeline.indices.contains(index) else { return nil }
        let stage = script.timeline[index]
        let stages = script.timeline[...index].map { "\($0.afterHours)=\($0.fixture)" }.joined(separator: ",")
        let key = [carrier.fixtureFolder, number, String(registered.timeIntervalSince1970), stages].joined(separator: "|")
        if let known = stagePages[key] { return known }
        guard let template = template(carrier.fixtureFolder, stage.fixture),
            let pattern = carrier.timePatterns.first ?? (try? TimePattern("iso8601"))
        else { return nil }
        let reader = StageContinuity.Reader(definition: carrier, number: number, pattern: pattern)
        let start = registered.addingTimeInterval(stage.afterHours * 3600)
        var page = StagePage(bytes: reader.render(template.bytes, at: start), start: start, history: nil)
        let previous = index > 0 ? stagePage(script, index: index - 1, carrier: carrier, number: number)?.history : nil
        var located = StageContinuity.locate(template.bytes, reader: reader, at: start, container: previous?.container)
        if located == nil, previous?.container == nil, let hint = eventListSignature(carrier: carrier, reader: reader) {
            located = StageContinuity.locate(template.bytes, reader: reader, at: start, container: hint)
        }
        if let located {
            if located.events.isEmpty {
                page.history = previous
            } else if let previous, !previous.entries.isEmpty,
                let continued = StageContinuity.continuing(previous, template: template.bytes, located: located, reader: reader)
            {
                page.bytes = continued.page
                page.history = continued.history
            } else {
                page.history = StageContinuity.history(of: located, reader: reader)
            }
        } else if reader.events(page.bytes) == nil {
            // An error page (not found, refused…): the story resumes where it stood.
            page.history = previous
        }
        stagePages[key] = page
        return page
    }

    /// The signature of the event list in `carrier`'s pages, learnt from the first of its
    /// fixtures with two events or more (a page with one event cannot show where its list is).
    private func eventListSignature(carrier: CarrierDefinition, reader: StageContinuity.Reader) -> [String]? {
        let folder = carrier.fixtureFolder
        if let known = eventListSignatures[folder] { return known }
        var found: [String]?
        for name in fixtureNames(folder) {
            guard let template = template(folder, name),
                let located = StageContinuity.locate(template.bytes, reader: reader, at: Date(timeIntervalSince1970: 1_795_176_000), container: nil),
                located.events.count > 1
            else { continue }
            found = located.container
            break
        }
        eventListSignatures[folder] = .some(found)
        return found
    }
}
