/// Month names in the languages carriers write them in (English, Spanish, Polish in nominative
/// and genitive, Lithuanian, Dutch, German), for reading `MMM`/`MMMM` time tokens; the English
/// ones come from ``CalendarNames``, which also writes them.
enum MonthNames {
    private static let table: [String: Int] = {
        let lists: [[String]] = [
            CalendarNames.months.map { $0.lowercased() },
            CalendarNames.monthAbbreviations.map { $0.lowercased() },
            ["sept"],
            ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"],
            ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"],
            ["styczeń", "luty", "marzec", "kwiecień", "maj", "czerwiec", "lipiec", "sierpień", "wrzesień", "październik", "listopad", "grudzień"],
            ["stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września", "października", "listopada", "grudnia"],
            ["sty", "lut", "mar", "kwi", "maj", "cze", "lip", "sie", "wrz", "paź", "lis", "gru"],
            ["sausio", "vasario", "kovo", "balandžio", "gegužės", "birželio", "liepos", "rugpjūčio", "rugsėjo", "spalio", "lapkričio", "gruodžio"],
            ["sausis", "vasaris", "kovas", "balandis", "gegužė", "birželis", "liepa", "rugpjūtis", "rugsėjis", "spalis", "lapkritis", "gruodis"],
            ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"],
            ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
            ["januar", "februar", "märz", "april", "mai", "juni", "juli", "august", "september", "oktober", "november", "dezember"],
        ]
        var table: [String: Int] = [:]
        for list in lists {
            for (index, name) in list.enumerated() where table[name] == nil { table[name] = index + 1 }
        }
        return table
    }()

    /// The month number (1–12) of a lowercased name or abbreviation; nil when unknown.
    static func number(_ name: String) -> Int? {
        table[name]
    }
}
