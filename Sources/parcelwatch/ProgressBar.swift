import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import Synchronization

/// A one-line progress bar on standard error (done/total, rate, errors), drawn only on a
/// terminal and at most ten times a second.
final class ProgressBar: Sendable {
    private let enabled: Bool
    private let lastDraw = Mutex<Double>(0)

    init() {
        enabled = isatty(STDERR_FILENO) == 1
    }

    /// Draws `progress` (skipped when the last draw was under 100 ms ago, unless finished).
    func update(_ progress: SweepProgress) {
        guard enabled else { return }
        let finished = progress.done >= progress.total
        let draw = lastDraw.withLock { last -> Bool in
            guard finished || progress.elapsed - last >= 0.1 else { return false }
            last = progress.elapsed
            return true
        }
        guard draw else { return }
        let width = 30
        let fraction = progress.total > 0 ? min(1, Double(progress.done) / Double(progress.total)) : 1
        let filled = Int(fraction * Double(width))
        let rate = progress.elapsed > 0 ? Double(progress.done) / progress.elapsed : 0
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let errors = progress.errors > 0 ? Terminal.paint("  errors \(progress.errors)", "31") : ""
        FileHandle.standardError.write(Data(String(format: "\r%@ %d/%d  %.1f/s%@\u{1B}[K", bar, progress.done, progress.total, rate, errors).utf8))
    }

    /// Clears the line.
    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
