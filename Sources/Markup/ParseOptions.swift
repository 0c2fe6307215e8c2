/// Limits for parsing untrusted carrier pages.
public struct ParseOptions: Sendable {
    /// Documents larger than this are refused before parsing.
    public var maxBytes: Int
    /// At most this many parser messages are kept in ``Document/diagnostics``.
    public var maxDiagnostics: Int

    /// The defaults: 8 MiB, 20 messages.
    public init(maxBytes: Int = 8 * 1024 * 1024, maxDiagnostics: Int = 20) {
        self.maxBytes = maxBytes
        self.maxDiagnostics = maxDiagnostics
    }
}
