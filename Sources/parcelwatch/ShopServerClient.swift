import ArgumentParser
import Curl
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore

/// The customer's side of `parcelwatch serve`: asks the shop's tracking API through the Curl
/// module and prints what `parcelwatch track` prints from a database.
struct ShopServerClient {
    /// The server's base URL (`https://track.shop.example`).
    let base: String

    /// `GET /api/track/NUMBER?postcode=…|email=…`, printed as a timeline (or the server's JSON
    /// as is). Not found exits 1, a bad request 2, an unreachable or failing server 3, a
    /// rate limit 5, each with a sentence saying what to do.
    func track(number: String, postcode: String?, email: String?, json: Bool) async throws {
        var components = URLComponents(string: base.hasSuffix("/") ? String(base.dropLast()) : base)
        components?.path += "/api/track/" + number
        // Both when both are given: a postcode without letters or digits proves nothing, the e-mail does.
        components?.queryItems = [postcode.map { URLQueryItem(name: "postcode", value: $0) }, email.map { URLQueryItem(name: "email", value: $0) }]
            .compactMap { $0 }
        guard let url = components?.url?.absoluteString, components?.scheme == "http" || components?.scheme == "https" else {
            throw ValidationError("--server '\(base)' is not an http(s) URL")
        }
        let language = AcceptedLanguage.fromEnvironment()
        let response: HTTPResponse
        do {
            response = try await makeHTTPClient().send(
                HTTPRequest(
                    url: url, headers: ["Accept": "application/json", "Accept-Language": language],
                    timeout: .seconds(20)))
        } catch {
            throw Self.exit(3, "cannot reach the shop's server at \(base) (\(error)); try again later or contact the shop")
        }
        switch response.status {
        case 200:
            guard var parcel = try? JSONDecoder().decode(CustomerParcel.self, from: Data(response.body)) else {
                throw Self.exit(3, "the shop's server at \(base) sent an answer this version cannot read")
            }
            if json {
                FileHandle.standardOutput.write(Data(response.body))
                return
            }
            parcel.language = response.headers["Content-Language"] ?? language
            CustomerView.print(parcel, timeZone: .current)
        case 404:
            throw Self.exit(1, CustomerPhrases(language: language)["notFound"])
        case 429:
            let wait = response.retryAfter(now: Date().timeIntervalSince1970).map { " in \(Int($0.rounded(.up))) s" } ?? " later"
            throw Self.exit(5, "the shop's server is limiting lookups from this address after too many attempts; try again\(wait)")
        case 400..<500:
            let answer = try? JSONDecoder().decode([String: String].self, from: Data(response.body))
            let detail = answer?["message"] ?? String(decoding: response.body.prefix(300), as: UTF8.self)
            throw Self.exit(2, "the shop's server refused the request (HTTP \(response.status)): " + detail)
        default:
            throw Self.exit(3, "the shop's server at \(base) failed (HTTP \(response.status)); try again later or contact the shop")
        }
    }

    private static func exit(_ code: Int32, _ sentence: String) -> ExitCode {
        FileHandle.standardError.write(Data("error: \(sentence)\n".utf8))
        return ExitCode(code)
    }
}

/// The language the customer reads, from `LC_ALL`/`LC_MESSAGES`/`LANG` (`pl_PL.UTF-8` → `pl`).
enum AcceptedLanguage {
    static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        for key in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            guard let value = environment[key], !value.isEmpty else { continue }
            let code = String(value.prefix { $0.isLetter }).lowercased()
            return CustomerLanguages.supported.contains(code) ? code : "en"
        }
        return "en"
    }
}
