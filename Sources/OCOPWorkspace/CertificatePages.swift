import Foundation
import Hummingbird
import OCOPModel
import OCOPReplica

/// Certificates: the list with each one's status today, a certificate's page (laid out to be
/// printed: the print stylesheet drops everything but the certificate), its dated facts, and
/// revoking it (approvers only; a 5★ certificate is the central office's to revoke).
///
/// Certificates are issued by deciding a dossier (`DossierPages`), which replaces the product's
/// previous certificate: the one way the programme issues them.
struct CertificatePages {
    let workspace: Workspace

    func register(on router: Router<WorkspaceContext>) {
        router.get("/certificates") { request, context in try await list(request, context: context, csv: false) }
        router.get("/certificates.csv") { request, context in try await list(request, context: context, csv: true) }
        router.get("/certificates/:id") { _, context in
            guard let certificate = try await certificate(context) else { return workspace.notFound(context) }
            return try await show(certificate, context: context)
        }
        router.post("/certificates/:id/revoke") { _, context in
            guard let certificate = try await certificate(context) else { return workspace.notFound(context) }
            return try await revoke(certificate, context: context)
        }
    }

    private func certificate(_ context: WorkspaceContext) async throws -> Certificate? {
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { return nil }
        return try await workspace.onReplica { try $0.fetch(Certificate.self, id: id) }
    }

    private func list(_ request: Request, context: WorkspaceContext, csv: Bool) async throws -> Response {
        let listing = ListPage(request)
        let (certificates, products, events) = try await workspace.onReplica { replica in
            (try replica.fetchAll(Certificate.self), try replica.fetchAll(Product.self), try replica.fetchAll(CertificateEvent.self))
        }
        let words = workspace.strings.words(context.language)
        let today = DossierPages.today
        let productNames = Dictionary(uniqueKeysWithValues: products.map { ($0.id, $0.nameVi) })
        let eventsByCertificate = Dictionary(grouping: events, by: \.certificateID)
        let status = { (certificate: Certificate) -> String in
            let status = CertificateHistory(certificate, events: eventsByCertificate[certificate.id] ?? []).status(on: today) ?? certificate.status
            return words["certificate_\(status.rawValue)"] ?? status.rawValue
        }
        let found = certificates
            .filter { listing.matches([$0.number, productNames[$0.productID]]) }
            .sorted { ($0.issuedOn, $0.number) > ($1.issuedOn, $1.number) }
        let columns = [words["certificateNumber"], words["product"], words["stars"], words["issuedOn"], words["expiresOn"], words["status"]]
            .map { $0 ?? "" }
        // CSV keeps ISO days for spreadsheets; the page shows them as the officer reads them.
        let cells = { (certificate: Certificate, display: Bool) -> [String] in
            let day = { (date: LocalDate) in display ? Workspace.day(date, context.language) : "\(date)" }
            return [certificate.number, productNames[certificate.productID] ?? "", "\(certificate.stars)★", day(certificate.issuedOn),
                    day(certificate.expiresOn), status(certificate)]
        }
        if csv { return ListPage.csv(CSVWriter.document(header: columns, rows: found.map { cells($0, false) }), name: "certificates.csv") }
        let rows = found.map { certificate in
            var cells = cells(certificate, true).map { ListedRecord.Cell(text: $0) }
            cells[0].link = "/certificates/\(certificate.id.uuidString.lowercased())"
            cells[1].link = "/products/\(certificate.productID.uuidString.lowercased())"
            return ListedRecord(id: certificate.id, sortName: certificate.number, searched: [], cells: cells)
        }
        // Certificates are issued by deciding a dossier: the list has no "add" button.
        return listing.render(rows, path: "/certificates", heading: words["certificates"] ?? "", newLabel: nil, columns: columns,
                              nav: "certificates", workspace: workspace, context: context)
    }

