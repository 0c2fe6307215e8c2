import Foundation
import ParcelCore
import ParcelOps
import ParcelStore

/// What `parcelwatch serve` runs with.
public struct ServerOptions: Sendable {
    /// The address to listen on (`127.0.0.1`), and the port (0 picks a free one).
    public var host: String
    public var port: Int
    /// The shop's settings (languages, time zone, contact).
    public var config: ShopConfig
    /// The clock (`--now` in tests and the demo).
    public var clock: ParcelClock
    /// The carriers, for validating orders sent to the shop API (numbers, check digits).
    public var registry: CarrierRegistry?
    /// Carrier ids to the names customers know (`seur` → `SEUR`).
    public var carrierNames: [String: String] {
        ParcelServices.carrierNames(registry)
    }
    /// Per-client limits of the customer API and page.
    var limits = ClientLimiter.Policy()
    /// Connection caps and timeouts (`--header-timeout`, `--idle-timeout`, `--max-connections…`).
    public var connections = ConnectionLimits()
    /// True when clients reach the server over TLS (a terminating proxy in front): the staff
    /// console's session cookie is then marked `Secure`, so browsers never send it over plain HTTP.
    public var secureCookies = false
    /// The bcrypt cost of staff console passwords (`parcelwatch staff passwd` uses 12). A sign-in
    /// with an unknown name is checked against a stand-in hash of this cost, so it takes as long
    /// as a wrong password; tests that hash with a lower cost lower this too.
    public var staffPasswordCost: UInt8 = 12
    /// The bearer token `/metrics` requires (`serve --metrics-token-env NAME` reads it from the
    /// environment); nil: `/metrics` answers loopback clients only.
    public var metricsToken: String?
    /// The password-check threads (nil: ``PasswordCheckPool/threadCount(cores:)`` for this
    /// machine) and how many checks may wait for them (nil: 8 per thread).
    var passwordThreads: Int?
    var passwordQueue: Int?
    /// The sign-in back-off and the clock it runs on (a manual clock in tests).
    var signInPolicy = SignInThrottle.Policy()
    var signInClock: any RateClock = SystemRateClock()

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
