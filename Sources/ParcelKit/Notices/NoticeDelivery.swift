import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Yams

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

/// Where notices go (`notices:` in the config).
///
/// ```yaml
/// notices:
///   channel: smtp                     # files (default) | smtp | webhook
///   directory: outbox                 # files: one .eml per notice
///   url: smtp://127.0.0.1:2525        # smtp (STARTTLS when offered) or the webhook URL
///   username_env: SMTP_USER           # secrets come from the environment, never this file,
///   password_env: SMTP_PASSWORD       # or from a file only its owner can read (mode 0600):
///   password_file: /etc/parcelwatch/smtp-password
///   require_tls: false
///   secret_env: NOTICE_WEBHOOK_SECRET # webhook: HMAC-SHA256 signing key
/// ```
public enum NoticeDelivery: Sendable, Equatable {
    /// One `.eml` file per notice in `directory` (development and the demo).
    case files(directory: String)
    /// E-mail over SMTP.
    case smtp(url: String, usernameEnv: String?, passwordEnv: String?, passwordFile: String? = nil, requireTLS: Bool)
    /// A signed JSON POST (SMS gateways, helpdesks).
    case webhook(url: String, secretEnv: String)

    static func read(_ section: Node.Mapping, file: String) throws(ConfigError) -> NoticeDelivery {
        var values: [String: String] = [:]
        for (key, value) in section {
            guard let name = key.string, ["channel", "directory", "url", "username_env", "password_env", "require_tls", "secret_env", "password_file"].contains(name) else {
                throw .badValue(file: file, key: "notices.\(key.string ?? "")", detail: "unknown key")
            }
            values[name] = value.string
        }
        switch values["channel"] ?? "files" {
        case "files":
            return .files(directory: values["directory"] ?? "outbox")
        case "smtp":
            guard let url = values["url"], url.hasPrefix("smtp://") || url.hasPrefix("smtps://") else {
                throw .badValue(file: file, key: "notices.url", detail: "smtp needs url: smtp://host:port (or smtps://)")
            }
            return .smtp(url: url, usernameEnv: values["username_env"], passwordEnv: values["password_env"], passwordFile: values["password_file"],
                         requireTLS: values["require_tls"] == "true")
        case "webhook":
            guard let url = values["url"], url.hasPrefix("https://") || url.hasPrefix("http://") else {
                throw .badValue(file: file, key: "notices.url", detail: "webhook needs url: https://…")
            }
            guard let secret = values["secret_env"] else { throw .badValue(file: file, key: "notices.secret_env", detail: "webhook needs secret_env (the HMAC key's variable)") }
            return .webhook(url: url, secretEnv: secret)
        case let other:
            throw .badValue(file: file, key: "notices.channel", detail: "'\(other)' is not files, smtp or webhook")
        }
    }
}
