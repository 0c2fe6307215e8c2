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
        .library(name: "ParcelKit", targets: ["ParcelKit"]),
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
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
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
        .target(name: "Curl", dependencies: ["CCurl"], swiftSettings: swiftSettings),
        .target(name: "Markup", dependencies: ["CLibXML2"], swiftSettings: swiftSettings),
        .target(
            name: "ParcelKit",
            dependencies: [
                "Curl", "Markup",
                .product(name: "Yams", package: "Yams"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Notices/Templates")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CarrierSim",
            dependencies: [
                "ParcelKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ParcelServer",
            dependencies: [
                "ParcelKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            resources: [.copy("Templates")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "carrier-sim",
            dependencies: ["CarrierSim", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "parcelwatch",
            dependencies: ["ParcelKit", "ParcelServer", "Curl", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                "CarrierSim", "ParcelKit", "Curl",
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
            name: "ParcelKitTests", dependencies: ["ParcelKit", "CarrierSim", "Curl", "TestSupport"],
            exclude: ["Feeds"], swiftSettings: swiftSettings),
        .testTarget(name: "CarrierSimTests", dependencies: ["CarrierSim", "Curl", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "ParcelServerTests", dependencies: ["ParcelServer", "ParcelKit", "Curl", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "parcelwatchTests", dependencies: ["CarrierSim", "ParcelKit", "ParcelServer", "Curl", "TestSupport"], swiftSettings: swiftSettings),
    ]
)
