import Crypto
import Foundation
import OCOPModel
import OCOPReplica
import OCOPStore
import OCOPSync

/// A lot worth tracing, in one province: a household's tea ("Hộ kinh doanh Nguyễn Văn An"),
/// two harvests from a material area with a growing-area code blended into one lot and packed,
/// a signed lab result on the blend and a signed product inspection, a certificate in force
/// today; and another producer's honey, without a GTIN, whose certificate was revoked.
public struct TraceFixture: Sendable {
    public static let gtin = "8934567890120"
    public static let owner = "Nguyễn Văn An"

    public let tenant: UUID
    public let household: Producer
    public let cooperative: Producer
    public let area: MaterialArea
    public let code: GrowingAreaCode
    public let tea: Product
    public let honey: Product
    public let harvestA: Batch
    public let harvestB: Batch
    public let blend: Batch
    public let honeyLot: Batch
    public let events: [LotEvent]
    public let teaCertificate: Certificate
    public let honeyCertificate: Certificate
    public let certificateEvents: [CertificateEvent]
    public let officeKey: Curve25519.Signing.PrivateKey
    public let key: InspectionKey
    /// The lab result on the blend, and the product's inspection (the one tests alter at rest).
    public let labResult: Inspection
    public let productInspection: Inspection

    public init(tenant: UUID, today: LocalDate = LocalDate(Date())) throws {
        self.tenant = tenant
        household = Producer(tenantID: tenant, name: "Hộ kinh doanh \(Self.owner)", type: .household, commune: "Xã Suối Giàng",
                             representative: Self.owner, nationalID: "015090001234", phone: "0912345678", address: "Thôn Pang Cáng, xã Suối Giàng")
        cooperative = Producer(tenantID: tenant, name: "HTX Mật ong Bản Liền", type: .cooperative, commune: "Xã Bản Liền")
        area = MaterialArea(tenantID: tenant, name: "Vùng chè Shan tuyết Suối Giàng", commune: "Xã Suối Giàng", areaHa: 12.5)
        code = GrowingAreaCode(tenantID: tenant, materialAreaID: area.id, code: "VN-YB-VC-0012", crop: "chè shan tuyết", classificationCode: "1.5.a",
                               issuedBy: "Chi cục Trồng trọt và BVTV tỉnh Lào Cai", validFrom: LocalDate("2025-01-01")!)
        tea = Product(tenantID: tenant, producerID: household.id, classificationCode: "1.5.a", nameVi: "Chè Shan tuyết ông An",
                      nameEn: "Shan tuyet tea", descriptionVi: "Chè do ông \(Self.owner) hái trên núi", materialAreaID: area.id, gtin: Self.gtin)
        honey = Product(tenantID: tenant, producerID: cooperative.id, classificationCode: "1.2.b", nameVi: "Mật ong bạc hà Bản Liền")
        harvestA = Batch(tenantID: tenant, productID: tea.id, materialAreaID: area.id, lotCode: "SG-H1", producedOn: LocalDate("2026-03-01")!, quantity: 120, unit: "kg")
        harvestB = Batch(tenantID: tenant, productID: tea.id, materialAreaID: area.id, lotCode: "SG-H2", producedOn: LocalDate("2026-03-02")!, quantity: 80, unit: "kg")
        blend = Batch(tenantID: tenant, productID: tea.id, lotCode: "ST/2026-B1", producedOn: LocalDate("2026-03-05")!, quantity: 190, unit: "kg")
        honeyLot = Batch(tenantID: tenant, productID: honey.id, lotCode: "MO-01", producedOn: LocalDate("2026-04-01")!, quantity: 50, unit: "lít")
        events = [
            LotEvent(tenantID: tenant, lotID: harvestA.id, eventType: .object, bizStep: "harvesting", action: "ADD",
                     eventTime: "2026-03-01T07:30:00+07:00", readPoint: "Đồi chè Pang Cáng", quantity: 120, unit: "kg", recordedBy: Self.owner),
            LotEvent(tenantID: tenant, lotID: harvestB.id, eventType: .object, bizStep: "harvesting", action: "ADD",
                     eventTime: "2026-03-02T07:00:00+07:00", quantity: 80, unit: "kg", recordedBy: Self.owner),
            LotEvent(tenantID: tenant, lotID: blend.id, eventType: .transformation, bizStep: "transforming",
                     eventTime: "2026-03-05T14:00:00+07:00", inputs: [harvestA.id, harvestB.id], outputs: [blend.id],
                     quantity: 190, unit: "kg", recordedBy: Self.owner),
            LotEvent(tenantID: tenant, lotID: blend.id, eventType: .object, bizStep: "packing", action: "OBSERVE",
                     eventTime: "2026-03-06T01:00:00Z", recordedBy: Self.owner),
            LotEvent(tenantID: tenant, lotID: honeyLot.id, eventType: .object, bizStep: "packing", action: "OBSERVE",
                     eventTime: "2026-04-01T09:00:00+07:00", recordedBy: "HTX"),
        ]
        let issued = try today.adding(months: -12)
        teaCertificate = Certificate(tenantID: tenant, productID: tea.id, evaluationID: nil, number: "12/QĐ-UBND", stars: 4, issuer: .province,
                                     issuedOn: issued, expiresOn: try issued.adding(months: 36), status: .active, previousCertificateID: nil)
        honeyCertificate = Certificate(tenantID: tenant, productID: honey.id, evaluationID: nil, number: "13/QĐ-UBND", stars: 3, issuer: .province,
                                       issuedOn: issued, expiresOn: try issued.adding(months: 36), status: .revoked, previousCertificateID: nil)
        certificateEvents = [
            CertificateEvent(tenantID: tenant, certificateID: teaCertificate.id, kind: .issued, effectiveOn: issued, authorityLevel: .province,
                             authorityCode: "15", authorityName: "UBND tỉnh Lào Cai", decidedBy: "Chủ tịch UBND tỉnh"),
            CertificateEvent(tenantID: tenant, certificateID: honeyCertificate.id, kind: .issued, effectiveOn: issued, authorityLevel: .province,
                             authorityCode: "15", authorityName: "UBND tỉnh Lào Cai", decidedBy: "Chủ tịch UBND tỉnh"),
            CertificateEvent(tenantID: tenant, certificateID: honeyCertificate.id, kind: .revoked, effectiveOn: try today.adding(days: -10),
                             authorityLevel: .province, authorityCode: "15", authorityName: "UBND tỉnh Lào Cai", decidedBy: "Chủ tịch UBND tỉnh",
                             reason: "Vi phạm an toàn thực phẩm"),
        ]
        officeKey = Curve25519.Signing.PrivateKey()
        key = InspectionKey(office: "Chi cục QLCL Nông lâm sản và Thủy sản Lào Cai", tenantCode: "15",
                            publicKey: officeKey.publicKey.rawRepresentation.base64EncodedString(), validFrom: LocalDate("2026-01-01")!)
        labResult = try Inspection(tenantID: tenant, productID: tea.id, lotID: blend.id, keyID: key.id, kind: .labResult,
                                   inspectedOn: LocalDate("2026-03-10")!, verdict: .pass, findings: "Đạt QCVN 8-2:2011/BYT",
                                   inspector: "Phạm Văn Đức").signed(with: officeKey)
        productInspection = try Inspection(tenantID: tenant, productID: tea.id, lotID: nil, keyID: key.id, kind: .inspection,
                                           inspectedOn: LocalDate("2026-04-20")!, verdict: .fail, findings: "Nhãn thiếu hạn sử dụng",
                                           inspector: "Phạm Văn Đức").signed(with: officeKey)
    }

