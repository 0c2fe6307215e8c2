/// The languages every customer-facing text exists in: notice templates, the tracking page's
/// phrases, the CLI's customer view. A customer whose order names another language reads English.
public enum CustomerLanguages {
    /// `pl`, `en`, `es`, `lt` (Polish, English, Spanish, Lithuanian).
    public static let supported = ["pl", "en", "es", "lt"]
}
