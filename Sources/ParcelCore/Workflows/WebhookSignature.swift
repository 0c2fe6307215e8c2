import Crypto
import Curl
import Foundation

/// `X-Parcelwatch-Signature: sha256=HEX`, an HMAC-SHA256 over `TIMESTAMP.BODY` with the shared
/// secret, beside `X-Parcelwatch-Timestamp` and an `Idempotency-Key`: the receiver checks the
/// signature, rejects stale timestamps and never acts twice on one key.
public enum WebhookSignature {
    /// The signature header value for `body` sent at `timestamp` (Unix seconds).
    public static func signature(body: [UInt8], timestamp: Int, secret: String) -> String {
        let key = SymmetricKey(data: Data(secret.utf8))
        var signed = Data("\(timestamp).".utf8)
        signed.append(contentsOf: body)
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: key)
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    /// A signed JSON POST.
    public static func signedRequest(url: String, body: [UInt8], secret: String, idempotencyKey: String, now: Date) -> HTTPRequest {
        let timestamp = Int(now.timeIntervalSince1970)
        var headers = HTTPHeaders()
        headers.set(name: "Content-Type", value: "application/json")
        headers.set(name: "X-Parcelwatch-Timestamp", value: String(timestamp))
        headers.set(name: "X-Parcelwatch-Signature", value: signature(body: body, timestamp: timestamp, secret: secret))
        headers.set(name: "Idempotency-Key", value: idempotencyKey)
        return HTTPRequest(url: url, method: "POST", headers: headers, body: body, timeout: .seconds(15))
    }
}
