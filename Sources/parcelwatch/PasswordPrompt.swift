import Foundation

/// Reads a password: twice without echo on a terminal, else the first line of standard input.
enum PasswordPrompt {
    /// The password, or nil when none was given or the two entries differ.
    static func read() -> String? {
        guard isatty(STDIN_FILENO) == 1 else { return readLine(strippingNewline: true).flatMap { $0.isEmpty ? nil : $0 } }
        let first = silently("Password: ")
        let second = silently("Again: ")
        return first == second && first?.isEmpty == false ? first : nil
    }

    private static func silently(_ prompt: String) -> String? {
        FileHandle.standardError.write(Data(prompt.utf8))
        var original = termios()
        tcgetattr(STDIN_FILENO, &original)
        var quiet = original
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet)
        defer {
            tcsetattr(STDIN_FILENO, TCSANOW, &original)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return readLine(strippingNewline: true)
    }
}
