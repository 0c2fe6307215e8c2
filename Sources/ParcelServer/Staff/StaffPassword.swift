import HummingbirdBcrypt

/// Staff console passwords: bcrypt (from hummingbird-auth), cost 12, so a stolen database does
/// not give the passwords away cheaply.
public enum StaffPassword {
    /// The shortest password accepted.
    public static let minimumLength = 10

    /// Why `password` is refused, or nil when it is acceptable.
    public static func problem(_ password: String) -> String? {
        password.count < minimumLength ? "a console password needs at least \(minimumLength) characters" : nil
    }

    /// The bcrypt hash to store.
    public static func hash(_ password: String, cost: UInt8 = 12) -> String {
        Bcrypt.hash(password, cost: cost)
    }

    /// True when `password` matches `hash`.
    public static func verify(_ password: String, hash: String) -> Bool {
        Bcrypt.verify(password, hash: hash)
    }
}
