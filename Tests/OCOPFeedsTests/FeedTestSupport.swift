import Crypto
import Foundation
import OCOPFeeds
import OCOPModel
import OCOPReplica
import OCOPStore
import OCOPTestSupport
import Testing

let testVerifier = CredentialVerifier(salt: [1, 2, 3], iterations: 4096, storedKey: Array(repeating: 7, count: 32), serverKey: Array(repeating: 9, count: 32))

/// A seeded generator, so a failing property run can be repeated.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func date(_ text: String) -> LocalDate { LocalDate(text)! }

/// Leaf codes of QD148-2023, for random products.
let leafCodes: [String] = {
    let version = ClassificationVersion.qd148_2023
    return version.nodes.map(\.code).filter { version.isLeaf(code: $0) }
}()

/// A national store with a few provinces, and helpers to fill it.
final class Dataset {
    let store: SQLiteNationalStore
    var tenants: [UUID] = []
    var producers: [Producer] = []
    var products: [Product] = []
    var certificates: [Certificate] = []
    /// Every personal value of every household producer ever written.
    var personalValues: Set<String> = []
    /// The generated households, by producer id: their owners' names must never be published.
    var households: [UUID: RandomHousehold] = [:]

    init() throws {
        store = try SQLiteNationalStore.open(at: ":memory:")
        for (code, name) in [("01", "Hà Nội"), ("15", "Lào Cai"), ("92", "Cần Thơ")] {
            tenants.append(try store.addProvince(code: code, name: name, verifier: testVerifier))
        }
    }

    func addProducer(type: ProducerType, tenant: UUID, serial: Int, rng: inout SplitMix64) throws -> Producer {
        let digits = { (count: Int, rng: inout SplitMix64) in String((0..<count).map { _ in Character(String(Int.random(in: 0...9, using: &rng))) }) }
        let producer: Producer
        if type == .household {
            // Named after their owner, as households really are (the owner also in product
            // names and descriptions, see addProduct).
            var random = SeededRandom(seed: rng.next())
            let household = RandomHousehold.make(&random)
            let nationalID = "0" + digits(11, &rng)
            producer = Producer(
                tenantID: tenant, name: household.name, type: .household,
                taxCode: nationalID, commune: household.commune,
                representative: household.representative, nationalID: nationalID,
                phone: "09" + digits(8, &rng), address: "Số \(digits(3, &rng)) ngõ Kín \(serial)"
            )
            households[producer.id] = household
            // The commune is published on purpose: it is the place in the household's public
            // label ("Hộ sản xuất tại {commune}, {province}").
            personalValues.formUnion([producer.representative!, producer.nationalID!, producer.phone!, producer.address!])
        } else {
            producer = Producer(tenantID: tenant, name: "Hợp tác xã Đoàn Kết \(serial)", type: type, taxCode: digits(10, &rng),
                                representative: "Giám đốc \(serial)", phone: "02" + digits(9, &rng), address: "Thôn \(serial)")
        }
        try store.replica.save(producer)
        producers.append(producer)
        return producer
    }

    func addProduct(producer: Producer, serial: Int, code: String) throws -> Product {
        let household = households[producer.id]
        let product = Product(
            tenantID: producer.tenantID, producerID: producer.id, classificationCode: code,
            nameVi: household.map { "\($0.productNameVi) \(serial)" } ?? "Sản phẩm \(serial) \"đặc sản\"",
            nameEn: serial % 3 == 0 ? nil : household.map { "\($0.productNameEn) \(serial)" } ?? "Product \(serial), speciality",
            descriptionVi: household?.descriptionVi ?? "Mô tả \(serial)\nhai dòng",
            descriptionEn: household?.descriptionEn ?? "Description \(serial)", gtin: "8930000000002"
        )
        try store.replica.save(product)
        products.append(product)
        return product
    }

    @discardableResult
    func certify(_ product: Product, stars: Int, issuedOn: LocalDate, replacing previous: Certificate? = nil) throws -> Certificate {
        if var previous {
            previous.status = .superseded
            try store.replica.save(previous)
        }
        let certificate = Certificate(
            tenantID: product.tenantID, productID: product.id, evaluationID: nil, number: "\(Int.random(in: 1...999))/QĐ-UBND",
            stars: stars, issuer: stars == 5 ? .central : .province, issuedOn: issuedOn,
            expiresOn: try CertificationPolicy.standard.expiryDate(issuedOn: issuedOn), previousCertificateID: previous?.id
        )
        try store.replica.save(certificate)
        certificates.append(certificate)
        return certificate
    }

    func revoke(_ certificate: Certificate) throws {
        try store.replica.save(certificate.revoked())
    }

    /// A random dataset: `count` products of random producers (about 40% households), most
    /// certified on a random day of 2023–2025.
    func fill(count: Int, rng: inout SplitMix64) throws {
        for serial in 0..<count {
            let roll = Int.random(in: 0..<10, using: &rng)
            let type: ProducerType = roll < 4 ? .household : roll < 7 ? .cooperative : roll < 9 ? .enterprise : .cooperativeGroup
            let producer = try addProducer(type: type, tenant: tenants.randomElement(using: &rng)!, serial: serial, rng: &rng)
            let product = try addProduct(producer: producer, serial: serial, code: leafCodes.randomElement(using: &rng)!)
            var certificate: Certificate?
            if Int.random(in: 0..<10, using: &rng) < 8 {
                let issued = try date("2023-01-01").adding(days: Int.random(in: 0...900, using: &rng))
                certificate = try certify(product, stars: Int.random(in: 3...4, using: &rng), issuedOn: issued)
            }
            if Int.random(in: 0..<2, using: &rng) == 0 { try addShopData(product, certificate: certificate, rng: &rng) }
        }
    }

