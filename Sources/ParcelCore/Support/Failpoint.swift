import Foundation

/// Named points where a test has the process killed (`PARCELWATCH_FAILPOINT=NAME`), to prove a
/// crash there loses nothing: SIGKILL, as the OOM killer or a power cut would, with no cleanup.
/// Unset (always, outside tests), a failpoint costs one comparison.
public enum Failpoint {
    private static let armed = ProcessInfo.processInfo.environment["PARCELWATCH_FAILPOINT"]

    /// Kills the process when the failpoint `name` is armed.
    public static func hit(_ name: String) {
        guard armed == name else { return }
        kill(getpid(), SIGKILL)
    }
}
