import Foundation
import ParcelCore
import Synchronization

/// The lane model a store last decoded from its `lane_model` row, so that an estimate read
/// between sweeps (`/api/track`, the customer page, `serve`'s console) does not decode the
/// model's JSON again each time: the row is checked by its `last_seq` and `updated_at` alone, and
/// only a row saved since, or another configuration, is decoded anew.
///
/// A model is remembered when it is decoded and when it is saved. A unit of work that saves and
/// then rolls back leaves a memo of a row the database never held: the next unit finds another
/// `updated_at` there (the time of that save never commits) and decodes the row it does hold.
final class LaneModelMemo: Sendable {
    /// A decoded row: what it was stored with, and the model.
    struct Entry: Sendable {
        let configuration: LaneModel.Configuration
        let lastSeq: Int64
        let updatedAt: Double
        let model: LaneModel
    }

    private let entry = Mutex<Entry?>(nil)

    /// The remembered model when it is the one stored as (`lastSeq`, `updatedAt`) with
    /// `configuration`; nil otherwise.
    func model(configuration: LaneModel.Configuration, lastSeq: Int64, updatedAt: Double) -> LaneModel? {
        entry.withLock { entry in
            guard let entry, entry.configuration == configuration, entry.lastSeq == lastSeq, entry.updatedAt == updatedAt else { return nil }
            return entry.model
        }
    }

    /// Remembers `model` as the row stored (or being stored) as (`lastSeq`, `updatedAt`).
    func remember(_ model: LaneModel, lastSeq: Int64, updatedAt: Double) {
        entry.withLock { $0 = Entry(configuration: model.configuration, lastSeq: lastSeq, updatedAt: updatedAt, model: model) }
    }
}
