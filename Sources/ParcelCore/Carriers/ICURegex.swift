internal import CICURegex
import Foundation

/// One regular expression compiled by the system's ICU through its C API, which, unlike
/// `NSRegularExpression` (the same engine), can bound how long a match may run.
///
/// Owns the compiled expression and frees it when released. ICU's expression holds the text it
/// matches, so one match runs on it at a time: a match that finds it busy (another task of a
/// sweep) matches on a clone, as Foundation's own wrapper does.
final class ICURegex: @unchecked Sendable {
    /// How a search ended.
    enum Outcome: Equatable {
        /// A match; the UTF-16 range of the asked-for group when it took part.
        case found(group: Range<Int>?)
        case notFound
        /// The engine ran past the time limit: the pattern backtracks catastrophically here.
        case timedOut
        /// ICU could not run the search (out of memory for a copy or its backtracking stack).
        case failed
    }

    private let compiled: OpaquePointer
    private let lock = NSLock()
    private var busy = false

    /// Compiles `pattern` with ICU's default flags (those `NSRegularExpression` uses).
    /// - Throws: ICU's error name and the offset of the problem in the pattern.
    init(_ pattern: String) throws(TextPatternError) {
        let units = Array(pattern.utf16)
        var name = [CChar](repeating: 0, count: 64)
        var offset: Int32 = -1
        let opened = units.withUnsafeBufferPointer { buffer in
            pw_regex_open(buffer.baseAddress, Int32(buffer.count), &name, Int32(name.count), &offset)
        }
        guard let opened else {
            let reason = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw TextPatternError(pattern: pattern, reason: offset >= 0 ? "\(reason) at offset \(offset)" : reason)
        }
        compiled = opened
        groupCount = Int(pw_regex_group_count(opened))
    }

    deinit { pw_regex_close(compiled) }

    /// The number of capture groups.
    let groupCount: Int

    /// The first match in `text`, giving up after `timeLimit` steps of ICU's engine (each about
    /// 10,000 backtracking steps, roughly a millisecond).
    func firstMatch(in text: String, timeLimit: Int32, group: Int = 0) -> Outcome {
        let regex = checkOut()
        defer { checkIn(regex) }
        guard let regex else { return .failed }
        let units = Array(text.utf16)
        var start: Int32 = -1
        var end: Int32 = -1
        let outcome = units.withUnsafeBufferPointer { buffer in
            pw_regex_find(regex, buffer.baseAddress, Int32(buffer.count), timeLimit, Int32(group), &start, &end)
        }
        switch outcome {
        case PW_REGEX_FOUND: return .found(group: start >= 0 && end >= start ? Int(start)..<Int(end) : nil)
        case PW_REGEX_NOT_FOUND: return .notFound
        case PW_REGEX_TIMED_OUT: return .timedOut
        default: return .failed
        }
    }

    /// The compiled expression when free, else a clone of it (nil only when ICU cannot copy it).
    private func checkOut() -> OpaquePointer? {
        lock.lock()
        defer { lock.unlock() }
        if !busy {
            busy = true
            return compiled
        }
        return pw_regex_clone(compiled)
    }

    private func checkIn(_ regex: OpaquePointer?) {
        guard let regex else { return }
        if regex == compiled {
            lock.lock()
            busy = false
            lock.unlock()
        } else {
            pw_regex_close(regex)
        }
    }
}
