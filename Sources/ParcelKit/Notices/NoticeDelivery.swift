import Foundation
import Yams

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
///   username_env: SMTP_USER           # secrets come from the environment, never the file
///   password_env: SMTP_PASSWORD
///   require_tls: false
///   secret_env: NOTICE_WEBHOOK_SECRET # webhook: HMAC-SHA256 signing key
/// ```
public enum NoticeDelivery: Sendable, Equatable {
    /// One `.eml` file per notice in `directory` (development and the demo).
    case files(directory: String)
    /// E-mail over SMTP.
    case smtp(url: String, usernameEnv: String?, passwordEnv: String?, requireTLS: Bool)
    /// A signed JSON POST (SMS gateways, helpdesks).
    case webhook(url: String, secretEnv: String)

    static func read(_ section: Node.Mapping, file: String) throws(ConfigError) -> NoticeDelivery {
        var values: [String: String] = [:]
        for (key, value) in section {
            guard let name = key.string, ["channel", "directory", "url", "username_env", "password_env", "require_tls", "secret_env"].contains(name) else {
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
            return .smtp(url: url, usernameEnv: values["username_env"], passwordEnv: values["password_env"], requireTLS: values["require_tls"] == "true")
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
