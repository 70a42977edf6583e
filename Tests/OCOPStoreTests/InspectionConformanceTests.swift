import Crypto
import Foundation
import OCOPModel
import OCOPReplica
import OCOPStore
import OCOPSync
import Testing

/// The state's word, on every backend: only an inspection office's account writes inspections,
/// it writes nothing else, and what it writes must carry a signature that verifies against the
/// office's registered key.
@Suite("Store conformance: signed inspections")
struct InspectionConformanceTests {
    static let verifier = CredentialVerifier(salt: Array(repeating: 3, count: 16), iterations: 4096,
                                             storedKey: Array(repeating: 5, count: 32), serverKey: Array(repeating: 6, count: 32))

    @Test("only an inspection office writes inspections, and only signed ones", arguments: StoreBackendFactory.all)
    func onlyOfficesWriteSignedInspections(_ factory: StoreBackendFactory) async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("ocop-inspections-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let store = try await factory.open(scratch)
        let tenant = try await store.addProvince(code: "15", name: "Lào Cai", verifier: Self.verifier)
        try await store.addInspectorAccount(user: "qlcl-lao-cai", tenantID: tenant, verifier: Self.verifier)
        let officeKey = Curve25519.Signing.PrivateKey()
        let key = InspectionKey(office: "Chi cục QLCL Nông lâm sản và Thủy sản Lào Cai", tenantCode: "15",
                                publicKey: officeKey.publicKey.rawRepresentation.base64EncodedString(), validFrom: LocalDate("2026-01-01")!)
        try await store.saveInspectionKey(key, reference: .standard)

        // The province records its product and syncs.
        let province = try Replica.create(at: ":memory:", role: .province, tenantID: tenant)
        let producer = Producer(tenantID: tenant, name: "HTX Chè Shan tuyết Bản Liền", type: .cooperative)
        let product = Product(tenantID: tenant, producerID: producer.id, classificationCode: "1.5.a", nameVi: "Chè Shan tuyết Bản Liền")
        try province.save(producer)
        try province.save(product)
        let provinceAccount = try #require(try await store.account(user: tenant.uuidString.lowercased()))
        #expect(!provinceAccount.isInspector)
        _ = try await store.openSession(replica: province.replicaID, account: provinceAccount)
        _ = try await province.sync(over: InProcessChannel(store: store, principal: Principal(replica: province.replicaID, account: provinceAccount)))

        let signed = try Inspection(tenantID: tenant, productID: product.id, lotID: nil, keyID: key.id, kind: .labResult,
                                    inspectedOn: LocalDate("2026-03-10")!, verdict: .pass, findings: "Dư lượng thuốc BVTV dưới ngưỡng cho phép",
                                    inspector: "Phạm Văn Đức").signed(with: officeKey)
        func push(_ record: some SyncedRecord, as account: Account, counter: UInt64) async throws -> PushResult {
            let replica = ReplicaID(uuid: UUID())
            _ = try await store.openSession(replica: replica, account: account)
            let (id, values) = try record.syncValues()
            var state = RowState()
            state.recordWrite(values, stamp: Stamp(hlc: HLC(millis: HLC.wallMillisNow(), logical: 0), dot: Dot(replica: replica, counter: counter)), insert: true)
            let batch = PushBatch(schemaVersion: OCOPSchema.version, firstCounter: counter, lastCounter: counter,
                                  changes: [RowChange(table: type(of: record).schema.name, key: id, state: state)], conflicts: [])
            return try await store.push(batch, from: Principal(replica: replica, account: account))
        }

        // A province's ordinary account may not write the state's word, even correctly signed.
        let refused = try await push(signed, as: provinceAccount, counter: 1)
        #expect(refused.refused.first?.code == .readOnlyTable, "\(refused)")
        #expect(refused.refused.first?.message.contains("inspection office") == true)

        let office = try #require(try await store.account(user: "qlcl-lao-cai"))
        #expect(office.isInspector && office.tenantID == tenant)
        // The office's account: an altered inspection is refused, a signed one accepted.
        var altered = signed
        altered.verdict = .fail
        let forged = try await push(altered, as: office, counter: 1)
        #expect(forged.refused.first?.code == .invalidData && forged.refused.first?.message.contains("signature") == true, "\(forged)")
        let accepted = try await push(signed, as: office, counter: 2)
        #expect(accepted.refused.isEmpty && accepted.applied == 1, "\(accepted)")
        // …and it writes nothing else.
        var renamed = product
        renamed.nameEn = "Changed by an inspector"
        let notItsJob = try await push(renamed, as: office, counter: 3)
        #expect(notItsJob.refused.first?.code == .readOnlyTable, "\(notItsJob)")

        // The province receives the inspection and can verify it itself.
        _ = try await province.sync(over: InProcessChannel(store: store, principal: Principal(replica: province.replicaID, account: provinceAccount)))
        let received = try #require(try province.fetch(Inspection.self, id: signed.id))
        let receivedKey = try #require(try province.fetch(InspectionKey.self, id: key.id))
        #expect(received.isSigned(by: receivedKey))
        #expect(!altered.isSigned(by: receivedKey))
    }
}
