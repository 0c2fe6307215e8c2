import Curl
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

@Suite struct NoticeTemplateTests {
    static let variables: Set<String> = [
        "customerName", "orderId", "shopName", "carrierName", "trackingNumber", "promisedDate", "nextUpdateBy",
        "contactEmail", "contactPhone", "contactHours", "amount", "newCarrierName", "newTrackingNumber", "newDate", "orderState",
    ]
    static let sections: Set<String> = [
        "reshipping", "refunding", "reviewing", "askedCarrier", "hasNewDate", "notReceived", "damagedOnArrival", "cancelOrder", "delivered", "caughtUp",
        "hasOrderState",
    ]

    /// The `{{name}}`, `{{#name}}`, `{{^name}}` tags of a template (the pragma and closers aside).
    static func tags(_ text: String) -> Set<String> {
        var found = Set<String>()
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            let tag = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if !tag.hasPrefix("%"), !tag.hasPrefix("/") { found.insert(String(tag.drop { "#^{&".contains($0) })) }
            rest = rest[close.upperBound...]
        }
        return found
    }

    @Test func everyTemplateExistsInFourLanguagesWithTheSameVariables() throws {
        let templates = try NoticeTemplates()
        let expected = Set(IncidentKind.allCases.filter { $0 != .stalled && $0 != .trackingBroken }.map(\.rawValue) + NoticeTemplates.milestones)
        #expect(Set(templates.names) == expected)
        for name in templates.names {
            let english = Self.tags(templates.sources["en"]?[name] ?? "")
            #expect(english.isSubset(of: Self.variables.union(Self.sections)), "\(name): \(english.subtracting(Self.variables.union(Self.sections)))")
            for language in CustomerLanguages.supported {
                let source = try #require(templates.sources[language]?[name], "\(language)/\(name) missing")
                #expect(Self.tags(source) == english, "\(language)/\(name) uses \(Self.tags(source).symmetricDifference(english))")
            }
        }
    }

    @Test func everyTemplateRendersCompletelyInEveryLanguage() throws {
        let templates = try NoticeTemplates()
        var values: [String: Any] = [:]
        for name in Self.variables { values[name] = "«\(name)»" }
        for flags in [["reviewing", "askedCarrier"], ["reshipping"], ["refunding", "hasNewDate"], ["notReceived"], ["damagedOnArrival"], ["cancelOrder"]] {
            var filled = values
            for flag in flags { filled[flag] = true }
            for name in templates.names {
                for language in CustomerLanguages.supported {
                    let notice = try templates.render(name, language: language, values: filled)
                    #expect(notice.language == language)
                    #expect(!notice.subject.isEmpty && !notice.subject.contains("{{") && !notice.body.contains("{{"), "\(language)/\(name)")
                    #expect(
                        notice.body.contains("«customerName»") && notice.body.contains("«contactEmail»") && notice.body.contains("«contactHours»"),
                        "\(language)/\(name) lacks the greeting or the shop's contact")
                    // A closing message (resolved, good news) promises nothing more.
                    if name != "resolved", name != "goodNews" {
                        #expect(notice.body.contains("«nextUpdateBy»"), "\(language)/\(name) never says when they hear next")
                    }
                    #expect(!notice.body.contains("\n\n\n"), "\(language)/\(name)")
                }
            }
        }
        // An unknown language falls back to English.
        #expect(try templates.render("shipped", language: "de", values: values).language == "en")
    }

    @Test func emailsAreUTF8AndCannotBeHeaderInjected() throws {
        let message = EmailMessage(
            from: "powiadomienia@shop.example", fromName: "Sklep Łódź", to: "anna@example.com",
            subject: "Przesyłka uszkodzona\r\nBcc: evil@example.com", body: "Dzień dobry,\nżółć", date: fixtureNow,
            dedupeKey: "k", language: "pl")
        let text = String(decoding: message.bytes, as: UTF8.self)
        #expect(!text.contains("Bcc: evil"))
        #expect(text.contains("Subject: =?UTF-8?B?") && text.contains("Content-Type: text/plain; charset=UTF-8"))
        #expect(text.contains("Date: Fri, 20 Nov 2026 12:00:00 +0000"))
        #expect(text.contains("\r\n\r\n"))
    }

    @Test func aSecretFileIsUsedOnlyWhenOthersCannotReadIt() throws {
        let path = try temporaryDirectory("secret") + "/smtp-password"
        try Data("s3cret\nignored".utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o644)
        #expect(throws: NoticeError.self) { try SecretFile.read(path) }
        chmod(path, 0o600)
        #expect(try SecretFile.read(path) == "s3cret")
        #expect(throws: NoticeError.self) { try SecretFile.read(path + ".missing") }
    }

    @Test func webhookSignaturesAreHMACSHA256OverTimestampAndBody() {
        // Reference computed with Python's hmac module.
        #expect(
            WebhookSignature.signature(body: Array(#"{"id":1}"#.utf8), timestamp: 1_795_176_000, secret: "shop-secret")
                == "sha256=48b24782d2ef752e0fd75747d351c1c4f4005219ef7be344512d88a03b7e40fb")
    }

    /// Fixed vectors computed outside Swift with OpenSSL 3.0 (the simulator checks signatures
    /// with the same function that makes them, so only an independent value catches a change):
    ///   printf '%s' '1795176000.{"amount":"129.99 PLN","incident":42,"kind":"refund","note":"Zażółć gęślą jaźń"}' \
    ///     | openssl dgst -sha256 -hmac sim-webhook-secret
    ///   printf '%s' '1795176000.' | openssl dgst -sha256 -hmac sim-webhook-secret
    ///   printf '%s' '1795176000.{"id":1}' | openssl dgst -sha256 -hmac shop-secret
    @Test func webhookSignaturesMatchOpenSSL() {
        let body = Array(#"{"amount":"129.99 PLN","incident":42,"kind":"refund","note":"Zażółć gęślą jaźń"}"#.utf8)
        let signed = "sha256=7979a126ccde16e67ec385cc4c9513e7cb3461896feed55e72d97ccd45098964"
        #expect(WebhookSignature.signature(body: body, timestamp: 1_795_176_000, secret: "sim-webhook-secret") == signed)
        #expect(
            WebhookSignature.signature(body: [], timestamp: 1_795_176_000, secret: "sim-webhook-secret")
                == "sha256=6e2380f78d6ae894764f2111d606ea8bf28f598ac8ce3b02e936c8e8e21fb5c8")
        #expect(
            WebhookSignature.signature(body: Array(#"{"id":1}"#.utf8), timestamp: 1_795_176_000, secret: "shop-secret")
                == "sha256=48b24782d2ef752e0fd75747d351c1c4f4005219ef7be344512d88a03b7e40fb")
        // The request carries that value, for the whole-second timestamp it names.
        let request = WebhookSignature.signedRequest(
            url: "http://127.0.0.1:1/hook", body: body, secret: "sim-webhook-secret",
            idempotencyKey: "incident-42-refund", now: Date(timeIntervalSince1970: 1_795_176_000.75))
        #expect(request.headers["X-Parcelwatch-Timestamp"] == "1795176000")
        #expect(request.headers["X-Parcelwatch-Signature"] == signed)
        #expect(request.headers["Idempotency-Key"] == "incident-42-refund" && request.body == body && request.method == "POST")
    }
}

@Suite struct NoticeOutboxTests {
    static func store(_ kind: StoreKind) async throws -> (Store, String) {
        let directory = try temporaryDirectory("notices")
        let store = try await kind.open()
        _ = try await store.write {
            try $0.shipments.importRows(
                [ImportRow(line: 2, order: order("N-1"), carrier: "seur", trackingNumber: "10000000000009")],
                dryRun: false, actor: "t", at: fixtureNow)
        }
        return (store, directory)
    }

    static func engine(_ store: Store) throws -> IncidentEngine {
        IncidentEngine(store: store, config: .defaults, registry: try CarrierRegistry.load(directory: PackagePaths.carriers), templates: try NoticeTemplates())
    }

    static func damage(_ store: Store, at time: Date) async throws {
        let parcel = try #require(try await store.read { try $0.shipments.shipment(carrier: "seur", trackingNumber: "10000000000009") })
        _ = try await store.write(serialized: false) {
            try $0.shipments.apply(
                TrackingUpdate(
                    shipmentID: parcel.id,
                    events: [
                        event(
                            "10000000000009", hoursAgo: 1, raw: "Deterioro o extravío",
                            status: .exception, reason: .damagedOrLost)
                    ],
                    estimatedDelivery: nil, checkedAt: time, schedule: .standard))
        }
    }

    @Test(arguments: StoreKind.all) func aNoticeIsWrittenWithItsCaseHeldThroughQuietHoursAndSentOnce(kind: StoreKind) async throws {
        let (store, directory) = try await Self.store(kind)
        try await Self.damage(store, at: fixtureNow)
        // 22:30 in Warsaw: quiet hours; the notice waits for 08:00.
        let late = local("2026-11-20 22:30")
        let summary = try await Self.engine(store).run(now: late)
        #expect(summary.opened["damagedOrLost"] == 1)
        let queued = try await store.read { try $0.outbox.notices(.pending, limit: 10) }
        #expect(queued.count == 1 && queued.first?.language == "pl" && queued.first?.template == "damagedOrLost")
        #expect(queued.first?.dueAt == local("2026-11-21 08:00"))
        #expect(queued.first?.body.contains("SEUR") == true && queued.first?.body.contains("10000000000009") == true)
        // Running the rules again queues nothing new.
        _ = try await Self.engine(store).run(now: late.addingTimeInterval(600))
        #expect(try await store.read { try $0.outbox.notices(.all, limit: 10) }.count == 1)

        let deliverer = NoticeDeliverer(store: store, config: .defaults, defaultDirectory: directory + "/outbox")
        #expect(try await deliverer.deliver(now: local("2026-11-21 07:59")).sent == 0)
        #expect(try await deliverer.deliver(now: local("2026-11-21 08:00")).sent == 1)
        #expect(try await deliverer.deliver(now: local("2026-11-21 09:00")).sent == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory + "/outbox")
        #expect(files.count == 1 && files.first?.hasSuffix("-damagedOrLost-pl.eml") == true)
        // Small and reshippable: the default policy reships at once, so the case is actionProposed; delivered all the same.
        let incident = try #require(try await store.read { try $0.cases.incidents(IncidentFilter()) }.first)
        #expect(incident.notifiedAt == local("2026-11-21 08:00") && incident.status == .actionProposed)
        #expect(queued.first?.body.contains("zastępcz") == true || queued.first?.body.contains("ponownie") == true, "\(queued.first?.body ?? "")")
        // Notified in time: no notice breach is escalated later.
        #expect(try await store.write { try $0.cases.escalate(now: local("2026-11-21 12:00")) }.allSatisfy { $0.clock != .notice })
    }

    @Test(arguments: StoreKind.all) func thePromisedUpdateIsSentAndEscalationsReachTheOwner(kind: StoreKind) async throws {
        let (store, directory) = try await Self.store(kind)
        try await store.write {
            try $0.console.addStaff(StaffMember(name: "anna", displayName: "Anna", email: "anna@shop.example"), actor: "t", at: fixtureNow)
        }
        try await Self.damage(store, at: fixtureNow)
        var config = ShopConfig.defaults
        config.escalation = EscalationPolicy(lead: "anna", consoleURL: "https://shop.example/pw")
        let engine = IncidentEngine(
            store: store, config: config, registry: try CarrierRegistry.load(directory: PackagePaths.carriers),
            templates: try NoticeTemplates())
        _ = try await engine.run(now: fixtureNow)
        let deliverer = NoticeDeliverer(store: store, config: .defaults, defaultDirectory: directory + "/outbox")
        #expect(try await deliverer.deliver(now: fixtureNow).sent == 1)
        let incident = try #require(try await store.read { try $0.cases.incidents(IncidentFilter()) }.first)
        let promised = try #require(incident.nextUpdateDue)
        #expect(promised == incident.resolutionDue)
        // Before the promised time nothing; at it, one update in Polish and a new promise a business day later.
        #expect(try await engine.run(now: promised.addingTimeInterval(-60)).followUps == 0)
        #expect(try await engine.run(now: promised).followUps == 1)
        #expect(try await engine.run(now: promised.addingTimeInterval(60)).followUps == 0)
        let update = try #require(try await store.read { try $0.outbox.notices(.pending, limit: 20) }.first { $0.template == "stillWorking" })
        #expect(update.language == "pl" && update.body.contains("nadal zajmujemy się sprawą"))
        #expect(
            try await store.read { try $0.cases.incident(id: incident.id) }?.nextUpdateDue
                == IncidentPlanner(config: .defaults).afterBusinessDays(1, from: promised))
        // The staff first-touch deadline passed long ago: the owner hears about it by e-mail, once.
        let staffNotes = try await store.read { try $0.outbox.notices(.all, limit: 50) }.filter { $0.template == "escalation" }
        #expect(!staffNotes.isEmpty && staffNotes.allSatisfy { $0.recipient == "anna@shop.example" })
        #expect(Set(staffNotes.map(\.dedupeKey)).count == staffNotes.count)
        // One digest per run with a breach (first touch before the promise, resolution after it),
        // each linking the case; the second breach reaches the lead (anna too) once, in the same message.
        _ = try await engine.run(now: promised.addingTimeInterval(120))
        let digests = try await store.read { try $0.outbox.notices(.all, limit: 50) }.filter { $0.template == "escalation" }.sorted { $0.id < $1.id }
        #expect(digests.count == 2, "\(digests.map(\.subject))")
        #expect(digests.allSatisfy { $0.body.contains("parcelwatch incident show \(incident.id)\n  https://shop.example/pw/staff/incidents/\(incident.id)") })
        #expect(digests.last?.subject == "[Parcelwatch] 1 SLA breach on your cases, 1 case breached again")
    }

    @Test(arguments: StoreKind.all) func aWebhookNoticeIsSignedAndDeliveredOnce(kind: StoreKind) async throws {
        let base = try await SharedSimulator.shared.baseURL()
        let (store, _) = try await Self.store(kind)
        try await Self.damage(store, at: fixtureNow)
        _ = try await Self.engine(store).run(now: fixtureNow)
        var config = ShopConfig.defaults
        config.delivery = .webhook(url: base + "/_sim/webhook/notices-\(kind.name)", secretEnv: "NOTICE_SECRET")
        let wrong = NoticeDeliverer(
            store: store, config: config, defaultDirectory: "unused", environment: ["NOTICE_SECRET": "not-the-secret"],
            client: try HTTPClient())
        #expect(try await wrong.deliver(now: fixtureNow).errors.first?.contains("HTTP 401") == true)
        let right = NoticeDeliverer(
            store: store, config: config, defaultDirectory: "unused", environment: ["NOTICE_SECRET": "sim-webhook-secret"],
            client: try HTTPClient())
        #expect(try await right.deliver(now: fixtureNow.addingTimeInterval(3600)).sent == 1)
        let notice = try #require(try await store.read { try $0.outbox.notices(.sent, limit: 5) }.first)
        let received = try await SimControl(baseURL: base).webhookExecutions(key: notice.dedupeKey, backend: "notices-\(kind.name)")
        #expect(received.first?["action"] as? String == "notice:damagedOrLost" && received.first?["requests"] as? Int == 1)
    }

    @Test(arguments: StoreKind.all) func aFailedDeliveryIsRetriedLater(kind: StoreKind) async throws {
        let (store, _) = try await Self.store(kind)
        try await Self.damage(store, at: fixtureNow)
        _ = try await Self.engine(store).run(now: fixtureNow)
        var config = ShopConfig.defaults
        config.delivery = .smtp(url: "smtp://127.0.0.1:1", usernameEnv: nil, passwordEnv: nil, requireTLS: false)
        let deliverer = NoticeDeliverer(store: store, config: config, defaultDirectory: "unused")
        let first = try await deliverer.deliver(now: fixtureNow)
        #expect(first.failed == 1 && first.sent == 0 && first.errors.first?.contains("SMTP") == true)
        let failed = try await store.read { try $0.outbox.notices(.failed, limit: 5) }
        #expect(failed.first?.attempts == 1 && (failed.first?.dueAt ?? .distantPast) > fixtureNow)
        #expect(try await deliverer.deliver(now: fixtureNow.addingTimeInterval(60)).failed == 0)  // not due yet
    }
}

