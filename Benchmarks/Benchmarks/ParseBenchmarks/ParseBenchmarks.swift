import Benchmark
import CarrierSim
import Foundation
import Markup
import ParcelCore
import ParcelOps
import ParcelStore

/// Page parsing through the full carrier adapter (parse, compiled XPath or JSON paths, status
/// rules, times), beside the floor: libxml2 (or the JSON decoder) reading the same bytes and
/// nothing else.
///
/// - `ups 5000 events`: the 1.7 MB UPS Track API v1 (JSON) response of `fixtures/ups/make-large.py`.
/// - `carrier <id>`: every fixture of that carrier, rendered at 2026-11-20T12:00:00Z, once per
///   iteration; pages per second = fixtures × iterations per second.
let benchmarks: @Sendable () -> Void = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    guard let registry = try? CarrierRegistry.load(directory: root + "/carriers") else {
        FileHandle.standardError.write(Data("cannot load \(root)/carriers\n".utf8))
        return
    }
    let now = Date(timeIntervalSince1970: 1_795_176_000)
    let configuration = Benchmark.Configuration(metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
                                                warmupIterations: 2, maxDuration: .seconds(3), maxIterations: 200)

    let large = Pages.ups5000(root: root)
    if let ups = try? registry.carrier("ups"), let large {
        Benchmark("ups 5000 events: full adapter", configuration: configuration) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try? CarrierParser(definition: ups).parse(large, contentType: "application/json", number: "1Z999AA10123456784"))
            }
        }
        Benchmark("ups 5000 events: floor (JSON decoder only)", configuration: configuration) { benchmark in
            for _ in benchmark.scaledIterations { blackHole(try? JSONValue.parse(large)) }
        }
    }

    for file in registry.carriers {
        for source in file.sources {
            guard let carrier = try? file.using(source: source.name) else { continue }
            let pages = Pages.fixtures(of: carrier, root: root, now: now)
            guard !pages.isEmpty else { continue }
            let name = carrier.declaresSources ? "\(carrier.id)/\(source.name)" : carrier.id
            Benchmark("carrier \(name) (\(pages.count) pages): full adapter", configuration: configuration) { benchmark in
                let parser = CarrierParser(definition: carrier)
                for _ in benchmark.scaledIterations {
                    for page in pages {
                        if carrier.isFeed { blackHole(try? parser.parseFeed(page.bytes, contentType: page.contentType)) }
                        else { blackHole(try? parser.parse(page.bytes, contentType: page.contentType, number: page.number)) }
                    }
                }
            }
            Benchmark("carrier \(name) (\(pages.count) pages): floor", configuration: configuration) { benchmark in
                for _ in benchmark.scaledIterations {
                    for page in pages {
                        switch carrier.format {
                        case .html: blackHole(try? Document(html: page.bytes, contentType: page.contentType))
                        case .xml: blackHole(try? Document(xml: page.bytes, contentType: page.contentType))
                        case .json: blackHole(try? JSONValue.parse(page.bytes))
                        }
                    }
                }
            }
        }
    }
}

/// The bytes the benchmarks parse.
enum Pages {
    struct Page {
        var bytes: [UInt8]
        var contentType: String
        var number: String
    }

    /// Every fixture of `carrier`, rendered with the number its expected parse names.
    static func fixtures(of carrier: CarrierDefinition, root: String, now: Date) -> [Page] {
        let directory = root + "/fixtures/" + carrier.fixtureFolder
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        guard let pattern = carrier.timePatterns.first else { return [] }
        return names.compactMap { name -> Page? in
            let ext = (name as NSString).pathExtension
            guard ["html", "xml", "json"].contains(ext), !name.hasSuffix(".expected.json"),
                  let data = FileManager.default.contents(atPath: directory + "/" + name) else { return nil }
            let base = (name as NSString).deletingPathExtension
            let expected = FileManager.default.contents(atPath: directory + "/" + base + ".expected.json")
                .flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
            let number = (expected?["trackingNumber"] as? String) ?? (expected?["number"] as? String) ?? "0000000000"
            let bytes = FixtureTemplate(bytes: [UInt8](data)).render(number: number, now: now, pattern: pattern, zone: carrier.timeZone)
            let type = ext == "html" ? "text/html" : ext == "xml" ? "application/xml" : "application/json"
            return Page(bytes: bytes, contentType: type, number: number)
        }
    }

    /// The 5,000-activity UPS JSON response, written by the generator next to the UPS fixtures.
    static func ups5000(root: String) -> [UInt8]? {
        let path = NSTemporaryDirectory() + "parcelwatch-ups-5000.json"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", root + "/fixtures/ups/make-large.py", path]
        do { try process.run() } catch { return nil }
        process.waitUntilExit()
        return FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }
}
