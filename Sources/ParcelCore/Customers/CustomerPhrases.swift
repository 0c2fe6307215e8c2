/// The words a customer reads, in the four languages every customer-facing text exists in
/// (Polish, English, Spanish, Lithuanian); any other language falls back to English.
public struct CustomerPhrases: Sendable {
    /// The language actually used (`en` when the order's is not available).
    public let language: String
    private let table: [String: String]

    /// The phrases for `language` (`pl`, `en`, `es`, `lt`; anything else gives English).
    public init(language: String) {
        let code = language.lowercased()
        if let table = Self.tables[code] {
            self.language = code
            self.table = table
        } else {
            self.language = "en"
            self.table = Self.tables["en"] ?? [:]
        }
    }

    /// The phrase for `key` (English when a language lacks it, the key itself as a last resort).
    public subscript(_ key: String) -> String {
        table[key] ?? Self.tables["en"]?[key] ?? key
    }

    /// A canonical status in words.
    public func status(_ status: TrackingStatus) -> String { self["status.\(status.rawValue)"] }

    /// What the shop is doing about a case of `kind`.
    public func incident(_ kind: IncidentKind) -> String { self["incident.\(kind.rawValue)"] }

    /// Every key each language must have (tests check the four tables against it).
    public static var keys: Set<String> { Set(tables["en"]?.keys.map { $0 } ?? []) }

