import ArgumentParser
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `parcelwatch`: watch parcels so the shop speaks first.
@main
struct Parcelwatch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parcelwatch",
        abstract: "Track parcels across carriers and turn what carriers say into one canonical history.",
        discussion: """
            Carrier files are read from --carriers DIR, then $PARCELWATCH_CARRIERS, then ./carriers, then the installed copy.
            Examples:
              parcelwatch detect RR123456785PL
              parcelwatch parse --carrier seur saved-page.html --json
              parcelwatch track 12345678901234 --carrier seur --carrier-endpoint seur=http://127.0.0.1:8080
              parcelwatch import orders.csv && parcelwatch sweep && parcelwatch shipments
              parcelwatch incidents --overdue                      (the staff queue)
              parcelwatch incident show 12
              parcelwatch track 08215690051372 --postcode 28045    (a customer's own parcel, in their language)
              parcelwatch lanes import history.jsonl && parcelwatch lanes backtest   (delivery estimates from the shop's history)
            The database is --db PATH, else $PARCELWATCH_DB, else ./parcelwatch.sqlite; the clock is --now, else $PARCELWATCH_NOW.
            Exit codes: 0 success, 1 the carrier said "unknown number" or nothing matched, 2 bad input/usage, 3 carrier unreachable or broken,
            4 the database cannot be used.
            """,
        subcommands: [
            CarriersCommand.self, DetectCommand.self, ParseCommand.self, TrackCommand.self,
            ImportCommand.self, AddCommand.self, SweepCommand.self, ShipmentsCommand.self, OrdersCommand.self,
            IncidentsCommand.self, IncidentCommand.self, FindCommand.self, StaffCommand.self, AuditCommand.self,
            ReportProblemCommand.self, NoticesCommand.self, CustomerCommand.self, PurgeCommand.self, ServeCommand.self, TokenCommand.self, ReportCommand.self,
            LanesCommand.self,
        ])

    /// Starts the command after asking glibc to grow the heap in 32 MiB steps: a big carrier page
    /// makes libxml2 allocate tens of MiB in small blocks, and the default 128 KiB steps cost one
    /// `mprotect` (with its page-table work) each, about a tenth of a 5,000-event parse.
    static func main() async {
        #if canImport(Glibc)
        // mallopt is glibc's (malloc.h is not in Swift's Glibc module); M_TOP_PAD is -2.
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") {
            typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
            _ = unsafeBitCast(symbol, to: MallOpt.self)(-2, 32 << 20)
        }
        #endif
        var command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            // Usage mistakes exit 2 like every other bad input (ArgumentParser's own code is 64).
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
        do {
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            // A value found wrong while running (the arguments parsed): the sentence, not the
            // root command's usage line.
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data("error: \(message(for: error))\n".utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