    private func show(_ certificate: Certificate, context: WorkspaceContext, status: HTTPResponse.Status = .ok, problems: [String] = [],
                      notice: String? = nil, kept: [String: String] = [:]) async throws -> Response {
        let words = workspace.strings.words(context.language)
        let (product, producer, events, authority) = try await workspace.onReplica { replica in
            let product = try replica.fetch(Product.self, id: certificate.productID)
            let events = try replica.certificateEvents(ofCertificates: [certificate.id])
            // The issuing decision names its authority; a certificate recorded without one (before
            // certificate events existed) is named by its level as it was on the day of issue.
            let authority = events.first { $0.kind == .issued }?.authorityName
                ?? (try? replica.decisionAuthority(on: certificate.issuedOn, level: certificate.issuer))?.name
            return (product, try product.flatMap { try replica.fetch(Producer.self, id: $0.producerID) }, events, authority)
        }
        let today = DossierPages.today
        let history = CertificateHistory(certificate, events: events)
        let current = history.status(on: today) ?? certificate.status
        let id = certificate.id.uuidString.lowercased()
        var object: [String: Any] = [
            "heading": "\(words["certificate"] ?? "") \(certificate.number)", "id": id, "number": certificate.number,
            "stars": String(repeating: "★", count: certificate.stars), "starCount": certificate.stars,
            "product": product?.nameVi ?? "", "productEn": product?.nameEn ?? "",
            "productLink": "/products/\(certificate.productID.uuidString.lowercased())",
            // The certificate is the producer's own document, printed in the province's office for
            // it: it names the producer as registered.
            "producer": producer?.name ?? "",
            "issuedOn": Workspace.day(certificate.issuedOn, context.language), "expiresOn": Workspace.day(certificate.expiresOn, context.language),
            "authority": authority ?? "", "status": words["certificate_\(current.rawValue)"] ?? current.rawValue,
            "inForce": current == .active, "today": kept["date"] ?? "\(today)", "reason": kept["reason"] ?? "",
            "decisionNumber": kept["number"] ?? "",
            "problems": problems, "hasProblems": !problems.isEmpty,
            "events": events.sorted { $0.effectiveOn < $1.effectiveOn }.map { event -> [String: Any] in
                ["date": Workspace.day(event.effectiveOn, context.language), "kind": words["event_\(event.kind.rawValue)"] ?? event.kind.rawValue,
                 "authority": event.authorityName, "by": event.decidedBy, "number": event.decisionNumber ?? "", "reason": event.reason ?? ""]
            },
        ]
        object["canRevoke"] = context.account?.role == .approver && current == .active && certificate.issuer != .central
        return workspace.page("certificate", title: object["heading"] as? String ?? "", nav: "certificates", object: object,
                              context: context, status: status, notice: notice)
    }

    private func revoke(_ certificate: Certificate, context: WorkspaceContext) async throws -> Response {
        guard let account = context.account, account.role == .approver else { return workspace.forbidden(context) }
        let values = context.form
        let text = { (key: String) in workspace.strings.text(key, context.language) }
        let step = StepForm(values, texts: [.init(id: "reason", label: "reason", required: true, maximumLength: 2_000),
                                            .init(id: "number", label: "decisionNumber", maximumLength: 50)],
                            today: DossierPages.today, words: text)
        let kept = step.kept
        guard let day = step.day else {
            return try await show(certificate, context: context, status: .unprocessableContent, problems: step.problems, kept: kept)
        }
        do {
            try await workspace.onReplica { replica in
                let decision = try CertificateLedger.revoke(
                    certificate, events: try replica.certificateEvents(ofCertificates: [certificate.id]), effectiveOn: day,
                    reason: values.text("reason") ?? "", authority: try replica.decisionAuthority(on: day), decidedBy: account.displayName,
                    decisionNumber: values.text("number"))
                try replica.saveTogether([], decision: decision, audit: (account.name, "revoked"))
            }
            let revoked = try await workspace.onReplica { try $0.fetch(Certificate.self, id: certificate.id) } ?? certificate
            return try await show(revoked, context: context, notice: text("certificateRevoked"))
        } catch let errors as ValidationErrors {
            return try await show(certificate, context: context, status: .unprocessableContent, problems: errors.errors.map(\.reason), kept: kept)
        } catch let error as ReplicaError {
            return try await show(certificate, context: context, status: .unprocessableContent, problems: [error.message], kept: kept)
        }
    }
}
