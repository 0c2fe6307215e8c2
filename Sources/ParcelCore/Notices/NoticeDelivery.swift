import Foundation
import Yams

#if canImport(Glibc)
import Glibc
#endif

/// A secret kept in a file: used only when nobody but its owner can read it (mode 0600 or
/// stricter), so a password never sits in a world-readable place.
public enum SecretFile {
    /// The file's first line.
    /// - Throws: ``NoticeError/delivery(_:)`` when it is missing or readable by others.
    public static func read(_ path: String) throws(NoticeError) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { throw .delivery("the secret file \(path) cannot be read") }
        guard info.st_mode & 0o077 == 0 else {
            throw .delivery("refusing the secret file \(path): others can read it (chmod 600 \(path))")
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw .delivery("the secret file \(path) cannot be read")
        }
        return text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
    }
}

/// The shop's contact channel and hours, in every notice (the customer must never hunt for them).
public struct ShopContact: Sendable, Equatable {
    public var email = "help@shop.example"
    public var phone = "+48 22 000 00 00"
    public var hours = "Mon–Fri 9:00–17:00"
    /// The sender address of notices.
    public var from = "notices@shop.example"

    /// The defaults.
    public init() {}
}

/// Where notices go (`notices:` in the config). Each channel takes only its own keys: a key
/// another channel uses is an error (a `url:` without `channel: smtp` would write files).
///
/// ```yaml
/// notices:
///   channel: smtp                     # files (default) | smtp | webhook
///   url: smtp://127.0.0.1:2525        # STARTTLS when offered; smtps:// for TLS from the start
///   username_env: SMTP_USER           # secrets come from the environment, never this file,
///   password_env: SMTP_PASSWORD       # or from a file only its owner can read (mode 0600):
///                                     # password_file: /etc/parcelwatch/smtp-password (not both)
///   require_tls: false                # true or false
/// # channel: files    → directory: outbox (one .eml per notice)
/// # channel: webhook  → url: https://…, secret_env: NOTICE_WEBHOOK_SECRET (HMAC-SHA256 key)
/// ```
public enum NoticeDelivery: Sendable, Equatable {
    /// One `.eml` file per notice in `directory` (development and the demo).
    case files(directory: String)
    /// E-mail over SMTP.
    case smtp(url: String, usernameEnv: String?, passwordEnv: String?, passwordFile: String? = nil, requireTLS: Bool)
    /// A signed JSON POST (SMS gateways, helpdesks).
    case webhook(url: String, secretEnv: String)

    /// The keys of the `notices:` section.
    static let keys: Set<String> = ["channel", "directory", "url", "username_env", "password_env", "require_tls", "secret_env", "password_file"]

    /// Reads the `notices:` section (its keys are checked by the caller). A key the channel
    /// does not use is an error: `url:` without `channel: smtp` would otherwise write files.
    static func read(_ section: YAMLField) throws(CarrierFileError) -> NoticeDelivery {
        let channelField = section("channel")
        let channel = try channelField.text("files, smtp or webhook") ?? "files"
        let used: [String: Set<String>] = [
            "files": ["channel", "directory"],
            "smtp": ["channel", "url", "username_env", "password_env", "password_file", "require_tls"],
            "webhook": ["channel", "url", "secret_env"],
        ]
        guard let allowed = used[channel] else { throw channelField.error("'\(channel)' is not files, smtp or webhook") }
        for key in keys.subtracting(allowed).sorted() where !section(key).isAbsent {
            throw section(key).error("is not used by channel \(channel) (it takes \(allowed.subtracting(["channel"]).sorted().joined(separator: ", ")))")
        }
        switch channel {
        case "smtp":
            let urlField = section("url")
            guard let url = try urlField.text("smtp://host:port (or smtps://)") else {
                throw section.missing("url", "smtp needs url: smtp://host:port (or smtps://)")
            }
            guard url.hasPrefix("smtp://") || url.hasPrefix("smtps://"), URL(string: url)?.host?.isEmpty == false else {
                throw urlField.error("'\(url)' is not smtp://host:port (or smtps://)")
            }
            let passwordEnv = try section("password_env").environmentName()
            let passwordFile = try section("password_file").text("the path of a file only its owner can read")
            if passwordEnv != nil, passwordFile != nil {
                throw section("password_file").error("give password_env or password_file, not both")
            }
            return .smtp(
                url: url, usernameEnv: try section("username_env").environmentName(), passwordEnv: passwordEnv, passwordFile: passwordFile,
                requireTLS: try section("require_tls").flag() ?? false)
        case "webhook":
            guard let url = try section("url").webURL("the webhook's http:// or https:// URL") else {
                throw section.missing("url", "webhook needs url: https://…")
            }
            guard let secret = try section("secret_env").environmentName() else {
                throw section.missing("secret_env", "webhook needs secret_env (the HMAC key's variable)")
            }
            return .webhook(url: url, secretEnv: secret)
        default:
            return .files(directory: try section("directory").text("the directory for the .eml files") ?? "outbox")
        }
    }
}
