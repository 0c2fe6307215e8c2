import Crypto
import Foundation
import ParcelCore

/// Shop API token secrets: 32 random bytes shown once, stored only as their SHA-256 (a secret
/// this long needs no slow hash: it cannot be guessed, only stolen, and the hash is useless to a thief).
public enum APITokenSecret {
    /// A new secret (`pw_` and 64 hex digits) and the hash to store.
    public static func generate() -> (secret: String, hash: String) {
        let secret = "pw_" + randomHex()
        return (secret, hash(secret))
    }

    /// 32 bytes from the system's secure generator as 64 hex digits (token secrets, session
    /// cookies, CSRF tokens).
    public static func randomHex() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
    }

    /// The stored form of `secret`.
    public static func hash(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
