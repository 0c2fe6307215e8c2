import Foundation

/// Joins one-parcel JSON answers into the one answer a batch API gives: the arrays reached by
/// the batch `parcels` path (`$.parcels[*]` → each document's `parcels` array) are concatenated
/// into the first document, whose other members stay as they are.
enum BatchMerge {
    /// Why answers could not be merged, in words for the simulator's 501 answer.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The member names from the root to the parcels array of a path of the form
    /// `$.a.b[*]` (or `$[*]` for a root array); nil for any other form.
    static func arrayPath(_ parcels: String) -> [String]? {
        guard parcels.hasPrefix("$"), parcels.hasSuffix("[*]") else { return nil }
        let inner = parcels.dropFirst().dropLast(3)
        if inner.isEmpty { return [] }
        guard inner.hasPrefix(".") else { return nil }
        let names = inner.dropFirst().split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard names.allSatisfy({ !$0.isEmpty && !$0.contains("[") && !$0.contains("*") && !$0.contains("@") }) else { return nil }
        return names
    }

    /// The merged document's bytes.
    /// - Throws: ``Failure`` when `parcels` is not a `$.name[*]` path or a document is not JSON
    ///   with an array (or one object) there.
    static func merge(_ documents: [[UInt8]], parcels: String) throws(Failure) -> [UInt8] {
        guard let path = arrayPath(parcels) else {
            throw Failure(description: "batch parcels path \(parcels) is not of the form $.name[*]; only such paths are simulated")
        }
        guard !documents.isEmpty else { throw Failure(description: "no fixture to merge") }
        var merged: [Any] = []
        var first: Any?
        for (index, bytes) in documents.enumerated() {
            guard let document = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) else {
                throw Failure(description: "fixture \(index + 1) of the batch is not JSON")
            }
            if first == nil { first = document }
            guard let found = value(at: path, in: document) else {
                throw Failure(description: "fixture \(index + 1) of the batch has nothing at \(parcels)")
            }
            if let array = found as? [Any] { merged += array } else { merged.append(found) }
        }
        guard let first, let document = replacing(at: path, in: first, with: merged),
            let data = try? JSONSerialization.data(withJSONObject: document, options: [.withoutEscapingSlashes])
        else {
            throw Failure(description: "the merged batch answer could not be written")
        }
        return [UInt8](data)
    }

    private static func value(at path: [String], in document: Any) -> Any? {
        var node: Any = document
        for name in path {
            guard let object = node as? [String: Any], let next = object[name] else { return nil }
            node = next
        }
        return node
    }

    private static func replacing(at path: [String], in document: Any, with array: [Any]) -> Any? {
        guard let name = path.first else { return array }
        guard var object = document as? [String: Any], let child = object[name],
            let replaced = replacing(at: Array(path.dropFirst()), in: child, with: array)
        else { return nil }
        object[name] = replaced
        return object
    }
}
