import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport

/// The `parcelwatch` executable this test run built, which the CLI tests run.
///
/// SwiftPM puts it beside the test executable (`.build/<triple>/debug/parcelwatchPackageTests.xctest`
/// on Linux; on macOS the `.xctest` bundle sits there), in whatever build directory `swift test`
/// used: `-c release`, `--build-path`, `--scratch-path` included. Never a fixed
/// `.build/debug/parcelwatch`, which another configuration's run can leave stale. It must be
/// there and newer than every source file it is built from, else the tests stop with a message
/// saying how to build it.
enum ParcelwatchBinary {
    /// Why the binary cannot be used.
    struct Problem: Error, Equatable, CustomStringConvertible {
        var description: String
    }

    /// Source folders the binary is not built from (their changes never relink it).
    static let unlinkedTargets: Set<String> = ["CarrierSim", "carrier-sim"]

    /// The checked path, found and checked once per test run.
    static func path() throws(Problem) -> String {
        try checked.get()
    }

    private static let checked: Result<String, Problem> = Result { () throws(Problem) in
        try check(binary: productsDirectory() + "/parcelwatch", sources: PackagePaths.root + "/Sources")
    }

    /// The build products directory of this test run: the one holding the test bundle.
    static func productsDirectory() throws(Problem) -> String {
        // macOS: xctest loads `parcelwatchPackageTests.xctest` as a bundle.
        if let bundle = Bundle.allBundles.first(where: { $0.bundlePath.hasSuffix(".xctest") }) {
            return URL(fileURLWithPath: bundle.bundlePath).resolvingSymlinksInPath().deletingLastPathComponent().path
        }
        // Linux: the `.xctest` is itself the executable `swift test` started.
        guard let executable = Bundle.main.executableURL ?? CommandLine.arguments.first.map({ URL(fileURLWithPath: $0) }) else {
            throw Problem(description: "cannot tell where the test executable is, so not where its parcelwatch binary is")
        }
        return executable.resolvingSymlinksInPath().deletingLastPathComponent().path
    }

    /// `binary` when it exists and is no older than the newest `.swift`, `.h` or `.modulemap`
    /// file under `sources` (folders in ``unlinkedTargets`` aside).
    static func check(binary: String, sources: String) throws(Problem) -> String {
        let files = FileManager.default
        guard let built = (try? files.attributesOfItem(atPath: binary))?[.modificationDate] as? Date, files.isExecutableFile(atPath: binary) else {
            throw Problem(
                description: "no parcelwatch binary at \(binary), beside this test run's bundle: build it first "
                    + "(`swift build --build-tests` before `swift test --skip-build`, with the same -c/--build-path)")
        }
        guard let walker = files.enumerator(atPath: sources) else {
            throw Problem(description: "cannot list the sources in \(sources) to check \(binary) is up to date")
        }
        var newest: (path: String, date: Date)?
        while let relative = walker.nextObject() as? String {
            if let target = relative.split(separator: "/").first, unlinkedTargets.contains(String(target)) { continue }
            guard [".swift", ".h", ".modulemap"].contains(where: relative.hasSuffix) else { continue }
            let path = sources + "/" + relative
            guard let changed = (try? files.attributesOfItem(atPath: path))?[.modificationDate] as? Date else { continue }
            if changed > newest?.date ?? .distantPast { newest = (path, changed) }
        }
        if let newest, newest.date > built {
            throw Problem(
                description: "the parcelwatch binary at \(binary) (built \(ISOTime.utc(built))) is older than \(newest.path) "
                    + "(changed \(ISOTime.utc(newest.date))): the tests would run stale code; build again "
                    + "(`swift build --build-tests`, or `swift test` without --skip-build)")
        }
        return binary
    }
}
