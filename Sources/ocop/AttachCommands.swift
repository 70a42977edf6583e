import ArgumentParser
import Foundation
import OCOPModel
import OCOPReplica

/// Which row a file is attached to: exactly one of the options, each found as the other
/// commands find it (id or the natural key people know).
struct AttachmentOwnerOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A product: id, GTIN or name.", valueName: "product")) var product: String?
    @Option(help: ArgumentHelp("A producer: id, tax code or name.", valueName: "producer")) var producer: String?
    @Option(help: ArgumentHelp("A certificate: id or number.", valueName: "certificate")) var certificate: String?
    @Option(help: ArgumentHelp("An application dossier: id or reference.", valueName: "dossier")) var dossier: String?
    @Option(help: ArgumentHelp("A lot: id or lot code.", valueName: "lot")) var lot: String?
    @Option(help: ArgumentHelp("An inspection: id.", valueName: "id")) var inspection: String?

    var given: [(String, String)] {
        [("product", product), ("producer", producer), ("certificate", certificate), ("dossier", dossier), ("lot", lot),
         ("inspection", inspection)].compactMap { name, value in value.map { (name, $0) } }
    }

    /// The owner row's table, id and tenant, or `nil` when no option was given.
    func resolve(in replica: Replica) throws -> (table: String, id: UUID, tenantID: UUID, isHousehold: Bool)? {
        if let product {
            let found = try replica.product(product)
            return (Product.schema.name, found.id, found.tenantID, try replica.isHousehold(found.producerID))
        }
        if let producer {
            let found = try replica.producer(producer)
            return (Producer.schema.name, found.id, found.tenantID, found.isNaturalPerson)
        }
        if let certificate {
            let text = certificate.trimmedNFC()
            let found = try UUID(uuidString: text).flatMap { try replica.fetch(Certificate.self, id: $0) } ?? replica.certificate(numbered: text)
            guard let found else { throw CLIError.notFound("no certificate has the id or number \"\(text)\"") }
            let owner = try replica.fetch(Product.self, id: found.productID)
            return (Certificate.schema.name, found.id, found.tenantID, try owner.map { try replica.isHousehold($0.producerID) } ?? false)
        }
        if let dossier {
            let text = dossier.trimmedNFC()
            let found = try UUID(uuidString: text).flatMap { try replica.fetch(Dossier.self, id: $0) }
                ?? replica.fetchAll(Dossier.self).first { $0.reference == text }
            guard let found else { throw CLIError.notFound("no dossier has the id or reference \"\(text)\"") }
            return (Dossier.schema.name, found.id, found.tenantID, try replica.isHousehold(found.producerID))
        }
        if let lot {
            let found = try replica.lot(lot)
            return (Batch.schema.name, found.id, found.tenantID, try replica.isHousehold(try replica.product(of: found).producerID))
        }
        if let inspection {
            guard let id = UUID(uuidString: inspection.trimmedNFC()), let found = try replica.fetch(Inspection.self, id: id) else {
                throw CLIError.notFound("no inspection has id \(inspection)")
            }
            let owner = try replica.fetch(Product.self, id: found.productID)
            return (Inspection.schema.name, found.id, found.tenantID, try owner.map { try replica.isHousehold($0.producerID) } ?? false)
        }
        return nil
    }
}

extension Replica {
    /// Whether the producer is a household business (a natural person).
    func isHousehold(_ producerID: UUID) throws -> Bool {
        try fetch(Producer.self, id: producerID)?.isNaturalPerson ?? false
    }

    /// The attachment with this id (exit 2 if there is none).
    func attachment(_ reference: String) throws -> FileAttachment {
        guard let id = UUID(uuidString: reference.trimmedNFC()), let found = try fetch(FileAttachment.self, id: id) else {
            throw CLIError.notFound("no attachment has id \(reference)")
        }
        return found
    }
}

/// `ocop attach`: keeps a file with the row it belongs to, to be synced with the data.
struct AttachCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Attach a photo or a scanned document (JPEG, PNG, WebP, PDF) to a row; prints the attachment's id.",
        discussion: """
            The file's type is judged by its contents, not its name; at most 32 MiB. The file is \
            copied beside the replica (REPLICA.files/), kept once however many rows use it, and \
            sent to the national store by `ocop sync`. Roles: photo, certificate_scan, \
            dossier_document, lab_report, identity_document (never published), other. \
            Photos of products and lots, and certificates of organisations, may be published \
            in feeds and on public pages; everything else stays with the offices. Examples:
              ocop attach mat-ong.jpg --product "Mật ong bạc hà" --role photo --title "Hũ 500 g"
              ocop attach quyet-dinh.pdf --certificate 123/QĐ-UBND --role certificate_scan
            """
    )

    @OptionGroup var replicaOptions: ReplicaOptions
    @Argument(help: "The file to attach.") var file: String
    @OptionGroup(title: "The row it belongs to (one of)") var owner: AttachmentOwnerOptions
    @Option(help: ArgumentHelp("What the file is: photo, certificate_scan, dossier_document, lab_report, identity_document or other.",
                               valueName: "role"))
    var role: FileAttachment.Role
    @Option(help: "A caption or the document's title.") var title: String?
    @Option(help: ArgumentHelp("Who attached it (default: the system user).", valueName: "name")) var recordedBy: String?

    func validate() throws {
        if owner.given.count != 1 {
            throw ArgumentParser.ValidationError("say which row the file belongs to with exactly one of --product, --producer, --certificate, --dossier, --lot or --inspection")
        }
    }

    func run() throws {
        let replica = try replicaOptions.open()
        guard let (table, ownerID, tenantID, _) = try owner.resolve(in: replica) else { return }
        let files = AttachmentFiles.beside(replicaAt: replicaOptions.path)
        let stored: AttachmentFiles.StoredFile
        do { stored = try files.add(contentsOf: URL(fileURLWithPath: file)) } catch let error as AttachmentFileError {
            switch error {
            case .unreadable, .io, .damaged: throw CLIError.notFound(error.description)
            case .empty, .tooLarge, .notAcceptedType: throw CLIError.badData("attachments.media_type: " + error.description)
            }
        }
        let attachment = FileAttachment(tenantID: tenantID, ownerTable: table, ownerID: ownerID, role: role, sha256: stored.sha256,
                                    mediaType: stored.mediaType, byteCount: stored.byteCount, title: title, recordedOn: today(),
                                    recordedBy: Replica.decider(recordedBy))
        do {
            try attachment.validate()
            try replica.save(attachment)
        } catch {
            // The copy is kept only for a row that uses it.
            _ = try? files.collect(keeping: Set(try replica.fetchAll(FileAttachment.self).map(\.sha256)))
            throw error
        }
        print(attachment.id.lowercasedString)
    }
}

