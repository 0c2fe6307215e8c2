import Dispatch
import Foundation
import Synchronization

/// Turns SIGINT and SIGTERM into a flag the sweep checks between shipments, so a stop finishes
/// the work in flight, commits it and exits 0 instead of dying mid-write. A second signal exits
/// at once (status 130).
final class StopSignal: Sendable {
    private final class Flag: Sendable {
        let requested = Atomic<Bool>(false)
    }

    private let flag = Flag()
    private let sources: Mutex<[any DispatchSourceSignal]>

    /// Starts listening.
    init() {
        var installed: [any DispatchSourceSignal] = []
        let flag = self.flag
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if flag.requested.exchange(true, ordering: .relaxed) { exit(130) }
                FileHandle.standardError.write(Data("\nstopping: finishing the shipments in flight (signal again to quit now)\n".utf8))
            }
            source.resume()
            installed.append(source)
        }
        sources = Mutex(installed)
    }

    /// True once a signal arrived.
    var isRequested: Bool { flag.requested.load(ordering: .relaxed) }
}
