import Foundation
import OCOPNetwork
import OCOPReplica
import OCOPStore
import OCOPSync
import OCOPWire
import Testing

@Suite("Daemon: hostile input is refused and everyone else keeps being served", .serialized)
struct HostileInputTests {
    func helloFor(_ participant: Participant, nonce: [UInt8]) -> Hello {
        Hello(schemaVersion: 1, replica: participant.replica.replicaID, user: participant.user, clientNonce: nonce, software: "test")
    }

    @Test func badFramesGetTypedErrorsAndTheDaemonKeepsServing() async throws {
        let daemon = try DaemonProcess()
        defer { daemon.cleanUp() }
        try await daemon.start()
        let province = try daemon.addProvince(code: "01", name: "Hà Nội")
        try insertProducts(province, range: 0..<10)

        let hello = try frame(.hello(helloFor(province, nonce: Array(repeating: 7, count: 18))))
        var corrupted = hello
        corrupted[corrupted.count - 1] ^= 0xFF
        var oversized = hello
        oversized[8...11] = [0x7F, 0xFF, 0xFF, 0xFF]
        var unknownType = hello
        unknownType[5] = 0x55
        let cases: [(String, [UInt8], WireError.Code)] = [
            ("garbage", Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8), .badMagic),
            ("bad checksum", corrupted, .checksumMismatch),
            ("length over the limit", oversized, .frameTooLarge),
            ("unknown message type", unknownType, .unknownMessageType),
        ]
        for (name, bytes, expected) in cases {
            let connection = try await RawConnection.connect(port: daemon.port)
            let (messages, closed) = try await connection.exchange(bytes)
            guard case .error(let error)? = messages.first else {
                Issue.record("\(name): expected an ERROR frame, got \(messages)")
                continue
            }
            #expect(error.code == expected, "\(name)")
            #expect(closed, "\(name): the daemon closes a connection it cannot trust")
        }
        // A truncated frame: the peer goes away mid-frame; nothing to answer, nothing breaks.
        let truncated = try await RawConnection.connect(port: daemon.port)
        _ = try await truncated.exchange(Array(hello.prefix(10)), halfClose: true, timeout: .milliseconds(500))

        #expect(daemon.isRunning)
        let summary = try await province.sync(daemon)
        #expect(summary.report.changesPushed == 10, "the daemon still serves a good client")
    }

    @Test func wrongSecretsAndReplayedProofsAreRefused() async throws {
        let daemon = try DaemonProcess()
        defer { daemon.cleanUp() }
        try await daemon.start()
        let province = try daemon.addProvince(code: "46", name: "Huế")

        // A wrong secret.
        let impostor = Participant(name: "x", replica: province.replica, user: province.user, secret: "not the secret", tenant: province.tenant)
        await #expect { _ = try await impostor.sync(daemon) } throws: { ($0 as? SyncClientError)?.kind == .authentication }
        // An unknown user gets the same answer.
        let stranger = Participant(name: "x", replica: province.replica, user: UUID().uuidString.lowercased(), secret: "whatever", tenant: nil)
        await #expect { _ = try await stranger.sync(daemon) } throws: { ($0 as? SyncClientError)?.kind == .authentication }

        // A proof captured from a good login, replayed on a new connection.
        let nonce = Array(repeating: UInt8(3), count: 18)
        let hello = helloFor(province, nonce: nonce)
        let first = try await RawConnection.connect(port: daemon.port)
        let firstReply = try await first.exchange(try frame(.hello(hello)), timeout: .seconds(2))
        guard case .challenge(let challenge)? = firstReply.messages.first else {
            Issue.record("no challenge: \(firstReply)")
            return
        }
        let (proof, _) = Scram.clientProof(secret: province.secret, hello: hello, challenge: challenge)
        let second = try await RawConnection.connect(port: daemon.port)
        let replayed = try await second.exchange(try frame(.hello(hello)) + frame(.authProof(AuthProof(proof: proof))))
        let errors = replayed.messages.compactMap { if case .error(let error) = $0 { error.code } else { nil } }
        #expect(errors == [.authenticationFailed], "a replayed proof fails against a fresh server nonce")
        #expect(replayed.closed)

        // A disabled account cannot log in, even with the right secret.
        try await daemon.store().setEnabled(user: province.user, false)
        await #expect { _ = try await province.sync(daemon) } throws: { ($0 as? SyncClientError)?.kind == .authentication }
        try await daemon.store().setEnabled(user: province.user, true)
        _ = try await province.sync(daemon)
    }

    @Test func crossTenantWritesAreRefusedAndParkedWhileTheRestSyncs() async throws {
        let daemon = try DaemonProcess()
        defer { daemon.cleanUp() }
        try await daemon.start()
        let hanoi = try daemon.addProvince(code: "01", name: "Hà Nội")
        let hue = try daemon.addProvince(code: "46", name: "Huế")
        try insertProducts(hanoi, range: 0..<5)
        // Plain SQL can write anything locally; the server decides.
        try hanoi.replica.write { db in
            try db.execute(sql: """
                INSERT INTO products(id, tenant_id, producer_id, classification_code, classification_version, name_vi, status)
                VALUES (?, ?, ?, '1.2.b', 'QD148-2023', 'Giả mạo Huế', 'registered')
                """, arguments: [productKey(500), hue.tenant, productKey(1)])
        }
        let summary = try await hanoi.sync(daemon)
        #expect(summary.report.changesRefused == 1)
        let parked = try hanoi.replica.parkedRejections()
        #expect(parked.count == 1 && parked[0].code == RejectionCode.forbiddenTenant.rawValue)
        #expect(parked[0].reason.contains("tenant_id"))
        _ = try await hue.sync(daemon)
        #expect(try productRows(hue.replica.database, tenant: nil).isEmpty, "Huế never sees Hà Nội's rows, nor the forged one")
        #expect(try productRows(daemon.store().replica.database, tenant: nil).count == 5)
    }

    @Test func gracefulShutdownFinishesAndRestartResumes() async throws {
        let daemon = try DaemonProcess()
        defer { daemon.cleanUp() }
        try await daemon.start()
        let province = try daemon.addProvince(code: "01", name: "Hà Nội")
        try insertProducts(province, range: 0..<2_000)
        let sync = Task { try await province.sync(daemon) }
        try await Task.sleep(for: .milliseconds(300))
        await daemon.stop()
        #expect(daemon.process?.terminationStatus == 0, "SIGTERM ends the daemon cleanly")
        _ = await sync.result
        try await daemon.start()
        _ = try await province.sync(daemon)
        #expect(try productRows(daemon.store().replica.database, tenant: nil).count == 2_000)
        #expect(try province.replica.syncPosition().pendingWrites == 0)
    }
}
