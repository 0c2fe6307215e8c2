import CarrierSim
import Curl
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore

/// Drives the carrier simulator's control endpoints over real HTTP, as the demo does.
public struct SimControl: Sendable {
    /// One logged carrier request.
    public struct LoggedRequest: Sendable, Decodable {
        public var receivedAt: Double
        public var method: String
        public var path: String
        public var carrier: String?
        public var number: String?
        public var status: Int
    }

    /// `http://127.0.0.1:<port>`.
    public let baseURL: String
    private let client: HTTPClient

    /// Controls the simulator at `baseURL`.
    public init(baseURL: String) throws {
        self.baseURL = baseURL
        client = try HTTPClient()
    }

    /// Registers parcel scripts (their timelines start at the simulator's current time).
    public func register(_ scripts: [ParcelScript]) async throws {
        let body = try JSONEncoder().encode(scripts)
        let response = try await client.send(HTTPRequest(url: baseURL + "/_sim/parcels", method: "POST", body: [UInt8](body)))
        guard response.status == 200 else { throw SimControlError(message: "register answered \(response.status)") }
    }

    /// Adds a sticky fault.
    public func addFault(_ fault: StickyFault) async throws {
        let body = try JSONEncoder().encode(fault)
        let response = try await client.send(HTTPRequest(url: baseURL + "/_sim/faults", method: "POST", body: [UInt8](body)))
        guard response.status == 200 else { throw SimControlError(message: "fault answered \(response.status)") }
    }

    /// Every logged request (the log is shared by all tests: filter by number).
    public func requests() async throws -> [LoggedRequest] {
        let response = try await client.send(HTTPRequest(url: baseURL + "/_sim/requests"))
        return try JSONDecoder().decode([LoggedRequest].self, from: Data(response.body))
    }

    /// What the shop-backend sink carried out for `key` (one entry at most, with its request count).
    public func webhookExecutions(key: String, backend: String = "") async throws -> [[String: Any]] {
        try await webhookExecutions(backend: backend).filter { $0["key"] as? String == key }
    }

    /// Everything the shop-backend sink `/_sim/webhook/BACKEND` carried out, with request counts.
    public func webhookExecutions(backend: String) async throws -> [[String: Any]] {
        let response = try await client.send(HTTPRequest(url: baseURL + "/_sim/webhook" + (backend.isEmpty ? "" : "/" + backend)))
        return try JSONSerialization.jsonObject(with: Data(response.body)) as? [[String: Any]] ?? []
    }

    /// A control endpoint's answer body (`/_sim/auth`, `/_sim/quota`).
    public func get(_ path: String) async throws -> Data {
        let response = try await client.send(HTTPRequest(url: baseURL + path))
        guard response.status == 200 else { throw SimControlError(message: "GET \(path) answered \(response.status)") }
        return Data(response.body)
    }

    /// POSTs a JSON control command (`/_sim/auth`, `/_sim/quota`).
    @discardableResult
    public func post(_ path: String, json: String) async throws -> Data {
        var headers = HTTPHeaders()
        headers.set(name: "Content-Type", value: "application/json")
        let response = try await client.send(HTTPRequest(url: baseURL + path, method: "POST", headers: headers, body: Array(json.utf8)))
        guard response.status == 200 else {
            throw SimControlError(message: "POST \(path) answered \(response.status): \(String(decoding: response.body, as: UTF8.self))")
        }
        return Data(response.body)
    }

    /// Empties the request log.
    public func clearRequests() async throws {
        _ = try await client.send(HTTPRequest(url: baseURL + "/_sim/requests", method: "DELETE"))
    }

    /// Moves the simulator's clock.
    public func advance(hours: Double) async throws {
        _ = try await client.send(HTTPRequest(url: baseURL + "/_sim/advance?hours=\(hours)", method: "POST"))
    }
}

/// A control request the simulator refused.
public struct SimControlError: Error, CustomStringConvertible {
    public var message: String
    /// Creates an error with its sentence.
    public init(message: String) { self.message = message }
    public var description: String { message }
}

/// A fresh directory under the system temp dir, for databases and files one test owns.
public func temporaryDirectory(_ name: String = "parcelwatch") throws -> String {
    let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
