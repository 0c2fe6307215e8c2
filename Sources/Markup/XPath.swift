import CLibXML2

/// A compiled XPath expression. Compile once per carrier definition and parse, then evaluate
/// against every event node: compiling per field per event costs more than the parse.
public final class XPath {
    /// The source text, for error messages.
    public let expression: String
    let compiled: xmlXPathCompExprPtr

    /// Compiles `expression`; an invalid expression is an error, never a crash.
    public init(_ expression: String) throws(MarkupError) {
        let collector = DiagnosticCollector(limit: 1)
        guard let compiled = collector.collecting({ xmlXPathCompile(expression) }) else {
            throw .invalidXPath(expression)
        }
        self.expression = expression
        self.compiled = compiled
    }

    deinit {
        xmlXPathFreeCompExpr(compiled)
    }
}

@available(*, unavailable, message: "compiled expressions are used by one task at a time")
extension XPath: Sendable {}
