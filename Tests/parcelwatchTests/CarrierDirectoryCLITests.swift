import Foundation
import TestSupport
import Testing

/// Where the binary looks for its carrier files when it is not told: started as `./parcelwatch`
/// from a directory without them it says what to do (it trapped in Foundation's path code, whose
/// parent of a bare name is an empty path), and an installed copy finds `share/parcelwatch/carriers`
/// beside its `bin`, through a symbolic link too.
@Suite struct CarrierDirectoryCLITests {
    /// Runs `./parcelwatch arguments` with `directory` as the working directory and no carrier settings.
    static func run(_ executable: String, _ arguments: [String], in directory: String) async throws -> CLIRun {
        try await CLIRun.run(arguments, executable: directory + "/" + executable, directory: directory)
    }

    /// The binary at `path` as a file of its own (a hard link, which path resolution does not
    /// follow as it does a symbolic one), copied only where the two paths are on different disks:
    /// copying 150 MB twice slowed the tests running beside these.
    static func place(_ binary: String, at path: String) throws {
        do { try FileManager.default.linkItem(atPath: binary, toPath: path) } catch {
            try FileManager.default.copyItem(atPath: binary, toPath: path)
        }
    }

    @Test func aBareRelativeNameWithoutCarrierFilesIsAnErrorNotACrash() async throws {
        let directory = try temporaryDirectory("carriers-bare")
        try Self.place(try ParcelwatchBinary.path(), at: directory + "/parcelwatch")
        let result = try await Self.run("parcelwatch", ["carriers", "list"], in: directory)
        #expect(result.status == 2 || result.status == 1, "\(result.status): \(result.stderr)")
        #expect(result.stderr.contains("no carrier files found: pass --carriers DIR or set PARCELWATCH_CARRIERS"), "\(result.stderr)")
        #expect(!result.stderr.contains("crashed"))
    }

    @Test func anInstalledCopyFindsItsSharedCarriersThroughASymlink() async throws {
        let prefix = try temporaryDirectory("carriers-installed")
        let manager = FileManager.default
        try manager.createDirectory(atPath: prefix + "/bin", withIntermediateDirectories: true)
        try manager.createDirectory(atPath: prefix + "/share/parcelwatch", withIntermediateDirectories: true)
        try Self.place(try ParcelwatchBinary.path(), at: prefix + "/bin/parcelwatch")
        try manager.copyItem(atPath: PackagePaths.root + "/carriers", toPath: prefix + "/share/parcelwatch/carriers")
        // Started through a link in another directory, as /usr/local/bin links often are.
        let elsewhere = try temporaryDirectory("carriers-link")
        try manager.createSymbolicLink(atPath: elsewhere + "/pw", withDestinationPath: prefix + "/bin/parcelwatch")
        let result = try await Self.run("pw", ["carriers", "list", "--json"], in: elsewhere)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"seur\"") && result.stdout.contains("\"inpost\""), "\(result.stdout.prefix(300))")
    }
}
