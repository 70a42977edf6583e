import Foundation
import OCOPModel
import OCOPReplica
import OCOPStore
import OCOPSync

/// The producer as a feed shows it. Built only from fields that may leave the country: the
/// name is ``PublicProducer``'s (a household's neutral label, "Hộ sản xuất tại {commune},
/// {province}"); an organisation also has its id and, if the profile publishes it, its tax code.
/// There is deliberately no place here for a representative, ID number, phone or address.
public struct FeedProducer: Sendable, Hashable {
    /// `nil` for households.
    public var id: UUID?
    public var name: String
    public var type: ProducerType
    /// Organisations only, and only if the profile publishes ``FeedField/producerTaxID``.
    public var taxID: String?

    init(_ producer: Producer, public face: PublicProducer, profile: FeedProfile) {
        name = face.name
        type = face.type
        if producer.isNaturalPerson {
            id = nil
            taxID = nil
        } else {
            id = producer.id
            taxID = profile.fields.contains(.producerTaxID) ? producer.taxCode : nil
        }
    }
}

/// A product as published: resolved against reference data, today's province and the
/// certificate in force.
public struct FeedProduct: Sendable, Hashable {
    public var id: UUID
    public var nameVi: String
    public var nameEn: String?
    public var descriptionVi: String?
    public var descriptionEn: String?
    public var gtin: String?
    public var classificationVersion: String
    public var classificationCode: String
    public var classificationLabelVi: String?
    public var classificationLabelEn: String?
    public var certificate: Certificate
    /// Who issued the certificate, as named on the day of issue.
    public var issuer: DecisionAuthority
    /// The province's code and name on the feed's date.
    public var provinceCode: String
    public var provinceName: String
    /// The province's ISO 3166-2:VN code on the feed's date.
    public var provinceISO: String?
    public var producer: FeedProducer
    /// The latest change to the product, its producer, province, certificate, offer, area or
    /// photos (UTC, ISO 8601).
    public var dateModified: String
    /// Price, availability and net content, when the province recorded them.
    public var offer: FeedOffer?
    /// The official growing-area code of the product's raw-material area, when it has one.
    public var growingAreaCode: String?
    /// The product's public page (its GS1 Digital Link on ``FeedLinks/base``); `nil` without links.
    public var pageURL: String?
    /// The product's photos, oldest first; empty without links.
    public var imageURLs: [String] = []
    /// Scans of the certificate in force that may be published (an organisation's only).
    public var certificateImageURLs: [String] = []
}

/// How a product is sold, as a feed shows it.
public struct FeedOffer: Sendable, Hashable {
    public var priceVND: Int64?
    public var availability: ProductOffer.Availability
    public var netQuantity: Double?
    public var netUnit: ProductOffer.NetUnit?

    init(_ offer: ProductOffer) {
        priceVND = offer.priceVND
        availability = offer.availability
        netQuantity = offer.netQuantity
        netUnit = offer.netUnit
    }
}

/// Where a feed's links point: the public site of the national store (`ocop-syncd`'s HTTP API),
/// which serves product pages (`/01/{GTIN}`, `/p/{id}`) and files (`/files/{sha256}`).
public struct FeedLinks: Sendable, Hashable {
    /// `https://ocop.example.gov.vn`, without a trailing `/`.
    public var base: String

    public init(base: String) {
        var base = base
        while base.hasSuffix("/") { base.removeLast() }
        self.base = base
    }

    func page(of product: Product) -> String { DigitalLink.productURI(base: base, gtin: product.gtin, productID: product.id) }
    func file(_ sha256: String) -> String { "\(base)/files/\(sha256)" }
}

/// One line of a feed: a product to add or replace, or one to remove.
public enum FeedEntry: Sendable, Hashable {
    case upsert(FeedProduct)
    case removal(UUID)

    public var id: UUID {
        switch self {
        case .upsert(let product): return product.id
        case .removal(let id): return id
        }
    }
}

/// Everything one export publishes, read in one transaction of the national store.
public struct FeedSnapshot: Sendable {
    public var profile: FeedProfile
    public var since: FeedCursor?
    public var cursor: FeedCursor
    /// In product-id order; each product at most once.
    public var entries: [FeedEntry]

    /// The cursor an export read now on `date` would end at: the store's feed position (after
    /// numbering any captured writes). Cheap; tells whether a kept rendering is still current.
    public static func currentCursor(store: any NationalReads, asOf date: LocalDate) async throws -> FeedCursor {
        FeedCursor(sequence: Int64(clamping: try await store.feedPosition()), date: date)
    }

