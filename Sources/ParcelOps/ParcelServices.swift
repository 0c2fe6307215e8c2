import Curl
import Foundation
import ParcelCore
import ParcelStore

/// The objects Parcelwatch works with, assembled in one place from the store, the shop's config
/// and the carriers: the CLI's commands and `serve` both build their sweeper, incident engine,
/// staff desk, customer tracking, notice delivery and workflow execution here, so the two cannot
/// drift apart (one set of notice templates, one carrier-name table, one composer).
public struct ParcelServices: Sendable {
    /// The shop's store.
    public let store: Store
    /// The shop's settings.
    public let config: ShopConfig
    /// The carriers, when the caller loaded them (`serve` without carrier files has none).
    public let registry: CarrierRegistry?
    /// The customer notices' templates shipped with the package.
    public let templates: NoticeTemplates
    /// Writes customer notices in the order's language, naming carriers as their files do.
    public let composer: NoticeComposer

    /// Assembles the services.
    /// - Throws: ``NoticeError`` when the shipped notice templates cannot be loaded.
    public init(store: Store, config: ShopConfig, registry: CarrierRegistry?) throws(NoticeError) {
        self.store = store
        self.config = config
        self.registry = registry
        templates = try NoticeTemplates()
        composer = NoticeComposer(templates: templates, config: config, carrierNames: Self.carrierNames(registry))
    }

    /// Carrier ids to the names customers read (`inpost` → `InPost`).
    public static func carrierNames(_ registry: CarrierRegistry?) -> [String: String] {
        Dictionary((registry?.carriers ?? []).map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
    }

    /// Carrier ids to the countries they deliver in (`inpost` → `PL`): the lanes of estimates.
    public static func carrierCountries(_ registry: CarrierRegistry?) -> [String: String] {
        Dictionary((registry?.carriers ?? []).map { ($0.id, $0.country) }, uniquingKeysWith: { first, _ in first })
    }

    /// Staff's actions on cases, with the carriers for linking replacements.
    public var desk: StaffDesk { StaffDesk(store: store, config: config, registry: registry, templates: templates) }

    /// A customer's view of their parcel, and their reports (which write notices).
    public var tracking: CustomerTracking {
        CustomerTracking(
            store: store, config: config, composer: composer, carrierCountries: Self.carrierCountries(registry), carrierNames: Self.carrierNames(registry))
    }

    /// Notice delivery by the shop's configured channel; `defaultDirectory` is the outbox folder
    /// when none is configured.
    public func deliverer(defaultDirectory: String, client: HTTPClient?) -> NoticeDeliverer {
        NoticeDeliverer(store: store, config: config, defaultDirectory: defaultDirectory, client: client)
    }

    /// Workflow execution against the shop's backend.
    public func actions(client: HTTPClient) -> ActionExecutor {
        ActionExecutor(store: store, config: config, client: client, composer: composer)
    }

    /// A sweep over the carriers: fetch, apply, decide, act and deliver.
    /// - Throws: ``ParcelServicesError/noCarriers`` when the services were assembled without carriers.
    public func sweeper(
        fetcher: CarrierFetcher, clock: ParcelClock, options: SweepOptions, client: HTTPClient, defaultOutbox: String,
        progress: (@Sendable (SweepProgress) -> Void)? = nil, shouldStop: @escaping @Sendable () -> Bool = { false }
    ) throws(ParcelServicesError) -> Sweeper {
        guard let registry else { throw .noCarriers }
        return Sweeper(
            store: store, registry: registry, fetcher: fetcher, clock: clock, options: options,
            incidents: IncidentEngine(store: store, config: config, registry: registry, templates: templates),
            actions: actions(client: client), notices: deliverer(defaultDirectory: defaultOutbox, client: client),
            milestones: composer, originCountry: config.country, reportTimeZone: config.timeZone, progress: progress,
            shouldStop: shouldStop)
    }
}

/// Why ``ParcelServices`` cannot build what was asked for.
public enum ParcelServicesError: Error, Sendable, CustomStringConvertible {
    /// A sweep needs the carriers, and none were loaded.
    case noCarriers

    public var description: String {
        switch self {
        case .noCarriers: "a sweep needs the carrier files; none were loaded"
        }
    }
}
