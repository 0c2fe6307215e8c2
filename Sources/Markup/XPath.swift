internal import CLibXML2

#if canImport(Glibc)
import Glibc
#endif

/// A compiled XPath expression. Compile once per carrier definition and parse, then evaluate
/// against every event node: compiling per field per event costs more than the parse.
public final class XPath {
    /// The source text, for error messages.
    public let expression: String
    let compiled: xmlXPathCompExprPtr
    /// For a plain relative child path (`./Status/StatusType/Code`, `Date`): its element names,
    /// NUL-terminated, walked directly instead of through libxml2's evaluator, which allocates
    /// a context result and a node set per call and dominated event extraction.
    let childSteps: [UnsafeMutablePointer<CChar>]?

    /// Compiles `expression`; an invalid expression is an error, never a crash.
    public init(_ expression: String) throws(MarkupError) {
        let collector = DiagnosticCollector(limit: 1)
        guard let compiled = collector.collecting({ xmlXPathCompile(expression) }) else {
            throw .invalidXPath(expression)
        }
        self.expression = expression
        self.compiled = compiled
        self.childSteps = Self.childSteps(of: expression)?.compactMap { strdup($0) }
    }

    /// The names of `./a/b/c` or `a/b/c` when every step is an unprefixed element name.
    private static func childSteps(of expression: String) -> [String]? {
        var path = Substring(expression)
        if path.hasPrefix("./") { path = path.dropFirst(2) }
        let steps = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !steps.isEmpty else { return nil }
        for step in steps {
            guard let first = step.unicodeScalars.first, first.properties.isAlphabetic || first == "_",
                step.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" || $0 == ".") }
                )
            else { return nil }
        }
        return steps.map(String.init)
    }

    /// The first element in document order that the child path selects below `node`.
    func firstChild(of node: xmlNodePtr, steps: [UnsafeMutablePointer<CChar>], depth: Int = 0) -> xmlNodePtr? {
        guard depth < steps.count else { return node }
        let step = steps[depth]
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE, current.pointee.ns == nil, let name = current.pointee.name,
                strcmp(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self), step) == 0,
                let found = firstChild(of: current, steps: steps, depth: depth + 1)
            {
                return found
            }
            child = current.pointee.next
        }
        return nil
    }

    deinit {
        xmlXPathFreeCompExpr(compiled)
        for step in childSteps ?? [] { free(step) }
    }
}

@available(*, unavailable, message: "compiled expressions are used by one task at a time")
extension XPath: Sendable {}