    /// Reads the feed of `profile` from `store` as of `date`: every product in the feed when
    /// `since` is `nil`, else only those whose feed entry may differ from the one at `since`
    /// (current entry, or a removal if it is no longer in the feed).
    ///
    /// Writes captured on the store but not yet numbered (e.g. made with the `sqlite3` shell)
    /// are numbered first; then everything is read in one read transaction, so a night's merge is
    /// seen whole or not at all.
    ///
    /// With `links`, products carry their public page and photos as URLs there.
    public static func read(
        store: any NationalReads, profile: FeedProfile, since: FeedCursor?, asOf date: LocalDate,
        links: FeedLinks? = nil, reference: ReferenceData = .standard
    ) async throws -> FeedSnapshot {
        try await store.readFeed(since: since.map { UInt64(max($0.sequence, 0)) }) { source in
            try snapshot(of: source, profile: profile, since: since, asOf: date, links: links, reference: reference)
        }
    }

    /// The feed entries `source` gives for `profile`: the publishing rules, the same for every
    /// backend.
    static func snapshot(
        of source: FeedSource, profile: FeedProfile, since: FeedCursor?, asOf date: LocalDate, links: FeedLinks? = nil,
        reference: ReferenceData
    ) throws -> FeedSnapshot {
        let sequence = Int64(clamping: source.position)
        if date < ReferenceData.programmeStart {
            throw FeedError.invalidDate("\(date) is before the OCOP programme began (\(ReferenceData.programmeStart), Decision 490/QĐ-TTg)")
        }
        if let since {
            guard since.sequence <= sequence else {
                throw FeedError.invalidCursor("\(since) is ahead of this store (at \(sequence)); was it made by another store?")
            }
            let collected = Int64(clamping: source.tombstonesCollectedThrough)
            guard since.sequence >= collected else {
                throw FeedError.cursorExpired(
                    "\(since) is older than the deletions the store has forgotten (through \(collected)); take a full export (without a cursor) and replace your copy"
                )
            }
            guard since.date <= date else {
                throw FeedError.invalidCursor("\(since) is dated after the export date \(date)")
            }
        }
        let products = source.products
        let producers = Dictionary(source.producers.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let tenants = Dictionary(source.tenants.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let certificates = Dictionary(grouping: source.certificates, by: \.productID)
        let policy = reference.certificationPolicy
        let histories = Self.histories(source)
        let issuedEvents = Dictionary(source.certificateEvents.filter { $0.kind == .issued }.map { ($0.certificateID, $0) },
                                      uniquingKeysWith: { a, b in a.id.uuidString < b.id.uuidString ? a : b })
        let offers = Dictionary(source.offers.map { ($0.productID, $0) }, uniquingKeysWith: { a, _ in a })
        let attachments = Dictionary(grouping: source.attachments.sorted { ($0.recordedOn, $0.id.uuidString) < ($1.recordedOn, $1.id.uuidString) },
                                     by: \.ownerID)
        let areas = Dictionary(source.materialAreas.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let grantedCodes = Dictionary(grouping: source.growingAreaCodes, by: \.materialAreaID)
        /// The area's own code, else the newest code granted to it that is valid on `date`.
        func growingAreaCode(_ areaID: UUID?) -> String? {
            guard let areaID else { return nil }
            if let code = areas[areaID]?.growingAreaCode { return code }
            return grantedCodes[areaID]?.filter { $0.validFrom <= date && ($0.validUntil.map { date <= $0 } ?? true) }
                .max { ($0.validFrom, $0.id.uuidString) < ($1.validFrom, $1.id.uuidString) }?.code
        }
        func inForce(_ certificate: Certificate, on day: LocalDate) -> Bool {
            histories[certificate.id]?.isInForce(on: day) ?? policy.isInForce(certificate, on: day)
        }

        // Which products to look at.
        var candidates: Set<UUID>? = nil
        if let since {
            let changes = source.changes ?? FeedChanges()
            var set = changes.products.union(changes.certificateProducts)
            for certificate in certificates.values.joined()
            where inForce(certificate, on: since.date) != inForce(certificate, on: date) {
                set.insert(certificate.productID)
            }
            for product in products where changes.tenantsChanged || changes.producers.contains(product.producerID)
                || product.materialAreaID.map(changes.materialAreas.contains) == true {
                set.insert(product.id)
            }
            candidates = set
        }

        func lastChange(_ table: String, _ id: UUID) throws -> HLC { try source.lastChange(table: table, id: id) }

        var entries: [FeedEntry] = []
        var seen = Set<UUID>()
        for product in products {
            seen.insert(product.id)
            if let candidates, !candidates.contains(product.id) { continue }
            guard product.status == .registered,
                  let certificate = (certificates[product.id] ?? [])
                    .filter({ inForce($0, on: date) && $0.stars >= policy.minimumCertifiedStars })
                    .max(by: { ($0.issuedOn, $0.id.uuidString) < ($1.issuedOn, $1.id.uuidString) }),
                  profile.includes(classificationVersion: product.classificationVersion, code: product.classificationCode, stars: certificate.stars),
                  let producer = producers[product.producerID]
            else {
                if candidates != nil { entries.append(.removal(product.id)) }
                continue
            }
            let province = Self.province(of: product.tenantID, tenants: tenants, on: date, reference: reference)
            var newest = try lastChange(Product.schema.name, product.id)
            newest = max(newest, try lastChange(Producer.schema.name, producer.id))
            newest = max(newest, try lastChange(Certificate.schema.name, certificate.id))
            newest = max(newest, try lastChange(Tenant.schema.name, product.tenantID))
            let offer = offers[product.id]
            if offer != nil { newest = max(newest, try lastChange(ProductOffer.schema.name, product.id)) }
            if let area = product.materialAreaID {
                newest = max(newest, try lastChange(MaterialArea.schema.name, area))
                for code in grantedCodes[area] ?? [] { newest = max(newest, try lastChange(GrowingAreaCode.schema.name, code.id)) }
            }
            // Photos of the product; scans of its certificate in force that may be published.
            let photos = (attachments[product.id] ?? []).filter { $0.role == .photo && $0.ownerTable == Product.schema.name }
            let scans = (attachments[certificate.id] ?? []).filter {
                $0.ownerTable == Certificate.schema.name && $0.isPublic(ownerIsHousehold: producer.isNaturalPerson)
            }
            for attachment in photos + scans { newest = max(newest, try lastChange(FileAttachment.schema.name, attachment.id)) }
            // The one rule for what leaves the store about a producer (households: label, names
            // scrubbed, descriptions that name the owner withheld).
            let face = PublicProducer(producer, provinceName: province.name, consents: source.consents, on: date)
            let descriptions = profile.fields.contains(.description)
                ? face.descriptions(vi: product.descriptionVi, en: product.descriptionEn) : (vi: nil, en: nil)
            entries.append(.upsert(FeedProduct(
                id: product.id, nameVi: face.productName(product.nameVi), nameEn: face.productName(product.nameEn),
                descriptionVi: descriptions.vi, descriptionEn: descriptions.en,
                gtin: profile.fields.contains(.gtin) ? product.gtin : nil,
                classificationVersion: product.classificationVersion, classificationCode: product.classificationCode,
                classificationLabelVi: reference.label(version: product.classificationVersion, code: product.classificationCode, in: .vi),
                classificationLabelEn: reference.label(version: product.classificationVersion, code: product.classificationCode, in: .en),
                certificate: certificate,
                issuer: Self.issuer(of: certificate, issued: issuedEvents[certificate.id], tenant: product.tenantID, tenants: tenants, reference: reference),
                provinceCode: province.code, provinceName: province.name,
                provinceISO: reference.provinces.isoCode(code: province.code, on: date),
                producer: FeedProducer(producer, public: face, profile: profile),
                dateModified: Self.iso8601(newest),
                offer: offer.map(FeedOffer.init),
                growingAreaCode: growingAreaCode(product.materialAreaID),
                pageURL: links?.page(of: product),
                imageURLs: links.map { links in Self.uniqueFiles(photos).map(links.file) } ?? [],
                certificateImageURLs: links.map { links in Self.uniqueFiles(scans).map(links.file) } ?? []
            )))
        }
        // Products deleted outright since the cursor.
        if let candidates {
            for id in candidates where !seen.contains(id) { entries.append(.removal(id)) }
        }
        entries.sort { $0.id.uuidString < $1.id.uuidString }
        return FeedSnapshot(profile: profile, since: since, cursor: FeedCursor(sequence: sequence, date: date), entries: entries)
    }

    /// The files' hashes in order, each once (one photo attached twice is one image).
    static func uniqueFiles(_ attachments: [FileAttachment]) -> [String] {
        var seen = Set<String>()
        return attachments.map(\.sha256).filter { seen.insert($0).inserted }
    }

    /// The code and name, on `date`, of the province a tenant was: merged tenants are followed
    /// to the tenant that took their rows, and a code the reference data retired by `date` (a
    /// merger not recorded in the dataset yet) is replaced by the unit that absorbed it.
    static func province(of tenantID: UUID, tenants: [UUID: Tenant], on date: LocalDate, reference: ReferenceData) -> (code: String, name: String) {
        guard var tenant = tenants[tenantID] else { return ("", "") }
        var hops = 0
        while let next = tenant.mergedInto.flatMap({ tenants[$0] }), hops < 16 {
            tenant = next
            hops += 1
        }
        if let unit = reference.provinces.unit(ofTenantCode: tenant.code, on: date) { return (unit.code, unit.name) }
        return (tenant.code, tenant.name)
    }

    /// Who issued `certificate`, named as on its day of issue: recorded with its `issued` fact;
    /// for a certificate from before facts were recorded, derived from its province's code on
    /// that day.
    static func issuer(of certificate: Certificate, issued: CertificateEvent?, tenant: UUID, tenants: [UUID: Tenant],
                       reference: ReferenceData) -> DecisionAuthority {
        // A province replica that had not yet received its own tenant row recorded no code: the
        // name it wrote then is a placeholder, so the issuer is derived as for older rows.
        if let issued, issued.authorityLevel == .central || issued.authorityCode != nil {
            return DecisionAuthority(level: issued.authorityLevel, code: issued.authorityCode, name: issued.authorityName)
        }
        if certificate.issuer == .central { return .central(on: certificate.issuedOn) }
        let code = tenants[certificate.tenantID]?.code ?? tenants[tenant]?.code ?? ""
        return DecisionAuthority.province(code: code, on: certificate.issuedOn, level: certificate.issuer, registry: reference.provinces)
            ?? DecisionAuthority(level: certificate.issuer, code: nil, name: "UBND cấp tỉnh")
    }

    /// Each certificate's dated history, from the source's facts.
    static func histories(_ source: FeedSource) -> [UUID: CertificateHistory] {
        let events = Dictionary(grouping: source.certificateEvents, by: \.certificateID)
        var successors: [UUID: LocalDate] = [:]
        for certificate in source.certificates {
            guard let previous = certificate.previousCertificateID else { continue }
            successors[previous] = min(successors[previous] ?? certificate.issuedOn, certificate.issuedOn)
        }
        var histories: [UUID: CertificateHistory] = [:]
        for certificate in source.certificates {
            histories[certificate.id] = CertificateHistory(certificate, events: events[certificate.id] ?? [], successorIssuedOn: successors[certificate.id])
        }
        return histories
    }

    static func iso8601(_ clock: HLC) -> String { clock.iso8601 }

    /// When the data this snapshot publishes was last changed: the newest `dateModified` of its
    /// entries, else the start (in Viet Nam) of its cursor's day. Derived from the data, never
    /// from the clock of the machine rendering it, so every daemon over one national dataset
    /// renders the same bytes, and the same ETag, for the same snapshot.
    var issued: String {
        let newest = entries.compactMap { entry -> String? in
            if case .upsert(let product) = entry { return product.dateModified }
            return nil
        }.max()
        let midnightInVietnam = max(cursor.date.daysSinceEpoch * 86_400_000 - 7 * 3_600_000, 0)
        return newest ?? Self.iso8601(HLC(millis: UInt64(midnightInVietnam), logical: 0))
    }
}

/// Why a feed could not be exported or verified.
public enum FeedError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidCursor(String)
    /// The `as of` date is one no feed can answer for (before the programme began).
    case invalidDate(String)
    /// The cursor is valid but too old: the store no longer remembers every deletion after it.
    case cursorExpired(String)
    case invalidKey(String)
    case io(String)
    case verificationFailed(String)

    public var description: String {
        switch self {
        case .invalidCursor(let message): return "invalid cursor: \(message)"
        case .invalidDate(let message): return "invalid date: \(message)"
        case .cursorExpired(let message): return "cursor expired: \(message)"
        case .invalidKey(let message): return "invalid key: \(message)"
        case .io(let message): return message
        case .verificationFailed(let message): return "verification failed: \(message)"
        }
    }
}
