import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

/// `parcelwatch import` notes a postcode without letters or digits and refuses what is over its
/// limits; `parcelwatch track --server` cannot use such a postcode as a proof (issue 16,
/// findings 3 and 7).
@Suite struct NoPostcodeCLITests {
    static let header = "order_id,customer_name,email,phone,language,postcode,value,currency,promised_date,paid_at,carrier,tracking_number"
    static let number = "10000000000081"

    static func file() throws -> String {
        let path = try temporaryDirectory("no-postcode-cli") + "/orders.csv"
        let text = [
            header,
            "NP-1,Ona Petraitė,ona@example.lt,,lt,-,20.00,EUR,,,seur,\(number)",
            "NP-2,\(String(repeating: "x", count: 300)),x@example.lt,,lt,LT-01100,20.00,EUR,,,,",
            "NP-3,\"Ona\u{0}Petraitė\",y@example.lt,,lt,LT-01100,20.00,EUR,,,,",
        ].joined(separator: "\n")
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func importNotesTheMissingPostcodeAndRefusesWhatIsOverItsLimits() async throws {
        let file = try Self.file()
        let db = try temporaryDirectory("no-postcode-cli") + "/p.sqlite"
        let dry = try await CLIRun.run(["import", file, "--db", db, "--dry-run"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("would import 1, unchanged 0, rejected 2"), "\(dry.stdout)")
        #expect(dry.stdout.contains("customer_name: 300 characters, the limit is 256"))
        #expect(dry.stdout.contains("customer_name: control character U+0000 at position 4"))
        #expect(dry.stdout.contains("NOTE") && dry.stdout.contains("postcode '-' has no letters or digits: imported as no postcode"))

        let json = try await CLIRun.run(["import", file, "--db", db, "--json", "--max-name-length", "400"])
        let summary = try JSONDecoder().decode(ImportSummary.self, from: Data(json.stdout.utf8))
        #expect(summary.imported == 2 && summary.rejected.map(\.line) == [4], "\(json.stdout)")
        #expect(summary.notes.map(\.line) == [2] && summary.notes.first?.note.hasPrefix("postcode '-' has no letters or digits") == true)

        let tooLarge = try await CLIRun.run(["import", file, "--db", db, "--max-file-size", "100"])
        #expect(tooLarge.status == 2 && tooLarge.stderr.contains("the limit is 100; split the file or raise --max-file-size"), "\(tooLarge.stderr)")
        let tooMany = try await CLIRun.run(["import", file, "--db", db, "--max-rows", "2"])
        #expect(tooMany.status == 2 && tooMany.stderr.contains("orders.csv:4: more than 2 rows"), "\(tooMany.stderr)")
        #expect(try await CLIRun.run(["import", file, "--db", db, "--max-file-size", "lots"]).status == 2)
    }

    @Test func trackThroughTheServerNeedsTheEmailForAnOrderWithoutAPostcode() async throws {
        let db = try temporaryDirectory("no-postcode-cli") + "/p.sqlite"
        #expect(try await CLIRun.run(["import", try Self.file(), "--db", db]).status == 0)
        let server = try CLIRun.start(["serve", "--listen", "127.0.0.1:0", "--db", db, "--now", "2026-11-20T12:00:00Z"])
        defer { server.terminate() }
        let banner = await CustomerServerCLITests.firstLine(of: server)
        let url = try #require(banner.split(separator: " ").first { $0.hasPrefix("http://") }.map(String.init), "serve printed \(banner)")
        for postcode in ["-", ".", " ", "\u{2014}"] {
            let asked = try await CLIRun.run(["track", Self.number, "--postcode", postcode, "--server", url])
            #expect(asked.status == 2 && asked.stderr.contains("a postcode without letters or digits proves nothing"), "'\(postcode)': \(asked.stderr)")
        }
        let empty = try await CLIRun.run(["track", Self.number, "--postcode", "", "--server", url])
        #expect(empty.status == 2 && empty.stderr.contains("--postcode or --email"))
        let byEmail = try await CLIRun.run(["track", Self.number, "--postcode", "-", "--email", "ona@example.lt", "--server", url, "--json"])
        #expect(byEmail.status == 0 && byEmail.stdout.contains(Self.number), "\(byEmail.stderr)")
    }
}
