// swift-tools-version:6.1
import PackageDescription

// Parcelwatch's benchmarks (package-benchmark), in a package of their own so `swift test` and CI
// never build them. Run with `make bench` (or `swift package benchmark` in this directory).
let package = Package(
    name: "parcelwatch-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "parcelwatch", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "ParseBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ParcelCore", package: "parcelwatch"),
                .product(name: "ParcelStore", package: "parcelwatch"),
                .product(name: "ParcelOps", package: "parcelwatch"),
                .product(name: "Markup", package: "parcelwatch"),
                .product(name: "CarrierSim", package: "parcelwatch"),
            ],
            path: "Benchmarks/ParseBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "SweepBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ParcelCore", package: "parcelwatch"),
                .product(name: "ParcelStore", package: "parcelwatch"),
                .product(name: "ParcelOps", package: "parcelwatch"),
                .product(name: "Curl", package: "parcelwatch"),
                .product(name: "CarrierSim", package: "parcelwatch"),
            ],
            path: "Benchmarks/SweepBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "StoreBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ParcelCore", package: "parcelwatch"),
                .product(name: "ParcelStore", package: "parcelwatch"),
                .product(name: "ParcelOps", package: "parcelwatch"),
                .product(name: "Curl", package: "parcelwatch"),
                .product(name: "CarrierSim", package: "parcelwatch"),
            ],
            path: "Benchmarks/StoreBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
