// swift-tools-version:6.1
import PackageDescription

// Parcelwatch's benchmarks (package-benchmark), in a package of their own so `swift test` and CI
// never build them. Run with `make bench` (or `swift package benchmark` in this directory).

/// One suite: `Benchmarks/<name>/`, an executable over the given parcelwatch products.
func suite(_ name: String, _ products: [String]) -> Target {
    .executableTarget(
        name: name,
        dependencies: [.product(name: "Benchmark", package: "benchmark")] + products.map { .product(name: $0, package: "parcelwatch") },
        path: "Benchmarks/\(name)",
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
}

let package = Package(
    name: "parcelwatch-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "parcelwatch", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        suite("ParseBenchmarks", ["ParcelCore", "ParcelStore", "ParcelOps", "Markup", "CarrierSim"]),
        suite("LaneBenchmarks", ["ParcelCore", "CarrierSim"]),
        suite("SweepBenchmarks", ["ParcelCore", "ParcelStore", "ParcelOps", "Curl", "CarrierSim"]),
        suite("StoreBenchmarks", ["ParcelCore", "ParcelStore", "ParcelOps", "Curl", "CarrierSim"]),
    ]
)
