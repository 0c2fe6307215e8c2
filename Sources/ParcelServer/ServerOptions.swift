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
    /// Where the staff console's Lanes page (`GET /staff/lanes`) gets the delivery history: called
    /// with the clock's now for every request of the page, it returns the shop's lane model and the
    /// deliveries since at least ``LanesView/chartStart(now:)`` (see ``LanesView``). An error it
    /// throws is shown on the page (500) with its description. Nil (the default): the page says that
    /// no delivery history is available yet.
    public var lanesSource: (@Sendable (Date) async throws -> LanesView)?
    /// Where the customer page `/track` gets a parcel's delivery estimate: called with the parcel
    /// the customer proved is theirs and the clock's now, it returns
    /// ``LaneModel/estimate(for:now:)`` for it, or nil when there is none (delivered, returned,
    /// no lane, no promise). The page then shows the window and where it comes from in the
    /// customer's language. An error it throws leaves the estimate off the page and the rest of it
    /// as it is: a customer is never refused their parcel for want of an estimate. Nil (the
    /// default): no estimates on the page.
    public var estimateSource: (@Sendable (CustomerParcel, Date) async throws -> DeliveryEstimate?)?
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