    static let tables: [String: [String: String]] = [
        "en": [
            "page.title": "Track your parcel", "page.intro": "Enter your tracking number and the postcode or e-mail address of your order.",
            "form.number": "Tracking number", "form.postcode": "Postcode", "form.email": "E-mail address", "form.or": "or",
            "form.submit": "Show my parcel", "page.when": "When", "page.what": "What happened", "page.where": "Where",
            "page.noEvents": "The carrier has not reported anything yet.", "page.contact": "Questions? Write to us:",
            "page.tooMany": "Too many attempts. Please wait a moment and try again.", "page.another": "Track another parcel",
            "page.noPostcode": "This postcode has no letters or digits. If your order has no postcode, use its e-mail address instead.",
            "heading": "Your parcel", "status": "Status", "promised": "Promised delivery", "expected": "Expected delivery", "events": "Tracking history",
            "shopIsDoing": "What we are doing", "nextUpdate": "You will hear from us by",
            "notFound": "We could not find a parcel with this tracking number and postcode or e-mail. Please check both and try again.",
            "reported": "Thank you. We have received your report and will write to you by",
            "status.pending": "Waiting for the carrier", "status.infoReceived": "Label created, not yet handed over",
            "status.inTransit": "On its way", "status.outForDelivery": "Out for delivery today",
            "status.availableForPickup": "Ready for pickup", "status.attemptFailed": "Delivery attempt failed",
            "status.delivered": "Delivered", "status.exception": "Problem in transit", "status.returning": "On its way back to us",
            "status.returned": "Returned to us", "status.expired": "No longer tracked by the carrier", "status.unknown": "Update from the carrier",
            "incident.damaged": "The carrier reports your parcel damaged. We are sorting out a replacement or refund for you.",
            "incident.lost": "Your parcel appears to be lost. We are sorting out a replacement or refund for you.",
            "incident.damagedOrLost": "The carrier reports your parcel damaged or lost. We are sorting out a replacement or refund for you.",
            "incident.customsHold": "Your parcel is held by customs. We are working with the carrier to release it.",
            "incident.addressIssue": "The carrier cannot deliver to the address as given. Please reply to our e-mail with the correct address.",
            "incident.deliveryFailed": "The carrier could not deliver your parcel. We are arranging a new attempt with them.",
            "incident.returnedToSender": "Your parcel is on its way back to us. We will reship it or refund you.",
            "incident.late": "Your parcel will not arrive on the promised day. We are chasing the carrier and will tell you the new date.",
            "incident.lateRisk":
                "Your parcel will probably arrive after the promised day. If you would rather not wait, reply to our e-mail and we will cancel the order and refund you.",
            "incident.notDispatched": "We have not shipped your order yet. We are checking why and will tell you what happens next.",
            "incident.customerReport": "We have your report and a member of our team is looking into it.",
            "incident.stalled": "We are checking with the carrier.", "incident.trackingBroken": "We are checking with the carrier.",
            "order.heading": "Your order", "order.replacement": "replacement", "order.expected": "expected",
            "story.reshipSent": "We sent you a replacement: {carrier} {number}.",
            "story.reshipPending": "We are sending you a replacement; you will get its tracking number as soon as it ships.",
            "story.refundIssued": "We have refunded {amount} to your original payment method.",
            "story.refundPending": "We are refunding {amount} to your original payment method.",
        ],
        "pl": [
            "page.title": "Śledź swoją przesyłkę", "page.intro": "Podaj numer przesyłki oraz kod pocztowy lub adres e-mail z zamówienia.",
            "form.number": "Numer przesyłki", "form.postcode": "Kod pocztowy", "form.email": "Adres e-mail", "form.or": "lub",
            "form.submit": "Pokaż moją przesyłkę", "page.when": "Kiedy", "page.what": "Co się stało", "page.where": "Gdzie",
            "page.noEvents": "Przewoźnik jeszcze niczego nie zgłosił.", "page.contact": "Pytania? Napisz do nas:",
            "page.tooMany": "Zbyt wiele prób. Odczekaj chwilę i spróbuj ponownie.", "page.another": "Śledź inną przesyłkę",
            "page.noPostcode": "Ten kod pocztowy nie zawiera liter ani cyfr. Jeśli zamówienie nie ma kodu pocztowego, podaj jego adres e-mail.",
            "heading": "Twoja przesyłka", "status": "Status", "promised": "Obiecana dostawa", "expected": "Spodziewana dostawa", "events": "Historia przesyłki",
            "shopIsDoing": "Co robimy", "nextUpdate": "Odezwiemy się najpóźniej",
            "notFound": "Nie znaleźliśmy przesyłki o tym numerze i kodzie pocztowym lub adresie e-mail. Sprawdź oba i spróbuj ponownie.",
            "reported": "Dziękujemy. Otrzymaliśmy zgłoszenie i odpowiemy najpóźniej",
            "status.pending": "Czeka na przewoźnika", "status.infoReceived": "Etykieta utworzona, jeszcze nie nadana",
            "status.inTransit": "W drodze", "status.outForDelivery": "Dziś w doręczeniu",
            "status.availableForPickup": "Gotowa do odbioru", "status.attemptFailed": "Nieudana próba doręczenia",
            "status.delivered": "Doręczona", "status.exception": "Problem w transporcie", "status.returning": "Wraca do nas",
            "status.returned": "Zwrócona do nas", "status.expired": "Przewoźnik nie śledzi już przesyłki", "status.unknown": "Informacja od przewoźnika",
            "incident.damaged": "Przewoźnik zgłasza, że przesyłka jest uszkodzona. Przygotowujemy wysyłkę zastępczą lub zwrot pieniędzy.",
            "incident.lost": "Przesyłka najprawdopodobniej zaginęła. Przygotowujemy wysyłkę zastępczą lub zwrot pieniędzy.",
            "incident.damagedOrLost": "Przewoźnik zgłasza, że przesyłka jest uszkodzona lub zagubiona. Przygotowujemy wysyłkę zastępczą lub zwrot pieniędzy.",
            "incident.customsHold": "Przesyłka została zatrzymana przez urząd celny. Wyjaśniamy sprawę z przewoźnikiem.",
            "incident.addressIssue": "Przewoźnik nie może doręczyć przesyłki pod podany adres. Prosimy o odpowiedź na naszego e-maila z poprawnym adresem.",
            "incident.deliveryFailed": "Przewoźnikowi nie udało się doręczyć przesyłki. Ustalamy z nim kolejną próbę.",
            "incident.returnedToSender": "Przesyłka wraca do nas. Wyślemy ją ponownie albo zwrócimy pieniądze.",
            "incident.late": "Przesyłka nie dotrze w obiecanym terminie. Ponaglamy przewoźnika i podamy nowy termin.",
            "incident.lateRisk":
                "Przesyłka prawdopodobnie dotrze po obiecanym terminie. Jeśli nie chcą Państwo czekać, wystarczy odpowiedzieć na naszą wiadomość – anulujemy zamówienie i zwrócimy pieniądze.",
            "incident.notDispatched": "Nie wysłaliśmy jeszcze zamówienia. Sprawdzamy przyczynę i poinformujemy o dalszych krokach.",
            "incident.customerReport": "Mamy Twoje zgłoszenie i zajmuje się nim osoba z naszego zespołu.",
            "incident.stalled": "Sprawdzamy to z przewoźnikiem.", "incident.trackingBroken": "Sprawdzamy to z przewoźnikiem.",
            "order.heading": "Twoje zamówienie", "order.replacement": "przesyłka zastępcza", "order.expected": "spodziewana",
            "story.reshipSent": "Wysłaliśmy przesyłkę zastępczą: {carrier} {number}.",
            "story.reshipPending": "Wysyłamy przesyłkę zastępczą; jej numer podamy, gdy tylko zostanie nadana.",
            "story.refundIssued": "Zwróciliśmy {amount} na pierwotną metodę płatności.",
            "story.refundPending": "Zwracamy {amount} na pierwotną metodę płatności.",
        ],
        "es": [
            "page.title": "Siga su envío", "page.intro": "Introduzca el número de seguimiento y el código postal o el correo electrónico de su pedido.",
            "form.number": "Número de seguimiento", "form.postcode": "Código postal", "form.email": "Correo electrónico", "form.or": "o",
            "form.submit": "Ver mi envío", "page.when": "Cuándo", "page.what": "Qué ha pasado", "page.where": "Dónde",
            "page.noEvents": "El transportista todavía no ha informado de nada.", "page.contact": "¿Dudas? Escríbanos:",
            "page.tooMany": "Demasiados intentos. Espere un momento y vuelva a intentarlo.", "page.another": "Seguir otro envío",
            "page.noPostcode": "Este código postal no tiene letras ni cifras. Si su pedido no tiene código postal, use su correo electrónico.",
            "heading": "Su paquete", "status": "Estado", "promised": "Entrega prometida", "expected": "Entrega prevista", "events": "Historial de seguimiento",
            "shopIsDoing": "Qué estamos haciendo", "nextUpdate": "Le escribiremos como muy tarde el",
            "notFound": "No hemos encontrado ningún paquete con este número y código postal o correo electrónico. Compruebe ambos datos e inténtelo de nuevo.",
            "reported": "Gracias. Hemos recibido su aviso y le responderemos como muy tarde el",
            "status.pending": "Esperando al transportista", "status.infoReceived": "Etiqueta creada, aún no entregado al transportista",
            "status.inTransit": "En camino", "status.outForDelivery": "En reparto hoy",
            "status.availableForPickup": "Listo para recoger", "status.attemptFailed": "Intento de entrega fallido",
            "status.delivered": "Entregado", "status.exception": "Incidencia en el transporte", "status.returning": "En camino de vuelta a nosotros",
            "status.returned": "Devuelto a nosotros", "status.expired": "El transportista ya no lo sigue", "status.unknown": "Novedad del transportista",
            "incident.damaged": "El transportista informa de que su paquete está dañado. Estamos preparando un reenvío o el reembolso.",
            "incident.lost": "Su paquete parece haberse extraviado. Estamos preparando un reenvío o el reembolso.",
            "incident.damagedOrLost": "El transportista informa de que su paquete está dañado o extraviado. Estamos preparando un reenvío o el reembolso.",
            "incident.customsHold": "Su paquete está retenido en la aduana. Estamos trabajando con el transportista para liberarlo.",
            "incident.addressIssue":
                "El transportista no puede entregar en la dirección indicada. Responda a nuestro correo con la dirección correcta, por favor.",
            "incident.deliveryFailed": "El transportista no pudo entregar su paquete. Estamos acordando un nuevo intento.",
            "incident.returnedToSender": "Su paquete vuelve a nosotros. Lo reenviaremos o le devolveremos el dinero.",
            "incident.late": "Su paquete no llegará en la fecha prometida. Estamos reclamando al transportista y le indicaremos la nueva fecha.",
            "incident.lateRisk":
                "Es probable que su paquete llegue después de la fecha prometida. Si prefiere no esperar, responda a nuestro correo y cancelaremos el pedido con el reembolso.",
            "incident.notDispatched": "Aún no hemos enviado su pedido. Estamos comprobando el motivo y le contaremos los próximos pasos.",
            "incident.customerReport": "Hemos recibido su aviso y una persona de nuestro equipo lo está revisando.",
            "incident.stalled": "Lo estamos comprobando con el transportista.", "incident.trackingBroken": "Lo estamos comprobando con el transportista.",
            "order.heading": "Su pedido", "order.replacement": "reenvío", "order.expected": "prevista",
            "story.reshipSent": "Le hemos enviado un reenvío: {carrier} {number}.",
            "story.reshipPending": "Le estamos enviando un reenvío; le daremos su número de seguimiento en cuanto salga.",
            "story.refundIssued": "Le hemos reembolsado {amount} en su método de pago original.",
            "story.refundPending": "Le estamos reembolsando {amount} en su método de pago original.",
        ],
        "lt": [
            "page.title": "Sekite savo siuntą", "page.intro": "Įveskite siuntos numerį ir užsakymo pašto kodą arba el. pašto adresą.",
            "form.number": "Siuntos numeris", "form.postcode": "Pašto kodas", "form.email": "El. pašto adresas", "form.or": "arba",
            "form.submit": "Rodyti mano siuntą", "page.when": "Kada", "page.what": "Kas įvyko", "page.where": "Kur",
            "page.noEvents": "Vežėjas dar nieko nepranešė.", "page.contact": "Klausimų? Parašykite mums:",
            "page.tooMany": "Per daug bandymų. Palaukite ir bandykite dar kartą.", "page.another": "Sekti kitą siuntą",
            "page.noPostcode": "Šiame pašto kode nėra nei raidžių, nei skaitmenų. Jei užsakymas neturi pašto kodo, nurodykite jo el. pašto adresą.",
            "heading": "Jūsų siunta", "status": "Būsena", "promised": "Pažadėtas pristatymas", "expected": "Numatomas pristatymas",
            "events": "Siuntos istorija",
            "shopIsDoing": "Ką darome", "nextUpdate": "Parašysime Jums ne vėliau kaip",
            "notFound": "Neradome siuntos su šiuo numeriu ir pašto kodu ar el. pašto adresu. Patikrinkite abu ir bandykite dar kartą.",
            "reported": "Ačiū. Gavome Jūsų pranešimą ir atsakysime ne vėliau kaip",
            "status.pending": "Laukiama vežėjo", "status.infoReceived": "Etiketė sukurta, siunta dar neperduota",
            "status.inTransit": "Kelyje", "status.outForDelivery": "Šiandien pristatoma",
            "status.availableForPickup": "Paruošta atsiimti", "status.attemptFailed": "Nepavyko pristatyti",
            "status.delivered": "Pristatyta", "status.exception": "Problema gabenant", "status.returning": "Grąžinama mums",
            "status.returned": "Grąžinta mums", "status.expired": "Vežėjas siuntos nebeseka", "status.unknown": "Vežėjo informacija",
            "incident.damaged": "Vežėjas praneša, kad siunta sugadinta. Ruošiame pakaitinę siuntą arba pinigų grąžinimą.",
            "incident.lost": "Panašu, kad siunta pamesta. Ruošiame pakaitinę siuntą arba pinigų grąžinimą.",
            "incident.damagedOrLost": "Vežėjas praneša, kad siunta sugadinta ar pamesta. Ruošiame pakaitinę siuntą arba pinigų grąžinimą.",
            "incident.customsHold": "Siuntą sulaikė muitinė. Kartu su vežėju stengiamės ją atgauti.",
            "incident.addressIssue": "Vežėjas negali pristatyti nurodytu adresu. Atsakykite į mūsų laišką ir nurodykite teisingą adresą.",
            "incident.deliveryFailed": "Vežėjui nepavyko pristatyti siuntos. Deriname naują pristatymo bandymą.",
            "incident.returnedToSender": "Siunta grįžta pas mus. Išsiųsime ją iš naujo arba grąžinsime pinigus.",
            "incident.late": "Siunta nebus pristatyta pažadėtą dieną. Raginame vežėją ir pranešime naują datą.",
            "incident.lateRisk":
                "Siunta tikriausiai bus pristatyta po pažadėtos dienos. Jei nenorite laukti, atsakykite į mūsų laišką – atšauksime užsakymą ir grąžinsime pinigus.",
            "incident.notDispatched": "Jūsų užsakymo dar neišsiuntėme. Aiškinamės priežastį ir pranešime, kas bus toliau.",
            "incident.customerReport": "Gavome Jūsų pranešimą, juo rūpinasi mūsų komandos narys.",
            "incident.stalled": "Aiškinamės su vežėju.", "incident.trackingBroken": "Aiškinamės su vežėju.",
            "order.heading": "Jūsų užsakymas", "order.replacement": "pakaitinė siunta", "order.expected": "tikėtina",
            "story.reshipSent": "Išsiuntėme Jums pakaitinę siuntą: {carrier} {number}.",
            "story.reshipPending": "Siunčiame Jums pakaitinę siuntą; jos numerį pranešime, kai tik ji bus išsiųsta.",
            "story.refundIssued": "Grąžinome {amount} į Jūsų pradinį mokėjimo būdą.",
            "story.refundPending": "Grąžiname {amount} į Jūsų pradinį mokėjimo būdą.",
        ],
    ]
}
