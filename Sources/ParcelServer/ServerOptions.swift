import Foundation
import ParcelKit

/// What `parcelwatch serve` runs with.
public struct ServerOptions: Sendable {
    /// The address to listen on (`127.0.0.1`), and the port (0 picks a free one).
    public var host: String
    public var port: Int
    /// The shop's settings (languages, time zone, contact).
    public var config: ShopConfig
    /// The clock (`--now` in tests and the demo).
    public var clock: ParcelClock
    /// Carrier ids to the names customers know (`seur` → `SEUR`).
    public var carrierNames: [String: String] = [:]
    /// Per-client limits of the customer API and page.
    var limits = ClientLimiter.Policy()

    /// Options for a server on `host:port`.
    public init(host: String = "127.0.0.1", port: Int = 8080, config: ShopConfig = .defaults, clock: ParcelClock = .system) {
        self.host = host
        self.port = port
        self.config = config
        self.clock = clock
    }

    /// Shortens the miss delays and refills (tests run many misses in a second).
    public mutating func useFastLimits(burst: Double = 10, perSecond: Double = 0.5, delayBase: Duration = .milliseconds(20)) {
        limits.burst = burst
        limits.perSecond = perSecond
        limits.delayBase = delayBase
    }
}
