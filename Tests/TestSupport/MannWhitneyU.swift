import Foundation

/// The Mann–Whitney U test (Wilcoxon rank-sum) of two independent samples, by the normal
/// approximation with the tie correction: does one sample tend to be larger than the other?
///
/// Rank statistics compare the samples' order, not their means, so a few slow outliers on a
/// loaded machine do not decide it: what timing tests need.
public struct MannWhitneyU: Sendable, Equatable {
    /// U of the first sample: how many (x, y) pairs have x > y, ties counting one half.
    public let u1: Double
    /// U of the second sample (`u1 + u2 == n1 * n2`).
    public let u2: Double
    /// The standardized statistic of `u1`: positive when the first sample tends to be larger.
    public let z: Double
    /// The two-sided p-value of `z`.
    public let p: Double

    /// Tests `x` against `y`; with `continuity`, `z` is moved half a unit toward zero (the
    /// continuity correction, as tables and most software do by default).
    public init(_ x: [Double], _ y: [Double], continuity: Bool = false) {
        let n1 = Double(x.count), n2 = Double(y.count), n = n1 + n2
        // Ranks of the pooled sample, tied values sharing their mean rank.
        let pooled = (x.map { ($0, true) } + y.map { ($0, false) }).sorted { $0.0 < $1.0 }
        var rankSumX = 0.0
        var tieTerm = 0.0
        var start = 0
        while start < pooled.count {
            var end = start
            while end + 1 < pooled.count, pooled[end + 1].0 == pooled[start].0 { end += 1 }
            let rank = Double(start + end) / 2 + 1
            let tied = Double(end - start + 1)
            tieTerm += tied * tied * tied - tied
            for index in start...end where pooled[index].1 { rankSumX += rank }
            start = end + 1
        }
        u1 = rankSumX - n1 * (n1 + 1) / 2
        u2 = n1 * n2 - u1
        let mean = n1 * n2 / 2
        let variance = n1 * n2 / 12 * ((n + 1) - tieTerm / (n * (n - 1)))
        var difference = u1 - mean
        if continuity { difference = difference > 0 ? max(0, difference - 0.5) : min(0, difference + 0.5) }
        z = variance > 0 ? difference / variance.squareRoot() : 0
        p = erfc(abs(z) / 2.0.squareRoot())
    }
}
