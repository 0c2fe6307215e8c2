import Yams

/// A cursor into a carrier file's YAML that knows its file, key path and line, so every load
/// error says where to look ("carriers/seur.yaml:14: statuses[2].status: …").
struct YAMLField {
    let file: String
    let path: String
    let node: Node?

    var line: Int { node?.mark?.line ?? 1 }

    func error(_ message: String) -> CarrierFileError {
        CarrierFileError(file: file, line: line, key: path, message: message)
    }

    /// The value at `key` of this mapping (a missing key gives a field with no node).
    func callAsFunction(_ key: String) -> YAMLField {
        let child = node?.mapping?.first { $0.key.string == key }?.value
        return YAMLField(file: file, path: path.isEmpty ? key : "\(path).\(key)", node: child)
    }

    var exists: Bool {
        guard let node else { return false }
        if case .scalar(let scalar) = node, scalar.string.isEmpty || scalar.string == "~" || scalar.string == "null" { return false }
        return true
    }

    /// Fails on keys this mapping does not allow: a typo must not be silently ignored.
    func allowOnly(_ keys: Set<String>) throws(CarrierFileError) {
        guard let node else { return }
        guard let mapping = node.mapping else { throw error("expected a mapping") }
        for (key, value) in mapping {
            let name = key.string ?? "?"
            if !keys.contains(name) {
                let known = keys.sorted().joined(separator: ", ")
                // The key's own line: a nested value starts on the next one.
                throw CarrierFileError(
                    file: file, line: key.mark?.line ?? value.mark?.line ?? line, key: path.isEmpty ? name : "\(path).\(name)",
                    message: "unknown key (known: \(known))")
            }
        }
    }

    func string() throws(CarrierFileError) -> String {
        guard let node else { throw error("is required") }
        guard case .scalar(let scalar) = node else { throw error("expected text") }
        return scalar.string
    }

    func optionalString() throws(CarrierFileError) -> String? {
        exists ? try string() : nil
    }

    func int() throws(CarrierFileError) -> Int {
        guard let value = Int(try string()) else { throw error("expected a whole number") }
        return value
    }

    /// A scalar or a list of scalars (the engine's "path or list of paths").
    func strings() throws(CarrierFileError) -> [String] {
        guard let node else { return [] }
        if case .scalar = node { return exists ? [try string()] : [] }
        guard let sequence = node.sequence else { throw error("expected text or a list of text") }
        return try items(sequence).map { (item) throws(CarrierFileError) in try item.string() }
    }

    func list() throws(CarrierFileError) -> [YAMLField] {
        guard let node else { return [] }
        guard let sequence = node.sequence else { throw error("expected a list") }
        return items(sequence)
    }

    private func items(_ sequence: Node.Sequence) -> [YAMLField] {
        sequence.enumerated().map { YAMLField(file: file, path: "\(path)[\($0.offset)]", node: $0.element) }
    }

    /// The key/value pairs of a mapping, in file order.
    func pairs() throws(CarrierFileError) -> [(String, YAMLField)] {
        guard let node else { return [] }
        guard let mapping = node.mapping else { throw error("expected a mapping") }
        return mapping.map { ($0.key.string ?? "", YAMLField(file: file, path: "\(path).\($0.key.string ?? "")", node: $0.value)) }
    }
}

/// A carrier file that cannot be used, with the file, line and key to fix.
public struct CarrierFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file's path.
    public var file: String
    /// 1-based line of the offending value.
    public var line: Int
    /// Dotted key path (`statuses[3].reason`).
    public var key: String
    /// What is wrong.
    public var message: String

    /// `carriers/seur.yaml:14: statuses[2].status: unknown status 'deliverd'`.
    public var description: String {
        "\(file):\(line): \(key.isEmpty ? "" : key + ": ")\(message)"
    }
}