    /// What a shop needs, for some products: an offer, photos, a certificate scan, a material
    /// area with a growing-area code (its own, or granted later).
    func addShopData(_ product: Product, certificate: Certificate?, rng: inout SplitMix64) throws {
        let day = date("2024-03-01")
        let offer = ProductOffer(product: product, priceVND: Int.random(in: 0..<4, using: &rng) == 0 ? nil : Int64(Int.random(in: 1...900, using: &rng)) * 1000,
                                 availability: ProductOffer.Availability.allCases.randomElement(using: &rng)!,
                                 netQuantity: Int.random(in: 0..<2, using: &rng) == 0 ? nil : [500, 1.5, 750, 6].randomElement(using: &rng)!,
                                 netUnit: nil, recordedOn: day)
        var priced = offer
        if let quantity = offer.netQuantity { priced.netUnit = quantity == 1.5 ? .kilogram : quantity == 6 ? .piece : .gram }
        try store.replica.save(priced)
        func hash() -> String { (0..<4).map { _ in String(format: "%016llx", rng.next()) }.joined() }
        for index in 0..<Int.random(in: 0...2, using: &rng) {
            try store.replica.save(FileAttachment(tenantID: product.tenantID, ownerTable: "products", ownerID: product.id, role: .photo,
                                                  sha256: hash(), mediaType: index == 0 ? .jpeg : .webp, byteCount: 200_000,
                                                  title: "Ảnh \(index + 1)", recordedOn: day, recordedBy: "Cán bộ tỉnh"))
        }
        if let certificate {
            try store.replica.save(FileAttachment(tenantID: product.tenantID, ownerTable: "certificates", ownerID: certificate.id,
                                                  role: .certificateScan, sha256: hash(), mediaType: .pdf, byteCount: 900_000,
                                                  recordedOn: day, recordedBy: "Cán bộ tỉnh"))
        }
        if Int.random(in: 0..<2, using: &rng) == 0 {
            let granted = Bool.random(using: &rng)
            let code = "VN-\(["LCOR", "HNOR", "CTOR"].randomElement(using: &rng)!)-\(String(format: "%04d", Int(rng.next() % 10_000)))"
            let area = MaterialArea(tenantID: product.tenantID, name: "Vùng nguyên liệu \(product.nameVi.prefix(20))",
                                    growingAreaCode: granted ? nil : code)
            try store.replica.save(area)
            if granted {
                try store.replica.save(GrowingAreaCode(tenantID: product.tenantID, materialAreaID: area.id, code: code, crop: "Chè",
                                                       classificationCode: product.classificationCode, issuedBy: "Cục Bảo vệ thực vật",
                                                       validFrom: date("2023-06-01")))
            }
            var placed = product
            placed.materialAreaID = area.id
            try store.replica.save(placed)
            if let index = products.firstIndex(where: { $0.id == product.id }) { products[index] = placed }
        }
    }
}

let testKey = Curve25519.Signing.PrivateKey()

/// Scratch directories for one test, removed when the test ends.
final class Scratch {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("ocop-feeds-\(UUID().uuidString)")

    func make() -> URL { root.appendingPathComponent(UUID().uuidString) }

    deinit { try? FileManager.default.removeItem(at: root) }
}

/// The entries of a JSON-LD export, by product URN: the item's canonical JSON for an upsert,
/// `nil` for a removal. Fails the test on a product listed twice.
func jsonEntries(in directory: URL) throws -> [String: String?] {
    var entries: [String: String?] = [:]
    let pages = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix("page-") }.sorted()
    for page in pages {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent(page))) as! [String: Any]
        for element in object["dataFeedElement"] as! [[String: Any]] {
            let item = element["item"] as! [String: Any]
            let id = item["@id"] as! String
            #expect(entries[id] == nil, "\(id) listed twice in one export")
            if element["ocop:action"] as? String == "removal" {
                entries[id] = .some(nil)
            } else {
                let canonical = try JSONSerialization.data(withJSONObject: item, options: [.sortedKeys])
                entries[id] = String(decoding: canonical, as: UTF8.self)
            }
        }
    }
    return entries
}

/// The rows of a CSV export by product URN (the whole line), `nil` for a removal.
func csvEntries(in directory: URL) throws -> [String: String?] {
    let text = try String(contentsOf: directory.appendingPathComponent("products.csv"), encoding: .utf8)
    var entries: [String: String?] = [:]
    // Quoted fields may hold line breaks: split records on CRLF outside quotes.
    var records: [String] = []
    var current = ""
    var quoted = false
    for character in text {
        if character == "\"" { quoted.toggle() }
        if character == "\r\n" && !quoted { records.append(current); current = ""; continue }
        current.append(character)
    }
    for record in records.dropFirst() {
        let fields = record.split(separator: ",", maxSplits: 2, omittingEmptySubsequences: false)
        let id = String(fields[1])
        #expect(entries[id] == nil, "\(id) listed twice in one CSV export")
        entries[id] = fields[0] == "removal" ? .some(nil) : record
    }
    return entries
}

/// Applies an incremental export to a partner's copy.
func fold(_ base: inout [String: String], _ delta: [String: String?]) {
    for (id, value) in delta {
        if let value { base[id] = value } else { base[id] = nil }
    }
}

func upserts(_ entries: [String: String?]) -> [String: String] {
    entries.compactMapValues { $0 }
}
