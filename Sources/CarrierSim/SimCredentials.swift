import Foundation
import ParcelCore

/// The credentials the simulator accepts: for a credential named `NAME` (the environment variable
/// a carrier file's `auth:` names), exactly ``value(_:)`` of it. Anything else is wrong, so a
/// client that sends the wrong variable, or none, is refused as the real carrier would refuse it.
///
/// Tests and the demo export ``environment(for:)`` before they ask the simulator.
public enum SimCredentials {
    /// The accepted value of credential `name`: `sim-` and the name in lower case with `-` for `_`
    /// (`UPS_CLIENT_SECRET` → `sim-ups-client-secret`).
    public static func value(_ name: String) -> String {
        "sim-" + name.lowercased().replacingOccurrences(of: "_", with: "-")
    }

    /// Every credential every source of every carrier in `registry` needs (its `auth:`, its
    /// request's `credentials`, account inputs such as `OMNIVA_CLIENT`), each with its accepted
    /// value: an environment for `CarrierCredentials(environment:)` or a child process.
    public static func environment(for registry: CarrierRegistry) -> [String: String] {
        var environment: [String: String] = [:]
        for carrier in registry.carriers {
            for source in carrier.sources {
                for name in source.requiredCredentials(carrier: carrier.id) { environment[name] = value(name) }
            }
        }
        return environment
    }
}
