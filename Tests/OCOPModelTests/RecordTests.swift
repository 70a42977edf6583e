import Foundation
import Testing
import OCOPModel

/// Shared sample records, valid unless a test changes them.
enum Sample {
    static let tenantID = UUID(uuidString: "01970000-0000-7000-8000-000000000001")!
    static let producerID = UUID(uuidString: "01970000-0000-7000-8000-000000000002")!
    static let productID = UUID(uuidString: "01970000-0000-7000-8000-000000000003")!
    static let areaID = UUID(uuidString: "01970000-0000-7000-8000-000000000004")!
    static func date(_ text: String) -> LocalDate { try! LocalDate(parsing: text) }

    static var tenant: Tenant { Tenant(id: tenantID, code: "15", name: "Lào Cai", kind: .province, validFrom: date("2025-07-01")) }
    static var producer: Producer {
        Producer(id: producerID, tenantID: tenantID, name: "Hợp tác xã Chè Shan tuyết Suối Giàng", type: .cooperative,
                 taxCode: "5200123456", commune: "Xã Suối Giàng", representative: "Giàng A Páo",
                 nationalID: "015085001234", phone: "0912 345 678", address: "Thôn Pang Cáng, xã Suối Giàng")
    }
    static var area: MaterialArea {
        MaterialArea(id: areaID, tenantID: tenantID, name: "Vùng chè Shan tuyết Suối Giàng", growingAreaCode: "VN-YBOR-0021",
                     commune: "Xã Suối Giàng", areaHa: 120.5)
    }
    static var product: Product {
        Product(id: productID, tenantID: tenantID, producerID: producerID, classificationCode: "1.5.a", nameVi: "Chè Shan tuyết Suối Giàng",
                nameEn: "Suoi Giang Shan Tuyet tea", descriptionVi: "Chè cổ thụ hái từ cây hàng trăm năm tuổi.",
                descriptionEn: "Tea from centuries-old trees.", materialAreaID: areaID, gtin: "8934567890120")
    }
    static var batch: Batch {
        Batch(tenantID: tenantID, productID: productID, materialAreaID: areaID, lotCode: "SG-2025-031",
              producedOn: date("2025-08-14"), quantity: 250, unit: "kg")
    }
    static func evaluation(a: Double = 30, b: Double = 20, c: Double = 25, bonus: Double = 0,
                           council: CouncilLevel = .province, on day: String = "2025-09-10") throws -> Evaluation {
        try Evaluation(tenantID: tenantID, productID: productID, evaluatedOn: date(day), council: council,
                       sheet: ScoringTests.sheet(a: a, b: b, c: c, bonus: bonus))
    }
}

