import Foundation
import GRDB
import OCOPModel
import OCOPReplica
import OCOPStore
import OCOPTestSupport
import Testing

/// A stranger's client: the stdlib-only Python client syncs with the real daemon, written from
/// the spec alone.
@Suite("Daemon: the Python client")
struct PythonAgainstDaemonTests {
    @Test func pythonClientPushesAndPullsAgainstTheRealDaemon() async throws {
        let daemon = try DaemonProcess()
        defer { daemon.cleanUp() }
        try await daemon.start()
        let province = try daemon.addProvince(code: "01", name: "Hà Nội", seedingProducer: false)
        let script = """
            import sys, uuid
            from ocop_client.session import Session
            port, user, secret, tenant = int(sys.argv[1]), sys.argv[2], sys.argv[3], uuid.UUID(sys.argv[4])
            replica = uuid.uuid4()
            stamp = {"hlc": 1795388956 << 16, "replica": replica, "counter": 1}
            producer = uuid.uuid4().bytes
            producer_columns = {name: {"value": value, "stamp": stamp} for name, value in {
                "tenant_id": tenant.bytes, "name": "HTX Nước mắm Phú Quốc", "type": "cooperative", "tax_code": None,
                "commune": None, "representative": None, "national_id": None, "phone": None, "address": None}.items()}
            columns = {name: {"value": value, "stamp": stamp} for name, value in {
                "tenant_id": tenant.bytes, "producer_id": producer, "classification_code": "1.4.a",
                "classification_version": "QD148-2023", "name_vi": "Nước mắm Phú Quốc", "name_en": "Phu Quoc fish sauce",
                "description_vi": None, "description_en": None, "material_area_id": None, "gtin": None, "status": "registered"}.items()}
            maker = {"table": "producers", "key": producer, "versionVector": {replica: 1},
                     "existence": {"isDeleted": False, "stamp": stamp}, "columns": producer_columns}
            change = {"table": "products", "key": uuid.uuid4().bytes, "versionVector": {replica: 1},
                      "existence": {"isDeleted": False, "stamp": stamp}, "columns": columns}
            with Session("127.0.0.1", port, user, secret, replica) as session:
                ack = session.push(1, 1, [maker, change])
                assert ack["lastAcknowledged"] == 1 and not ack["rejections"], ack
                page = session.pull(0)
                tables = sorted(c["table"] for c in page["changes"])
                assert tables == ["tenants"], tables  # its own push is not echoed back
            print("ok")
            """
        let (status, text) = try await runPythonClient(["-c", script, String(daemon.port), province.user, province.secret, province.tenant!.uuidString])
        #expect(status == 0, "\(text)")
        let names = try daemon.store().replica.read { try String.fetchAll($0, sql: "SELECT name_vi FROM products") }
        #expect(names == ["Nước mắm Phú Quốc"])
    }

    /// A client of schema 1 (the Python client's default) is never sent rows of the tables
    /// schema 2 added; a client of schema 2 is.
    @Test func aSchemaOneClientIsNotSentTheTablesSchemaTwoAdded() async throws {
        let daemon = try DaemonProcess()
        defer { daemon.cleanUp() }
        try await daemon.start()
        let province = try daemon.addProvince(code: "01", name: "Hà Nội", seedingProducer: false)
        let tenant = try #require(province.tenant)
        let store = try daemon.store()
        let producer = Producer(tenantID: tenant, name: "HTX Ô mai Hàng Đường", type: .cooperative)
        let product = Product(tenantID: tenant, producerID: producer.id, classificationCode: "1.3.c", nameVi: "Ô mai mơ")
        let evaluation = Evaluation(tenantID: tenant, productID: product.id, criteriaSet: "QD148-2023", evaluatedOn: LocalDate("2025-08-01")!,
                                    council: .province, partA: 32, partB: 20, partC: 28, bonus: 0, total: 80, stars: 4)
        try store.replica.save(producer)
        try store.replica.save(product)
        try store.replica.save(evaluation)
        try store.replica.save(try CertificateLedger.issue(
            number: "7/QĐ-UBND", for: evaluation, authority: try #require(DecisionAuthority.province(code: "01", on: LocalDate("2025-08-15")!)),
            decidedBy: "Văn phòng OCOP", issuedOn: LocalDate("2025-08-15")!, replacing: nil))
        let script = """
            import sys, uuid
            from ocop_client.session import Session
            port, user, secret = int(sys.argv[1]), sys.argv[2], sys.argv[3]
            for version in (1, 2):
                tables = set()
                with Session("127.0.0.1", port, user, secret, uuid.uuid4(), schema_version=version) as session:
                    cursor = 0
                    while True:
                        page = session.pull(cursor)
                        tables |= {c["table"] for c in page["changes"]}
                        cursor = page["nextCursor"]
                        if not page["hasMore"]:
                            break
                print(version, " ".join(sorted(tables)))
            """
        let (status, text) = try await runPythonClient(["-c", script, String(daemon.port), province.user, province.secret])
        #expect(status == 0, "\(text)")
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines == ["1 certificates evaluations producers products tenants",
                          "2 certificate_events certificates evaluations producers products tenants"], "\(text)")
    }

    /// Files from the spec alone: the Python client sends a file the store's row describes, in
    /// chunks; a second offer finds it stored; a file no row describes is refused.
    @Test func pythonClientSendsAFileToTheRealDaemon() async throws {
        let daemon = try DaemonProcess()
        defer { daemon.cleanUp() }
        try await daemon.start()
        let province = try daemon.addProvince(code: "01", name: "Hà Nội", seedingProducer: false)
        let tenant = try #require(province.tenant)
        let store = try daemon.store()
        let producer = Producer(tenantID: tenant, name: "HTX Nước mắm Phú Quốc", type: .cooperative)
        var bytes = [UInt8]("%PDF-1.7\n".utf8)
        for index in 0..<2_200_000 { bytes.append(UInt8(truncatingIfNeeded: index &* 2_654_435_761 >> 13)) }
        let sha256 = AttachmentFiles.sha256Hex(Data(bytes))
        try store.replica.save(producer)
        try store.replica.save(FileAttachment(tenantID: tenant, ownerTable: "producers", ownerID: producer.id, role: .dossierDocument,
                                              sha256: sha256, mediaType: .pdf, byteCount: Int64(bytes.count),
                                              recordedOn: LocalDate("2026-11-30")!, recordedBy: "Nguyễn Thị Lan"))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ocop-py-\(UUID().uuidString).pdf")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let script = """
            import sys, uuid
            from ocop_client.session import Session
            port, user, secret, path = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
            data = open(path, "rb").read()
            with Session("127.0.0.1", port, user, secret, uuid.uuid4()) as session:
                first = session.send_file(data)
                assert first["complete"] and first["sent"] == len(data), first
                again = session.send_file(data)
                assert again["state"] == "stored" and again["sent"] == 0, again
                stranger = session.send_file(b"%PDF-1.7 no row describes this file")
                assert stranger["state"] == "refused" and stranger["reason"] == 1, stranger
            print("ok")
            """
        let (status, text) = try await runPythonClient(["-c", script, String(daemon.port), province.user, province.secret, file.path])
        #expect(status == 0 && text.contains("ok"), "\(text)")
        #expect(try AttachmentFiles.beside(replicaAt: daemon.databasePath).contents(of: sha256) == Data(bytes))
    }
}
