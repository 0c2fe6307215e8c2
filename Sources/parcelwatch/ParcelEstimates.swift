import Foundation
import ParcelCore
import ParcelOps
import ParcelStore

/// The estimator the listing commands (`shipments`, `incident show`) show estimates with: the
/// stored lane model, the shop's country and, where carrier files are found, the carriers'
/// countries and names (as `serve` and `track` have them; without files, the shop's country and
/// the carrier ids).
enum ParcelEstimates {
    /// Loads the model (folded in memory from a read-only store) and the carriers.
    static func estimator(_ database: Store, config: ShopConfig, carriersDirectory: String? = nil) async throws -> ParcelEstimator {
        var registry: CarrierRegistry?
        if let directory = CarrierRegistry.locate(explicit: carriersDirectory) {
            do { registry = try CarrierRegistry.load(directory: directory) } catch { throw fail(.carrierFile(error.description)) }
        }
        let configuration = config.estimates.modelConfiguration
        let model: LaneModel
        do { model = try await database.read { try $0.lanes.model(configuration: configuration) } } catch { throw fail(.store(error)) }
        return ParcelEstimator(
            model: model, originCountry: config.country, carrierCountries: ParcelServices.carrierCountries(registry),
            carrierNames: ParcelServices.carrierNames(registry))
    }
}
