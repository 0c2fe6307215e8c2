// swift-tools-version:6.1
import PackageDescription

/// Settings every Parcelwatch target shares: Swift 6 language mode plus the upcoming
/// features the model codebases enable, so dependencies between modules stay explicit.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "parcelwatch",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "parcelwatch", targets: ["parcelwatch"]),
        .executable(name: "carrier-sim", targets: ["carrier-sim"]),
        .library(name: "Curl", targets: ["Curl"]),
        .library(name: "Markup", targets: ["Markup"]),
        .library(name: "ParcelCore", targets: ["ParcelCore"]),
        .library(name: "ParcelStore", targets: ["ParcelStore"]),
        .library(name: "ParcelOps", targets: ["ParcelOps"]),
        .library(name: "CarrierSim", targets: ["CarrierSim"]),
        .library(name: "ParcelServer", targets: ["ParcelServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        // The system ICU, for regular expressions with a match-time limit (NSRegularExpression has
        // none); CICURegex wraps the calls so ICU's headers never meet Foundation's copy of ICU.
        .systemLibrary(
            name: "CICU",
            pkgConfig: "icu-i18n",
            providers: [.apt(["libicu-dev"])]
        ),
        .target(name: "CICURegex", dependencies: ["CICU"]),
        .target(name: "Curl", dependencies: ["CCurl"], swiftSettings: swiftSettings),
        .target(name: "Markup", dependencies: ["CLibXML2"], swiftSettings: swiftSettings),
        // The domain: canonical model, the declarative carriers engine (reads pages through Curl
        // and Markup), incident rules, calendars, policies, notice wording. No database, no server.
        .target(
            name: "ParcelCore",
            dependencies: [
                "Curl", "Markup", "CICURegex",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Notices/Templates")],
            swiftSettings: swiftSettings
        ),
        // Persistence: the store's units of work over SQLite (GRDB) or PostgreSQL (postgres-nio).
        .target(
            name: "ParcelStore",
            dependencies: [
                "ParcelCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Operations: the sweep, incident detection, staff desk, workflow execution, notice
        // delivery (SMTP, webhooks), customer tracking, and the factory that assembles them.
        .target(
            name: "ParcelOps",
            dependencies: [
                "ParcelCore", "ParcelStore", "Curl",
            ],
            swiftSettings: swiftSettings
        ),
        // How servers run and end (no parcels): in-process servers on threads of their own, and a
        // graceful stop instead of a cancellation that traps with connections still queued.
        .target(
            name: "Serving",
            dependencies: [
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CarrierSim",
            dependencies: [
                "ParcelCore", "Serving",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ParcelServer",
            dependencies: [
                "ParcelOps", "ParcelStore", "ParcelCore", "Serving",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
            ],
            resources: [.copy("Templates")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "carrier-sim",
            dependencies: ["CarrierSim", "ParcelCore", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "parcelwatch",
            dependencies: [
                "ParcelServer", "ParcelOps", "ParcelStore", "ParcelCore", "Curl", "Serving",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                "CarrierSim", "ParcelCore", "ParcelStore", "ParcelOps", "Curl",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "CurlTests", dependencies: ["Curl", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "MarkupTests", dependencies: ["Markup"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ParcelKitTests", dependencies: ["ParcelCore", "ParcelStore", "ParcelOps", "CarrierSim", "Curl", "TestSupport"],
            exclude: ["Feeds"], swiftSettings: swiftSettings),
        .testTarget(name: "CarrierSimTests", dependencies: ["CarrierSim", "Serving", "Curl", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ParcelServerTests", dependencies: ["ParcelServer", "ParcelCore", "ParcelStore", "ParcelOps", "Curl", "Markup", "TestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "parcelwatchTests", dependencies: ["CarrierSim", "ParcelCore", "ParcelStore", "ParcelOps", "ParcelServer", "Curl", "TestSupport"],
            swiftSettings: swiftSettings),
    ]
)