@Suite("Record types: coding keys, validation")
struct RecordTests {
    /// Encodes with every optional set and returns the JSON object's keys.
    private func keys(_ record: some Encodable) throws -> Set<String> {
        let object = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(record)) as! [String: Any]
        return Set(object.keys)
    }

    private func columns(_ schema: TableSchema) -> Set<String> { Set([TableSchema.primaryKey] + schema.columnNames) }

    @Test func codingKeysAreExactlyTheSchemaColumns() throws {
        var tenant = Sample.tenant
        tenant.mergedInto = UUID()
        tenant.validUntil = Sample.date("2030-01-01")
        #expect(try keys(tenant) == columns(OCOPSchema.tenants))
        #expect(try keys(Sample.producer) == columns(OCOPSchema.producers))
        #expect(try keys(Sample.area) == columns(OCOPSchema.materialAreas))
        #expect(try keys(Sample.product) == columns(OCOPSchema.products))
        #expect(try keys(Sample.batch) == columns(OCOPSchema.batches))
        #expect(try keys(try Sample.evaluation()) == columns(OCOPSchema.evaluations))
        let issued = try CertificationPolicy.standard.issue(number: "15/QĐ-UBND", for: try Sample.evaluation(), issuer: .province, issuedOn: Sample.date("2025-10-01"))
        var certificate = issued.certificate
        certificate.previousCertificateID = UUID()
        #expect(try keys(certificate) == columns(OCOPSchema.certificates))
        #expect(Tenant.CodingKeys.allCases.count == OCOPSchema.tenants.columns.count + 1)
        #expect(Certificate.CodingKeys.allCases.map(\.stringValue) == ["id"] + OCOPSchema.certificates.columnNames)
        #expect(Evaluation.CodingKeys.allCases.map(\.stringValue) == ["id"] + OCOPSchema.evaluations.columnNames)
        #expect(Product.CodingKeys.allCases.map(\.stringValue) == ["id"] + OCOPSchema.products.columnNames)
        #expect(Producer.CodingKeys.allCases.map(\.stringValue) == ["id"] + OCOPSchema.producers.columnNames)
        #expect(Batch.CodingKeys.allCases.map(\.stringValue) == ["id"] + OCOPSchema.batches.columnNames)
        #expect(MaterialArea.CodingKeys.allCases.map(\.stringValue) == ["id"] + OCOPSchema.materialAreas.columnNames)
    }

    @Test func roundTripsThroughJSON() throws {
        let product = Sample.product
        #expect(try JSONDecoder().decode(Product.self, from: JSONEncoder().encode(product)) == product)
        let evaluation = try Sample.evaluation()
        #expect(try JSONDecoder().decode(Evaluation.self, from: JSONEncoder().encode(evaluation)) == evaluation)
        let json = String(decoding: try JSONEncoder().encode(Sample.producer), as: UTF8.self)
        #expect(json.contains(#""type":"cooperative""#))
        let group = Producer(tenantID: Sample.tenantID, name: "Tổ hợp tác Dệt thổ cẩm", type: .cooperativeGroup)
        #expect(String(decoding: try JSONEncoder().encode(group), as: UTF8.self).contains(#""type":"cooperative_group""#))
    }

    @Test func samplesAreValid() throws {
        try Sample.tenant.validate()
        try Sample.producer.validate()
        try Sample.area.validate()
        try Sample.product.validate()
        try Sample.batch.validate()
        try Sample.evaluation().validate()
    }

    @Test func initialisersNormaliseText() {
        let product = Product(tenantID: Sample.tenantID, producerID: Sample.producerID, classificationCode: " 1.4.a ",
                              nameVi: "  Nước mắm Phú Quốc ".decomposedStringWithCanonicalMapping, nameEn: "   ", gtin: "")
        #expect(product.nameVi.unicodeScalars.elementsEqual("Nước mắm Phú Quốc".precomposedStringWithCanonicalMapping.unicodeScalars))
        #expect(product.classificationCode == "1.4.a")
        #expect(product.nameEn == nil && product.gtin == nil)
        #expect(product.isValid())
    }

    @Test func emptyNameIsNamedByTableAndField() {
        var product = Sample.product
        product.nameVi = "  "
        #expect(product.validationErrors(reference: .standard).map(\.description) == ["products.name_vi: must not be empty"])
        #expect(throws: ValidationErrors([ValidationError(record: "products", field: "name_vi", reason: "must not be empty")])) {
            try product.validate()
        }
    }

    @Test func textThatBypassedTheInitialiserIsChecked() {
        var producer = Sample.producer
        producer.name = "Hợp tác xã Đồng Tâm".decomposedStringWithCanonicalMapping
        producer.commune = " Xã Tân Lập"
        producer.address = "Thôn 1\nxã Tân Lập"
        #expect(producer.validationErrors(reference: .standard).map(\.description) == [
            "producers.name: is not in Unicode NFC form (normalise it with normalizedNFC())",
            "producers.commune: has leading or trailing spaces",
            "producers.address: contains control characters",
        ])
    }

    @Test func productClassificationMustBeAKnownLeaf() {
        var product = Sample.product
        product.classificationCode = "1.1"
        #expect(product.validationErrors(reference: .standard).map(\.description) == ["products.classification_code: 1.1 has sub-divisions in QD148-2023; choose one of 1.1.a, 1.1.b"])
        product.classificationCode = "7.1"
        #expect(product.validationErrors(reference: .standard).map(\.description) == ["products.classification_code: \"7.1\" is not a code of classification QD148-2023"])
        product.classificationVersion = "QD1048-2019"
        product.classificationCode = "4"
        #expect(product.isValid())
        product.classificationVersion = "QD2030"
        #expect(product.validationErrors(reference: .standard).map(\.description) == ["products.classification_version: \"QD2030\" is not a known classification version (known: QD148-2023, QD1048-2019)"])
    }

    @Test(arguments: ["8934567890120", "96385074", "036000291452", "10012345678902"])
    func validGTINs(_ gtin: String) {
        #expect(Product.gtinProblem(gtin) == nil)
    }

    @Test func invalidGTINs() {
        #expect(Product.gtinProblem("8934567890123") == "8934567890123 has check digit 3, expected 0")
        #expect(Product.gtinProblem("89345678901") == "\"89345678901\" is not a GTIN: expected 8, 12, 13 or 14 digits")
        #expect(Product.gtinProblem("893456789012A") != nil)
    }

    @Test func producerFieldFormats() {
        var producer = Sample.producer
        producer.taxCode = "52001234"
        producer.nationalID = "01508500123"
        producer.phone = "091234567"
        #expect(producer.validationErrors(reference: .standard).map(\.field) == ["tax_code", "national_id", "phone"])
        for good in ["5200123456", "5200123456-001", "015085001234"] { #expect(Producer.isTaxCode(good), "\(good)") }
        for bad in ["5200123456-01", "52001234567", "5200-123456", "", "５２００１２３４５６"] { #expect(!Producer.isTaxCode(bad), "\(bad)") }
        for good in ["0912345678", "0356789012", "+84 912 345 678", "84912345678", "0214.3868.123", "(0214) 386-8123"] { #expect(Producer.isPhoneNumber(good), "\(good)") }
        for bad in ["912345678", "0012345678", "+84012345678", "09123456789", "0212345678", "phone"] { #expect(!Producer.isPhoneNumber(bad), "\(bad)") }
    }

    @Test func householdsAreNaturalPersonsAndMustNameTheirHead() {
        var household = Producer(tenantID: Sample.tenantID, name: "Hộ kinh doanh Lò Văn Minh", type: .household, phone: "0987654321")
        #expect(household.isNaturalPerson)
        #expect(!Sample.producer.isNaturalPerson)
        #expect(household.validationErrors(reference: .standard).map(\.description) == ["producers.representative: must name the head of the household for a household producer"])
        household.representative = "Lò Văn Minh"
        #expect(household.isValid())
        #expect(Producer.personalDataFields == ["representative", "national_id", "phone", "address"])
        let stripped = Sample.producer.withoutPersonalData()
        #expect(stripped.representative == nil && stripped.nationalID == nil && stripped.phone == nil && stripped.address == nil)
        #expect(stripped.name == Sample.producer.name && stripped.taxCode == Sample.producer.taxCode)
    }

    @Test func producerTypeReadsVietnameseLabels() {
        #expect(ProducerType(lenient: "HTX") == .cooperative)
        #expect(ProducerType(lenient: "Hợp tác xã") == .cooperative)
        #expect(ProducerType(lenient: "DOANH NGHIỆP") == .enterprise)
        #expect(ProducerType(lenient: "tổ hợp tác") == .cooperativeGroup)
        #expect(ProducerType(lenient: "cooperative_group") == .cooperativeGroup)
        #expect(ProducerType(lenient: "Hộ kinh doanh".decomposedStringWithCanonicalMapping) == .household)
        #expect(ProducerType(lenient: "hộ sản xuất") == .household)
        #expect(ProducerType(lenient: "hợp tác") == nil)
        #expect(ProducerType(rawValue: "cooperative group") == nil, "storage uses the exact value")
    }

    @Test func tenantRules() {
        #expect(Sample.tenant.isValid())
        var tenant = Sample.tenant
        tenant.code = "10"
        #expect(tenant.validationErrors(reference: .standard).map(\.description) == ["tenants.code: 10 was not a province code on 2025-07-01"])
        let old = Tenant(code: "10", name: "Lào Cai", kind: .province, mergedInto: Sample.tenantID,
                         validFrom: Sample.date("2010-01-01"), validUntil: Sample.date("2025-06-30"))
        #expect(old.isValid())
        var bad = old
        bad.validUntil = nil
        bad.mergedInto = bad.id
        bad.code = "1"
        #expect(bad.validationErrors(reference: .standard).map(\.field) == ["code", "valid_until", "merged_into"])
        var reversed = old
        reversed.validFrom = Sample.date("2026-01-01")
        #expect(reversed.validationErrors(reference: .standard).map(\.field).contains("valid_until"))
        let fromProvince = Tenant(province: ProvinceRegistry.units2025[0])
        #expect(fromProvince.code == "01" && fromProvince.kind == .city && fromProvince.isValid())
    }

    @Test("growing-area codes have the official shape", arguments: [
        ("VN-LCOR-0012", true), ("VN-YBOR-0021", true), ("VN-HNOR-0001-01", true),
        ("bad_code", false), ("VN_LCOR_0012", false), ("VN-LCOR", false), ("VN--0012", false), ("LCOR-0012", false),
        ("VN-LCOR-0012-", false), ("VN-lcor-0012", false), ("VN-LCÔR-0012", false), ("VN-A-B-C-D-E", false),
    ])
    func growingAreaCodeShape(code: String, valid: Bool) {
        #expect(MaterialArea.isGrowingAreaCode(code) == valid)
    }

    @Test func growingAreaCodesAreStoredInCapitals() {
        let area = MaterialArea(tenantID: UUID(), name: "Vùng chè", growingAreaCode: " vn-lcor-0012 ")
        #expect(area.growingAreaCode == "VN-LCOR-0012")
        #expect(area.validationErrors(reference: .standard).isEmpty)
    }

    @Test func materialAreaAndBatchRules() {
        var area = Sample.area
        area.areaHa = 0
        area.growingAreaCode = "VN YB 01"
        #expect(area.validationErrors(reference: .standard).map(\.description) == [
            "material_areas.growing_area_code: \"VN YB 01\" is not a growing-area code: expected VN-, then capital letters and digits in groups joined by -, e.g. VN-LCOR-0012",
            "material_areas.area_ha: 0 must be greater than 0",
        ])
        var batch = Sample.batch
        batch.lotCode = ""
        batch.quantity = -3
        batch.unit = nil
        #expect(batch.validationErrors(reference: .standard).map(\.description) == [
            "batches.lot_code: must not be empty",
            "batches.quantity: -3 must be greater than 0",
            "batches.unit: must be given when quantity is",
        ])
        batch.quantity = .infinity
        #expect(batch.validationErrors(reference: .standard).contains(ValidationError(record: "batches", field: "quantity", reason: "must be a number")))
    }

    @Test func idsAreUUIDv7ByDefault() {
        #expect(UUIDv7.isVersion7(Producer(tenantID: Sample.tenantID, name: "X", type: .enterprise).id))
        #expect(UUIDv7.isVersion7(Sample.batch.id))
    }
}
