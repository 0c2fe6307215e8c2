internal import CLibXML2

/// Catches libxml2's structured errors during one parse instead of letting them print.
///
/// libxml2 keeps the structured error handler per thread, and a parse runs start to finish on
/// the calling thread, so installing the handler around the call is enough.
final class DiagnosticCollector {
    private(set) var messages: [String] = []
    private let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// Runs `body` with this collector receiving libxml2's errors, then restores silence.
    func collecting<T>(_ body: () -> T) -> T {
        let opaque = Unmanaged.passUnretained(self).toOpaque()
        xmlSetStructuredErrorFunc(opaque) { userData, error in
            guard let userData, let error else { return }
            let collector = Unmanaged<DiagnosticCollector>.fromOpaque(userData).takeUnretainedValue()
            collector.record(error)
        }
        defer { xmlSetStructuredErrorFunc(nil) { _, _ in } }
        return body()
    }

    private func record(_ error: UnsafePointer<xmlError>) {
        guard messages.count < limit, let message = error.pointee.message else { return }
        let text = Text.normalized(String(cString: message))
        messages.append("line \(error.pointee.line): \(text)")
    }
}
