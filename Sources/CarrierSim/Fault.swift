import Foundation

/// Misbehaviour the simulator puts on a response when asked, so clients can be tested against
/// every way a carrier fails. Asked for with `?_fault=…` or an `X-Sim-Fault: …` header, as a
/// comma-separated list: `delay=800`, `status=500`, `status=429,retry-after=2`, `truncate`,
/// `huge`, `redirect-loop`, `format-changed`, `charset=windows-1250`.
struct Fault: Sendable, Equatable {
    /// Milliseconds to wait before answering.
    var delayMilliseconds = 0
    /// Answer with this status instead of the page.
    var status: Int?
    /// `Retry-After` seconds to send with `status`.
    var retryAfter: Int?
    /// Promise a long body, send a little of it, hang up.
    var truncate = false
    /// Answer with a 10 MiB body.
    var huge = false
    /// Redirect forever.
    var redirectLoop = false
    /// Answer with a well-formed page of the same type that has none of the carrier's structure,
    /// as after a site redesign (the client must report `formatChanged`).
    var formatChanged = false
    /// Declare this charset in `Content-Type` whatever the body really is.
    var charset: String?

    /// True when nothing was asked for.
    var isNone: Bool { self == Fault() }

    /// Reads a fault list; unknown words are ignored so a typo never breaks a page.
    init(_ text: String?) {
        guard let text else { return }
        for item in text.split(separator: ",") {
            let pair = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            let value = pair.count > 1 ? pair[1] : ""
            switch pair[0].lowercased() {
            case "delay": delayMilliseconds = Int(value) ?? 0
            case "status": status = Int(value)
            case "retry-after": retryAfter = Int(value)
            case "truncate": truncate = true
            case "huge": huge = true
            case "redirect-loop": redirectLoop = true
            case "charset": charset = value
            case "format-changed": formatChanged = true
            default: break
            }
        }
    }

    init() {}
}