/// A real SMTP server (aiosmtpd) on 127.0.0.1 receives the notice.
@Suite struct SMTPDeliveryTests {
    @Test func aPolishNoticeArrivesOverSMTPWithUTF8SubjectAndBody() async throws {
        let spool = try temporaryDirectory("smtp")
        let sink = Process()
        sink.executableURL = URL(fileURLWithPath: PackagePaths.python)
        sink.arguments = [PackagePaths.root + "/Tests/Support/smtp_sink.py", spool]
        let output = Pipe(), input = Pipe()
        sink.standardOutput = output
        sink.standardInput = input
        try sink.run()
        defer { try? input.fileHandleForWriting.close(); sink.waitUntilExit() }
        let line = await offThePool { String(decoding: output.fileHandleForReading.availableData, as: UTF8.self) }
        let port = try #require(line.split(separator: " ").last.flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }, "sink said \(line)")

        let (store, _) = try await NoticeOutboxTests.store(StoreKind.all[0])
        try await NoticeOutboxTests.damage(store, at: fixtureNow)
        _ = try await NoticeOutboxTests.engine(store).run(now: fixtureNow)
        var config = ShopConfig.defaults
        config.delivery = .smtp(url: "smtp://127.0.0.1:\(port)", usernameEnv: nil, passwordEnv: nil, requireTLS: false)
        config.contact.from = "powiadomienia@sklep.example"
        let summary = try await NoticeDeliverer(store: store, config: config, defaultDirectory: "unused").deliver(now: fixtureNow)
        #expect(summary.sent == 1, "\(summary.errors)")

        let envelope = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: spool + "/1.json"))) as? [String: Any] ?? [:]
        #expect(envelope["from"] as? String == "powiadomienia@sklep.example" && envelope["to"] as? [String] == ["anna@example.com"])
        let raw = String(decoding: try Data(contentsOf: URL(fileURLWithPath: spool + "/1.eml")), as: UTF8.self)
        let parts = raw.components(separatedBy: "\r\n\r\n")
        let headers = parts[0]
        #expect(headers.contains("To: <anna@example.com>") && headers.contains("Content-Language: pl"))
        let subjectWord = try #require(headers.split(separator: "\r\n").first { $0.hasPrefix("Subject: =?UTF-8?B?") })
        let subject = String(decoding: Data(base64Encoded: String(subjectWord.dropFirst("Subject: =?UTF-8?B?".count).dropLast(2))) ?? Data(), as: UTF8.self)
        #expect(subject.contains("N-1"))
        let body = String(decoding: Data(base64Encoded: parts.dropFirst().joined(), options: .ignoreUnknownCharacters) ?? Data(), as: UTF8.self)
        #expect(body.contains("Dzień dobry") && body.contains("uszkodzona lub zagubiona") && body.contains("10000000000009"), "\(body)")
        #expect(try await store.read { try $0.cases.incidents(IncidentFilter()) }.first?.notifiedAt == fixtureNow)
    }
}