extension FileAttachment.Role: ExpressibleByArgument {}

/// `ocop attachments list|get|remove`.
struct AttachmentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attachments",
        abstract: "List, copy out or remove attached files.",
        subcommands: [List.self, Get.self, Remove.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List attachments, of one row or all; `here` says whether the file is on this machine.")

        @OptionGroup var replicaOptions: ReplicaOptions
        @OptionGroup(title: "Only the files of (at most one of)") var owner: AttachmentOwnerOptions
        @Flag(help: "Print the records as JSON.") var json = false

        func validate() throws {
            if owner.given.count > 1 { throw ArgumentParser.ValidationError("give at most one of --product, --producer, --certificate, --dossier, --lot, --inspection") }
        }

        func run() throws {
            let replica = try replicaOptions.open()
            let files = AttachmentFiles.beside(replicaAt: replicaOptions.path)
            let only = try owner.resolve(in: replica)
            let attachments = try replica.fetchAll(FileAttachment.self)
                .filter { only == nil || ($0.ownerTable == only!.table && $0.ownerID == only!.id) }
                .sorted { ($0.recordedOn, $0.id.uuidString) < ($1.recordedOn, $1.id.uuidString) }
            try printList(attachments, json: json, none: "no attachments") {
                var table = TextTable("id", "of", "role", "type", "size", "here", "title")
                for attachment in attachments {
                    table.add(attachment.id.lowercasedString, "\(attachment.ownerTable) \(attachment.ownerID.lowercasedString.prefix(8))",
                              attachment.role.rawValue, attachment.mediaType.rawValue, byteText(attachment.byteCount),
                              files.contains(attachment.sha256) ? "yes" : "no", attachment.title ?? "")
                }
                return table
            }
        }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Copy an attached file out, checked against its SHA-256.")

        @OptionGroup var replicaOptions: ReplicaOptions
        @Argument(help: "The attachment's id.") var attachment: String
        @Option(help: ArgumentHelp("Where to write it (a file, or a directory to write ID.EXT in).", valueName: "path")) var out: String

        func run() throws {
            let replica = try replicaOptions.open()
            let attachment = try replica.attachment(attachment)
            let files = AttachmentFiles.beside(replicaAt: replicaOptions.path)
            guard files.contains(attachment.sha256) else {
                throw CLIError.notFound("the file of attachment \(attachment.id.lowercasedString) is not on this machine yet (it arrives with `ocop sync`)")
            }
            var destination = URL(fileURLWithPath: out)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory), isDirectory.boolValue {
                destination.appendPathComponent("\(attachment.id.lowercasedString).\(attachment.mediaType.fileExtension)")
            }
            let data: Data
            do { data = try files.contents(of: attachment.sha256) } catch let error as AttachmentFileError {
                if case .damaged = error { throw CLIError(.internalError, lines: ["error: " + error.description]) }
                throw CLIError.notFound(error.description)
            }
            do { try data.write(to: destination, options: .atomic) } catch {
                throw CLIError.notFound("cannot write \(destination.path): \(error.localizedDescription)")
            }
            print(destination.path)
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an attachment; its file is deleted once no row uses it.")

        @OptionGroup var replicaOptions: ReplicaOptions
        @Argument(help: "The attachment's id.") var attachment: String

        func run() throws {
            let replica = try replicaOptions.open()
            let attachment = try replica.attachment(attachment)
            _ = try replica.delete(FileAttachment.self, id: attachment.id)
            let files = AttachmentFiles.beside(replicaAt: replicaOptions.path)
            let freed = try files.collect(keeping: Set(try replica.fetchAll(FileAttachment.self).map(\.sha256)))
            print("Removed attachment \(attachment.id.lowercasedString)" + (freed.files > 0 ? "; deleted its file (\(byteText(freed.bytes)))." : "; its file is still used by another row."))
        }
    }
}

/// Sizes as people read them: `870 B`, `12.4 KB`, `3.1 MB` (powers of 1,000).
func byteText(_ bytes: Int64) -> String {
    if bytes < 1000 { return "\(bytes) B" }
    let units = ["KB", "MB", "GB", "TB"]
    var value = Double(bytes) / 1000
    var unit = 0
    while value >= 1000, unit < units.count - 1 { value /= 1000; unit += 1 }
    return String(format: "%.1f %@", value, units[unit])
}
