import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

/// A typo in `parcelwatch.yaml` stops the command before it does anything, with the line.
@Suite struct ConfigCLITests {
    @Test(arguments: [
        ("shop:\n  name: Nowak\n  timezon: Europe/Warsaw\n", ":3: shop.timezon: unknown key (known: contact, country, name, quiet_hours, timezone)"),
        (
            "workflows:\n  rules:\n    - kinds: [lost]\n      acton: refund\n",
            ":4: workflows.rules[0].acton: unknown key (known: action, auto_below, kinds, otherwise, propose, reshippable)"
        ),
        (
            "notices: { chanel: smtp }\n",
            ":1: notices.chanel: unknown key (known: channel, directory, password_env, password_file, require_tls, secret_env, url, username_env)"
        ),
    ])
    func theSweepStopsOnATypoWithItsLineAndKey(yaml: String, says: String) async throws {
        let directory = try temporaryDirectory("config-cli")
        let config = directory + "/parcelwatch.yaml"
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: config))
        let run = try await CLIRun.run(["sweep", "--db", directory + "/p.sqlite", "--config", config, "--now", "2026-11-20T12:00:00Z"])
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr == "error: \(config)\(says)\n")
        #expect(!FileManager.default.fileExists(atPath: directory + "/p.sqlite"), "the store was opened before the config was read")
    }
}
