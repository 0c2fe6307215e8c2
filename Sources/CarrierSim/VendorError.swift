import Foundation
import ParcelCore

/// The bodies simulated carriers refuse with, shaped like each vendor's own API error where the
/// carrier files record it (their header comments; authenticated sources only), else like the
/// source's format: a JSON
/// `{"error": …}`, a SOAP 1.1 fault for SOAP sources, a small XML or HTML page.
///
/// The HTTP status is always 401 for refused credentials and 429 for a spent quota, including
/// SOAP services that really answer 500, so every client sees one simple rule.
enum VendorError {
    /// Why the carrier refuses.
    enum Kind {
        /// Wrong, missing, expired or revoked credentials (HTTP 401).
        case unauthorized
        /// The request quota is spent (HTTP 429).
        case quotaExceeded
    }

    /// The content type and body `carrier`'s source in use answers `kind` with.
    static func body(_ kind: Kind, carrier: CarrierDefinition) -> (contentType: String, body: [UInt8]) {
        let unauthorized = kind == .unauthorized
        let json = "application/json; charset=utf-8"
        // Vendor shapes belong to the official APIs; public pages answer in their own format.
        guard carrier.source.auth != nil else { return generic(kind, carrier: carrier) }
        switch carrier.id {
        case "gls", "postnl":
            // Apigee gateways.
            let fault =
                unauthorized
                ? (carrier.id == "gls"
                    ? #""faultstring":"Invalid access token","detail":{"errorcode":"oauth.v2.InvalidAccessToken"}"#
                    : #""faultstring":"Invalid ApiKey","detail":{"errorcode":"oauth.v2.InvalidApiKey"}"#)
                : #""faultstring":"Rate limit quota violation. Quota limit exceeded. Identifier : _default","detail":{"errorcode":"policies.ratelimit.QuotaViolation"}"#
            return (json, Array(("{\"fault\":{" + fault + "}}").utf8))
        case "ups":
            return (
                json,
                Array(
                    (unauthorized
                        ? #"{"response":{"errors":[{"code":"250002","message":"Invalid Authentication Information."}]}}"#
                        : #"{"response":{"errors":[{"code":"10429","message":"Too Many Requests."}]}}"#).utf8)
            )
        case "dhl":
            return (
                "application/problem+json",
                Array(
                    (unauthorized
                        ? #"{"status":401,"title":"Unauthorized","detail":"Unauthorized for given resource."}"#
                        : #"{"status":429,"title":"Too Many Requests","detail":"Too many requests within defined time period, please try again later."}"#).utf8)
            )
        case "usps":
            return (
                json,
                Array(
                    (unauthorized
                        ? #"{"error":{"code":"401","message":"The client application identifier is invalid.","errors":[]}}"#
                        : #"{"error":{"code":"429","message":"Too many requests.","errors":[]}}"#).utf8)
            )
        case "amazon":
            return (
                json,
                Array(
                    (unauthorized
                        ? #"{"errors":[{"code":"Unauthorized","message":"Access to requested resource is denied.","details":""}]}"#
                        : #"{"errors":[{"code":"QuotaExceeded","message":"You exceeded your quota for the requested resource.","details":""}]}"#).utf8)
            )
        case "seur":
            return (
                json,
                Array(
                    (unauthorized
                        ? #"{"errors":[{"status":401,"title":"Unauthorized","detail":"Invalid or expired token"}]}"#
                        : #"{"errors":[{"status":429,"title":"Too Many Requests","detail":"Quota exceeded"}]}"#).utf8)
            )
        case "inpost":
            return (
                json,
                Array(
                    (unauthorized
                        ? #"{"status":401,"error":"token_invalid","message":"Token is missing or invalid."}"#
                        : #"{"status":429,"error":"too_many_requests","message":"Too many requests."}"#).utf8)
            )
        case "packeta":
            return (
                "text/xml; charset=utf-8",
                Array(
                    (unauthorized
                        ? "<?xml version=\"1.0\" encoding=\"utf-8\"?><response><status>fault</status><fault>IncorrectApiPasswordFault</fault><string>Incorrect API password.</string></response>"
                        : "<?xml version=\"1.0\" encoding=\"utf-8\"?><response><status>fault</status><fault>TooManyRequestsFault</fault><string>Too many requests.</string></response>")
                        .utf8)
            )
        case "canada-post":
            return (
                "application/vnd.cpc.track-v2+xml",
                Array(
                    ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><messages xmlns=\"http://www.canadapost.ca/ws/messages\"><message><code>"
                        + (unauthorized ? "E002</code><description>Unauthorized" : "E429</code><description>Too many requests")
                        + "</description></message></messages>").utf8)
            )
        default:
            return generic(kind, carrier: carrier)
        }
    }

    private static func generic(_ kind: Kind, carrier: CarrierDefinition) -> (contentType: String, body: [UInt8]) {
        let unauthorized = kind == .unauthorized
        let message = unauthorized ? "Authentication failed: the credentials are missing, wrong, expired or revoked." : "Request quota exceeded."
        let isSOAP = carrier.request.body?.contains("Envelope") == true
        switch carrier.format {
        case .xml where isSOAP:
            let code: String
            switch carrier.source.auth {
            case .wsse?: code = unauthorized ? "wsse:FailedAuthentication" : "soapenv:Server"
            default: code = carrier.id == "dhl-pl" && unauthorized ? "100" : (unauthorized ? "soapenv:Client" : "soapenv:Server")
            }
            let text =
                carrier.id == "dhl-pl" && unauthorized
                ? "Nieprawidlowe dane autoryzacyjne"
                : carrier.id == "dpd-pl" && unauthorized ? "Access denied to secured webservice method" : message
            let fault =
                "<?xml version=\"1.0\" encoding=\"utf-8\"?><soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\""
                + " xmlns:wsse=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd\"><soapenv:Body><soapenv:Fault>"
                + "<faultcode>\(code)</faultcode><faultstring>\(text)</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>"
            return ("text/xml; charset=utf-8", Array(fault.utf8))
        case .xml:
            return (
                "application/xml",
                Array("<?xml version=\"1.0\" encoding=\"utf-8\"?><error><code>\(unauthorized ? 401 : 429)</code><message>\(message)</message></error>".utf8)
            )
        case .json:
            let error = unauthorized ? "unauthorized" : "quota_exceeded"
            return ("application/json; charset=utf-8", Array("{\"error\":\"\(error)\",\"message\":\"\(message)\"}".utf8))
        case .html:
            let title = unauthorized ? "401 Unauthorized" : "429 Too Many Requests"
            return (
                "text/html; charset=utf-8",
                Array("<!DOCTYPE html><html><head><title>\(title)</title></head><body><h1>\(title)</h1><p>\(message)</p></body></html>".utf8)
            )
        }
    }
}