    /// Writes the province's records (everything but the inspections) in its replica.
    public func write(to replica: Replica) throws {
        try replica.saveAll([household, cooperative])
        try replica.save(area)
        try replica.save(code)
        try replica.saveAll([tea, honey])
        try replica.saveAll([harvestA, harvestB, blend, honeyLot])
        try replica.saveAll(events)
        try replica.saveAll([teaCertificate, honeyCertificate])
        try replica.saveAll(certificateEvents)
    }

    /// Registers the office's key and pushes both inspections as the office's account would.
    public func pushInspections(to store: any NationalBackend, verifier: CredentialVerifier) async throws {
        try await store.saveInspectionKey(key, reference: .standard)
        let user = "qlcl-\(tenant.uuidString.prefix(8).lowercased())"
        try await store.addInspectorAccount(user: user, tenantID: tenant, verifier: verifier)
        guard let account = try await store.account(user: user) else { throw TraceFixtureError("no inspector account") }
        let replica = ReplicaID(uuid: UUID())
        _ = try await store.openSession(replica: replica, account: account)
        var changes: [RowChange] = []
        for (offset, inspection) in [labResult, productInspection].enumerated() {
            let (id, values) = try inspection.syncValues()
            var state = RowState()
            state.recordWrite(values, stamp: Stamp(hlc: HLC(millis: HLC.wallMillisNow(), logical: 0),
                                                   dot: Dot(replica: replica, counter: UInt64(offset + 1))), insert: true)
            changes.append(RowChange(table: Inspection.schema.name, key: id, state: state))
        }
        let batch = PushBatch(schemaVersion: OCOPSchema.version, firstCounter: 1, lastCounter: UInt64(changes.count), changes: changes, conflicts: [])
        let result = try await store.push(batch, from: Principal(replica: replica, account: account))
        guard result.refused.isEmpty else { throw TraceFixtureError("inspections refused: \(result.refused)") }
    }
}

public struct TraceFixtureError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension Seed {
    /// The trace fixture written in province 01 and synced, its inspections pushed by the
    /// province's inspection office.
    public func addTraceFixture() async throws -> TraceFixture {
        let fixture = try TraceFixture(tenant: harness.tenants["01"]!)
        try fixture.write(to: harness.replica("01"))
        try await harness.sync("01")
        try await fixture.pushInspections(to: harness.store, verifier: testVerifier)
        return fixture
    }
}
