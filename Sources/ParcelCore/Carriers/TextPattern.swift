import Foundation

/// A regular expression from a carrier file, compiled once when the file is loaded.
///
/// ICU's engine compiles a typical status rule in a few µs where Swift's `Regex` took ~225 µs,
/// and the CLI compiles every rule of a carrier before parsing one page. It is called through
/// ICU's C API (``ICURegex``) rather than `NSRegularExpression`, the same engine, because only
/// the C API bounds a match's time: a rule that backtracks catastrophically (`^(a+)+$`) throws
/// ``TextPatternMatchError`` after a few milliseconds instead of costing seconds per event.
/// A pattern with no metacharacters (most status codes: `D`, `I535`) is compared as plain text.
public struct TextPattern: Sendable, CustomStringConvertible {
    /// The pattern as written in the carrier file.
    public let source: String
    /// The carrier file the pattern is written in, for messages; empty for one made in code.
    public let file: String
    /// The pattern's line in ``file``.
    public let line: Int
    private let whole: Bool
    private let literal: String?
    private let regex: ICURegex?

    /// Compiles `source`; `whole` anchors it to the entire text (codes, tracking numbers).
    /// `file` and `line` say where it is written, for the messages of a match that fails.
    /// - Throws: ``TextPatternError`` with ICU's reason when the pattern is invalid.
    public init(_ source: String, whole: Bool, file: String = "", line: Int = 0) throws(TextPatternError) {
        self.source = source
        self.file = file
        self.line = line
        self.whole = whole
        let metacharacters = Set("\\^$.|?*+()[]{}")
        if whole, !source.isEmpty, !source.contains(where: metacharacters.contains) {
            literal = source
            regex = nil
            return
        }
        literal = nil
        do {
            regex = try ICURegex(whole ? "^(?:\(source))$" : source)
        } catch {
            throw TextPatternError(pattern: source, reason: error.reason)
        }
    }

    /// Steps of ICU's engine (about 10,000 backtracking steps, roughly a millisecond, each) a
    /// match on a text of `length` UTF-16 units may take: far more than any linear rule needs on
    /// a status text, plus one per 100 units so a linear rule over a long page text still ends.
    static func timeLimit(forLength length: Int) -> Int32 {
        Int32(clamping: 20 + length / 100)
    }

    /// True when the pattern matches `text` (anywhere, or entirely when `whole`).
    /// - Throws: ``TextPatternMatchError`` when the match runs past its time limit.
    public func matches(_ text: String) throws(TextPatternMatchError) -> Bool {
        if let literal { return text == literal }
        guard let regex else { return false }
        switch regex.firstMatch(in: text, timeLimit: Self.timeLimit(forLength: text.utf16.count)) {
        case .found: return true
        case .notFound: return false
        case .timedOut: throw failure(text, timedOut: true)
        case .failed: throw failure(text, timedOut: false)
        }
    }

    /// The text of capture group 1 of the first match, for payload patterns.
    /// - Throws: ``TextPatternMatchError`` when the match runs past its time limit.
    public func firstGroup(in text: String) throws(TextPatternMatchError) -> String? {
        guard let regex, regex.groupCount >= 1 else { return nil }
        switch regex.firstMatch(in: text, timeLimit: Self.timeLimit(forLength: text.utf16.count), group: 1) {
        case .found(let units?):
            let utf16 = text.utf16
            guard units.upperBound <= utf16.count else { return nil }
            let start = utf16.index(utf16.startIndex, offsetBy: units.lowerBound)
            let end = utf16.index(start, offsetBy: units.count)
            return String(text[start..<end])
        case .found(nil), .notFound: return nil
        case .timedOut: throw failure(text, timedOut: true)
        case .failed: throw failure(text, timedOut: false)
        }
    }

    /// Fails when the pattern backtracks catastrophically on a probe: a run of 28 of one character
    /// the pattern names (or `a`, `0`, a space), then one that ends every match, with a line break
    /// or without. Only patterns with two quantifiers or more can explode, so only those are run.
    /// A carrier file's loader calls it, so `^(a+)+$` fails when the file loads, not at the
    /// first event it meets.
    /// - Throws: ``TextPatternMatchError`` naming the probe's length.
    public func checkBacktracking() throws(TextPatternMatchError) {
        guard regex != nil, Self.quantifierCount(source) >= 2 else { return }
        var characters: [Character] = []
        for character in source + "a0 " where character.isLetter || character.isNumber || character == " " {
            if !characters.contains(character), characters.count < 12 { characters.append(character) }
        }
        for character in characters {
            let run = String(repeating: character, count: 28)
            for end in ["\u{1}", "\n\u{1}"] { _ = try matches(run + end) }
        }
    }

    /// `*`, `+`, `?` (not right after `(`, where it starts a group option) and `{`, outside escapes.
    private static func quantifierCount(_ source: String) -> Int {
        var count = 0
        var previous: Character = " "
        var escaped = false
        for character in source {
            defer { previous = character }
            if escaped {
                escaped = false
                continue
            }
            switch character {
            case "\\": escaped = true
            case "*", "+", "{": count += 1
            case "?" where previous != "(": count += 1
            default: break
            }
        }
        return count
    }

    private func failure(_ text: String, timedOut: Bool) -> TextPatternMatchError {
        TextPatternMatchError(pattern: source, file: file, line: line, textLength: text.count, timedOut: timedOut)
    }

    /// The source.
    public var description: String { source }
}

/// A carrier-file pattern ICU cannot compile.
public struct TextPatternError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The pattern.
    public var pattern: String
    /// ICU's reason.
    public var reason: String

    /// A sentence for people.
    public var description: String { "invalid regex '\(pattern)': \(reason)" }
}

/// A carrier-file pattern that could not finish matching a text: it ran past its time limit
/// (catastrophic backtracking), or ICU could not run it at all.
public struct TextPatternMatchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The pattern as written.
    public var pattern: String
    /// The carrier file it is written in (empty for a pattern made in code).
    public var file: String
    /// Its line in ``file``.
    public var line: Int
    /// The length of the text it was matching, in characters.
    public var textLength: Int
    /// True when it ran past its time limit; false when ICU failed otherwise (out of memory).
    public var timedOut: Bool

    /// What went wrong, without the place.
    public var reason: String {
        timedOut
            ? "the regex '\(pattern)' ran past its time limit on a \(textLength)-character text: it backtracks catastrophically "
                + "(nested or overlapping quantifiers such as (a+)+ or (a|a)*); rewrite the rule"
            : "ICU could not run the regex '\(pattern)' on a \(textLength)-character text"
    }

    /// A sentence for people, led by `file:line` when known.
    public var description: String { file.isEmpty ? reason : "\(file):\(line): \(reason)" }
}
