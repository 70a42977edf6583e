import Foundation
import GRDB
import OCOPModel
import OCOPNetwork
import OCOPReplica
import OCOPStore
import OCOPSync
import OCOPTestSupport
import Testing

/// The server judges every pushed row with the model's own rules (issue 10, item 5): whatever it
/// accepts, every client can read.
@Suite("Daemon: one validation for every writer", .serialized)
struct ServerValidationTests {
    @Test func rowsNoClientCouldReadAreRefusedWithTheirReason() async throws {
        let daemon = try DaemonProcess()
        defer { daemon.cleanUp() }
        try await daemon.start()
        let province = try daemon.addProvince(code: "01", name: "Hà Nội")
        let tenant = try #require(province.tenant)
        let producer = Producer(tenantID: tenant, name: "HTX Mật ong Ba Vì", type: .cooperative)
        let good = Product(tenantID: tenant, producerID: producer.id, classificationCode: "1.2.b", nameVi: "Mật ong hoa nhãn")
        try province.replica.save(producer)
        try province.replica.save(good)
        let issued = try LocalDate(parsing: "2024-03-01")
        let certificate = Certificate(tenantID: tenant, productID: good.id, evaluationID: nil, number: "01/QĐ-UBND", stars: 3,
                                      issuer: .province, issuedOn: issued, expiresOn: try issued.adding(months: 36))
        try province.replica.save(certificate)
        #expect(try await province.sync(daemon).report.changesRefused == 0)

        // Plain SQL (the sqlite3 shell) writes what the typed records would refuse.
        let bad: [(name: String, status: String, gtin: String?, producer: Data)] = [
            ("Mật ong mã sai", "registered", "12345678", Data(producer.id.bytes)),
            ("Mật ong bị sửa", "hacked", nil, Data(producer.id.bytes)),
            ("Mật ong mồ côi", "registered", nil, productKey(424_242)),
        ]
        try province.replica.write { db in
            for (n, row) in bad.enumerated() {
                try db.execute(sql: """
                    INSERT INTO products(id, tenant_id, producer_id, classification_code, classification_version, name_vi, status, gtin)
                    VALUES (?, ?, ?, '1.2.b', 'QD148-2023', ?, ?, ?)
                    """, arguments: [productKey(n), tenant, row.producer, row.name, row.status, row.gtin])
            }
            // A certificate whose expiry is not issue + 36 months.
            try db.execute(sql: "UPDATE certificates SET expires_on = '2030-01-01' WHERE id = ?", arguments: [certificate.id])
        }
        let summary = try await province.sync(daemon)
        #expect(summary.report.changesRefused == 4)
        let parked = try province.replica.parkedRejections()
        let reasons = parked.map(\.reason).joined(separator: "\n")
        #expect(parked.allSatisfy { $0.code == RejectionCode.invalidData.rawValue }, "\(parked)")
        #expect(reasons.contains("gtin: 12345678 has check digit 8, expected 0"), "\(reasons)")
        #expect(reasons.contains("status"), "\(reasons)")
        #expect(reasons.contains("producer_id: no producers row has this id"), "\(reasons)")
        #expect(reasons.contains("expires_on"), "\(reasons)")

        // Every replica that pulls can read all it holds: another machine of the province and the
        // central office.
        let secondMachine = Participant(
            name: "Hà Nội 2", replica: try Replica.create(at: ":memory:", role: .province, tenantID: tenant),
            user: province.user, secret: province.secret, tenant: tenant
        )
        _ = try await secondMachine.sync(daemon)
        let central = try daemon.addCentral()
        _ = try await central.sync(daemon)
        for replica in [secondMachine.replica, central.replica] {
            let products = try replica.fetchAll(Product.self)
            #expect(products.map(\.nameVi) == ["Mật ong hoa nhãn"])
            let certificates = try replica.fetchAll(Certificate.self)
            #expect(certificates.map(\.expiresOn) == [try issued.adding(months: 36)], "the certificate as it was before the bad edit")
        }
    }

    /// Random rows, valid and not, pushed through the sync client straight from SQL: whatever the
    /// server accepts, a fresh replica of the province reads as typed records.
    @Test(arguments: [11, 12, 13] as [UInt64])
    func whateverTheServerAcceptsEveryClientCanRead(seed: UInt64) async throws {
        let daemon = try DaemonProcess()
        defer { daemon.cleanUp() }
        try await daemon.start()
        let province = try daemon.addProvince(code: "46", name: "Huế")
        let tenant = try #require(province.tenant)
        var random = SeededRandom(seed: seed)
        let producers = (0..<4).map { n in
            Producer(tenantID: tenant, name: RandomText.businessName(&random, n), type: [.cooperative, .enterprise, .cooperativeGroup][n % 3])
        }
        try province.replica.saveAll(producers)
        let statuses = ["registered", "draft", "discontinued", "hacked", "", "Registered"]
        let codes = ["1.2.b", "1.5.a", "1.4.a", "9.9.z", "1.2", ""]
        let gtins: [String?] = [nil, "8935049500155", "12345678", "abc", "89350495001550", "96385074"]
        var written = 0
        try province.replica.write { db in
            for n in 0..<60 {
                let producer: Data = random.next(upTo: 5) == 0 ? productKey(900_000 + n) : Data(producers[random.next(upTo: producers.count)].id.bytes)
                try db.execute(sql: """
                    INSERT INTO products(id, tenant_id, producer_id, classification_code, classification_version, name_vi, status, gtin)
                    VALUES (?, ?, ?, ?, 'QD148-2023', ?, ?, ?)
                    """, arguments: [
                        productKey(n), tenant, producer, codes[random.next(upTo: codes.count)],
                        random.next(upTo: 8) == 0 ? "   " : RandomText.productName(&random),
                        statuses[random.next(upTo: statuses.count)], gtins[random.next(upTo: gtins.count)],
                    ])
                written += 1
            }
        }
        let summary = try await province.sync(daemon)
        #expect(summary.report.changesPushed == written + producers.count)

        let fresh = Participant(
            name: "Huế 2", replica: try Replica.create(at: ":memory:", role: .province, tenantID: tenant),
            user: province.user, secret: province.secret, tenant: tenant
        )
        _ = try await fresh.sync(daemon)
        let products = try fresh.replica.fetchAll(Product.self)
        #expect(products.count == written - summary.report.changesRefused, "accepted rows all arrived")
        for product in products {
            #expect(product.isValid(), "the server accepted an invalid row: \(product)")
        }
    }
}

extension UUID {
    var bytes: [UInt8] { withUnsafeBytes(of: uuid) { Array($0) } }
}

