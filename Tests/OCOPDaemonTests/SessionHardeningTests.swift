import Foundation
import GRDB
import Logging
import NIOCore
import NIOPosix
import OCOPModel
import OCOPNetwork
import OCOPReplica
import OCOPStore
import OCOPSync
@testable import OCOPWire
import Testing

/// Findings of an outside client and a national kill -9 run against the daemon's session
/// (issue 10): each test failed before its fix.
@Suite("Daemon: sessions hold against a stranger's client", .serialized)
struct SessionHardeningTests {
    // MARK: 1. Version negotiation

    @Test func aHelloWithoutACommonVersionIsRefusedAndTheDaemonLives() async throws {
        let daemon = try DaemonProcess()
        defer { daemon.cleanUp() }
        try await daemon.start()
        let province = try daemon.addProvince(code: "01", name: "Hà Nội")
        try insertProducts(province, range: 0..<3)

        for (minimum, maximum) in [(2, 3), (2, 2), (0, 0), (3, 2), (255, 255)] as [(UInt8, UInt8)] {
            let session = try await WireSession.connect(port: daemon.port)
            var hello = try FrameEncoder().encode(.hello(Hello(
                schemaVersion: 1, replica: province.replica.replicaID, user: province.user,
                clientNonce: Array(repeating: 9, count: 18), software: "outsider"
            )))
            // Versions are the first two payload bytes; the CRC covers them, so recompute it.
            hello[FrameHeader.size] = minimum
            hello[FrameHeader.size + 1] = maximum
            hello = refreshedChecksum(hello)
            try await session.send(hello)
            let reply = try await session.receive()
            guard case .error(let error)? = reply else {
                Issue.record("\(minimum)–\(maximum): expected ERROR, got \(String(describing: reply))")
                continue
            }
            // An empty range breaks HELLO's own rule (INVALID_VALUE); a range without 1 has no
            // common version.
            #expect(error.code == (minimum > maximum ? .invalidValue : .versionNegotiationFailed), "\(minimum)–\(maximum)")
            #expect(error.detail?.contains("HELLO") == true, "the error names the field: \(String(describing: error.detail))")
            #expect(try await session.waitForClose(), "closed after the refusal")
            #expect(daemon.isRunning, "\(minimum)–\(maximum) did not stop the daemon")
        }
        // A range that includes 1 still works.
        let session = try await WireSession.connect(port: daemon.port)
        try await session.send(refreshedChecksum(withVersions(0, 9, province)))
        guard case .challenge(let challenge)? = try await session.receive() else {
            Issue.record("no challenge for 0–9")
            return
        }
        #expect(challenge.version == 1)
        await session.close()
        let summary = try await province.sync(daemon)
        #expect(summary.report.changesPushed == 3)
    }

    // MARK: 2. Credentials end sessions

    @Test func disablingOrRotatingEndsSessionsAtTheirNextRequest() async throws {
        let daemon = try DaemonProcess()
        defer { daemon.cleanUp() }
        try await daemon.start()
        let province = try daemon.addProvince(code: "01", name: "Hà Nội")

        let session = try await WireSession.connect(port: daemon.port)
        try await session.logIn(province)
        try await session.send(.pull(Pull(cursor: 0, maxChanges: 10)))
        guard case .changes? = try await session.receive() else {
            Issue.record("the first pull should work")
            return
        }
        try await daemon.store().setEnabled(user: province.user, false)
        try await session.send(.pull(Pull(cursor: 0, maxChanges: 10)))
        let refused = try await session.receive()
        guard case .error(let error)? = refused else {
            Issue.record("a disabled account's session still pulled: \(String(describing: refused))")
            return
        }
        #expect(error.code == .forbidden)
        #expect(error.message.contains("disabled"))
        #expect(try await session.waitForClose())

        try await daemon.store().setEnabled(user: province.user, true)
        let second = try await WireSession.connect(port: daemon.port)
        try await second.logIn(province)
        let newSecret = "rotated-\(UUID().uuidString)"
        try await daemon.store().rotateSecret(user: province.user, verifier: ScramVerifier.make(secret: newSecret))
        try await second.send(.push(Push(schemaVersion: 1, firstCounter: 1, lastCounter: 1, changes: [], conflicts: [])))
        guard case .error(let rotated)? = try await second.receive() else {
            Issue.record("the session opened with the old secret still pushed")
            return
        }
        #expect(rotated.code == .forbidden)
        #expect(rotated.message.contains("rotated"))
        #expect(try await second.waitForClose())

        // The old secret fails to log in; the new one works.
        await #expect(throws: SyncClientError.self) { _ = try await province.sync(daemon) }
        let renewed = Participant(name: province.name, replica: province.replica, user: province.user, secret: newSecret, tenant: province.tenant)
        _ = try await renewed.sync(daemon)
    }

    @Test func aReplicaSyncedUnderAnotherAccountIsToldWhatToDo() async throws {
        let daemon = try DaemonProcess()
        defer { daemon.cleanUp() }
        try await daemon.start()
        let hanoi = try daemon.addProvince(code: "01", name: "Hà Nội")
        let hue = try daemon.addProvince(code: "46", name: "Huế")
        _ = try await hanoi.sync(daemon)
        // Hà Nội's replica file copied to Huế's machine and synced with Huế's account: the
        // client refuses before logging in (the server would register the replica to Huế).
        let copied = Participant(name: "copy", replica: hanoi.replica, user: hue.user, secret: hue.secret, tenant: hue.tenant)
        do {
            _ = try await copied.sync(daemon)
            Issue.record("a replica of another province synced")
        } catch let error as SyncClientError {
            #expect(error.kind == .authentication, "final, not retried: \(error)")
            #expect(error.message.contains("belongs to province \(hanoi.tenant!.uuidString.lowercased())"), "\(error.message)")
        }
        #expect(try await daemon.store().replicaStatuses().count == 1, "the copy was never registered")
        // Any client: the server refuses a replica registered to another account, saying what to do.
        let session = try await WireSession.connect(port: daemon.port)
        do {
            try await session.logIn(Participant(name: "copy", replica: hanoi.replica, user: hue.user, secret: hue.secret, tenant: hue.tenant))
            Issue.record("the server accepted a replica registered to another account")
        } catch let error as HarnessError {
            #expect(error.message.contains("FORBIDDEN") || error.message.contains("forbidden"), "\(error.message)")
            #expect(error.message.contains("belongs to another account") && error.message.contains("ocop init"), "\(error.message)")
        }
        #expect(daemon.isRunning)
    }

    // MARK: 3. Anonymous peers

    @Test func idleAnonymousSocketsCannotTakeTheProvincesSlots() async throws {
        let daemon = try DaemonProcess(limits: ["handshakeTimeoutSeconds": 2])
        defer { daemon.cleanUp() }
        try await daemon.start()
        let province = try daemon.addProvince(code: "01", name: "Hà Nội")
        try insertProducts(province, range: 0..<5)

        // 260 sockets from another machine (127.0.0.2), each sending two bytes and nothing more.
        var sockets: [WireSession] = []
        let connecting = ContinuousClock.now
        for _ in 0..<260 {
            let socket = try await WireSession.connect(port: daemon.port, from: "127.0.0.2")
            // Those turned away at once may be closed before the bytes go out.
            try? await socket.send(Array("OC".utf8))
            sockets.append(socket)
        }
        let connectingTime = ContinuousClock.now - connecting
        // The province still gets in, at once.
        let summary = try await province.sync(daemon)
        #expect(summary.report.changesPushed == 5)

        // Most were turned away at once with BUSY; the rest are closed at the handshake deadline.
        var busy = 0
        var timedOut = 0
        for socket in sockets {
            var messages: [Message] = []
            let closed = try await socket.waitForClose(timeout: .seconds(6), messages: &messages)
            #expect(closed, "every anonymous socket is closed within the deadline")
            for message in messages {
                if case .error(let error) = message, error.code == .busy { busy += 1 }
                if case .goodbye(let goodbye) = message, goodbye.reason == .idleTimeout { timedOut += 1 }
            }
            await socket.close()
        }
        // At most 16 anonymous connections from one address at a time: each 2 s deadline window
        // while the sockets were opening let at most 16 in.
        let windows = Int(connectingTime.components.seconds) / 2 + 1
        #expect(timedOut >= 1 && timedOut <= 16 * windows, "\(timedOut) timed out over \(windows) deadline windows")
        #expect(busy + timedOut == 260, "every socket was refused with BUSY or closed at the deadline")
        #expect(daemon.isRunning)
    }

    // MARK: 4. Memory under hostile input

    @Test func framesBeforeLoginAreSmall() async throws {
        let daemon = try DaemonProcess()
        defer { daemon.cleanUp() }
        try await daemon.start()
        // A header announcing a 16 MiB HELLO: refused from the header alone.
        let session = try await WireSession.connect(port: daemon.port)
        try await session.send(header(type: 0x01, compressed: false, length: 16 * 1024 * 1024))
        guard case .error(let error)? = try await session.receive() else {
            Issue.record("no error for a 16 MiB frame before login")
            return
        }
        #expect(error.code == .frameTooLarge)
        #expect(try await session.waitForClose())
    }

    @Test func thirtyTwoHostileConnectionsStayUnder150MB() async throws {
        let daemon = try DaemonProcess()
        defer { daemon.cleanUp() }
        try await daemon.start()
        let province = try daemon.addProvince(code: "01", name: "Hà Nội")
        try insertProducts(province, range: 0..<5)
        let baseline = try daemon.peakResidentBytes()

        // A real bomb: 64 MiB of zeros deflated to ~64 KiB, declared honestly as 64 MiB.
        let bomb = compressedFrame(type: MessageType.push.rawValue, inflating: [UInt8](repeating: 0, count: 64 * 1024 * 1024))
        var hostile: [WireSession] = []
        // 16 anonymous peers (from four addresses) send bombs before logging in…
        for n in 0..<16 {
            let session = try await WireSession.connect(port: daemon.port, from: "127.0.0.\(2 + n % 4)")
            try await session.send(bomb)
            hostile.append(session)
        }
        // …and 16 logged-in sessions of a province whose secret leaked send them after.
        for _ in 0..<16 {
            let session = try await WireSession.connect(port: daemon.port)
            try await session.logIn(province)
            hostile.append(session)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for session in hostile[16...] {
                group.addTask { try await session.send(bomb) }
            }
            try await group.waitForAll()
        }
        var codes: [WireError.Code] = []
        for session in hostile {
            var messages: [Message] = []
            _ = try await session.waitForClose(timeout: .seconds(20), messages: &messages)
            codes += messages.compactMap { if case .error(let error) = $0 { error.code } else { nil } }
            await session.close()
        }
        let peak = try daemon.peakResidentBytes()
        print("hostile memory: baseline \(baseline / 1_000_000) MB, peak \(peak / 1_000_000) MB, errors \(codes.count)")
        #expect(peak <= 150 * 1_000_000, "peak RSS \(peak / 1_000_000) MB (baseline \(baseline / 1_000_000) MB)")
        #expect(codes.count == 32, "every hostile connection got an ERROR: \(codes)")
        #expect(codes.allSatisfy { [.frameTooLarge, .decompressedTooLarge, .busy, .malformedPayload].contains($0) }, "\(codes)")
        #expect(daemon.isRunning)
        let summary = try await province.sync(daemon)
        #expect(summary.report.changesPushed == 5, "an honest province is served afterwards")
    }

    // MARK: 6. Spec and daemon agree

    @Test func pushCountersConflictRefusalsAndErrorDetails() async throws {
        let daemon = try DaemonProcess()
        defer { daemon.cleanUp() }
        try await daemon.start()
        let province = try daemon.addProvince(code: "01", name: "Hà Nội")

        // Before login: an unexpected message is refused with a detail naming the frame.
        let early = try await WireSession.connect(port: daemon.port)
        try await early.send(.pull(Pull(cursor: 0, maxChanges: 1)))
        guard case .error(let unexpected)? = try await early.receive() else {
            Issue.record("no error for PULL before HELLO")
            return
        }
        #expect(unexpected.code == .unexpectedMessage)
        #expect(unexpected.detail == "frame 0: PULL")

        let session = try await WireSession.connect(port: daemon.port)
        try await session.logIn(province)
        // firstCounter after lastCounter: refused, nothing applied, the session goes on.
        try await session.send(.push(Push(schemaVersion: 1, firstCounter: 5, lastCounter: 3, changes: [], conflicts: [])))
        guard case .error(let backwards)? = try await session.receive() else {
            Issue.record("firstCounter > lastCounter was accepted")
            return
        }
        #expect(backwards.code == .invalidValue)
        #expect(backwards.detail?.hasSuffix("PUSH.firstCounter") == true, "\(String(describing: backwards.detail))")

        try await session.send(.push(Push(schemaVersion: 1, firstCounter: 1, lastCounter: 10, changes: [], conflicts: [])))
        guard case .pushAck(let ten)? = try await session.receive() else { throw HarnessError(message: "no ack") }
        #expect(ten.lastAcknowledged == 10)
        // A lower lastCounter does not move the acknowledgement backwards.
        try await session.send(.push(Push(schemaVersion: 1, firstCounter: 1, lastCounter: 4, changes: [], conflicts: [])))
        guard case .pushAck(let four)? = try await session.receive() else { throw HarnessError(message: "no ack") }
        #expect(four.lastAcknowledged == 10)

        // A conflict record the server refuses is listed, numbered after the changes.
        let stamp = Stamp(hlc: HLC(millis: HLC.wallMillisNow(), logical: 0), dot: Dot(replica: province.replica.replicaID, counter: 11))
        let conflict = ConflictRecord(
            table: "products", key: .blob(Array(productKey(77))), column: "name_vi", kind: .concurrentUpdate,
            losingValue: .text("Mật ong"), losingStamp: stamp
        )
        try await session.send(.push(Push(schemaVersion: 1, firstCounter: 11, lastCounter: 11, changes: [], conflicts: [conflict])))
        guard case .pushAck(let ack)? = try await session.receive() else { throw HarnessError(message: "no ack") }
        #expect(ack.rejections.count == 1)
        #expect(ack.rejections.first?.index == 0, "index = number of changes + the conflict's position")
        #expect(ack.rejections.first?.message.contains("conflict record") == true)
        await session.close()
    }

    // MARK: helpers

    func withVersions(_ minimum: UInt8, _ maximum: UInt8, _ participant: Participant) throws -> [UInt8] {
        var hello = try FrameEncoder().encode(.hello(Hello(
            schemaVersion: 1, replica: participant.replica.replicaID, user: participant.user,
            clientNonce: Array(repeating: 9, count: 18), software: "outsider"
        )))
        hello[FrameHeader.size] = minimum
        hello[FrameHeader.size + 1] = maximum
        return hello
    }
}

/// A frame header alone (CRC of nothing), for frames refused from their header.
func header(type: UInt8, compressed: Bool, length: Int) -> [UInt8] {
    FrameHeader.magic + [1, type, compressed ? FrameHeader.compressedFlag : 0, 0]
        + [UInt8(length >> 24 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF), 0, 0, 0, 0]
}

/// `frame` with its CRC recomputed after a test edited its bytes.
func refreshedChecksum(_ frame: [UInt8]) -> [UInt8] {
    var frame = frame
    let crc = frame.withUnsafeBufferPointer { all in
        Zlib.crc32(UnsafeBufferPointer(rebasing: all[0..<12]), UnsafeBufferPointer(rebasing: all[FrameHeader.size...]))
    }
    frame[12] = UInt8(crc >> 24 & 0xFF)
    frame[13] = UInt8(crc >> 16 & 0xFF)
    frame[14] = UInt8(crc >> 8 & 0xFF)
    frame[15] = UInt8(crc & 0xFF)
    return frame
}

/// A compressed frame whose payload inflates to `payload` (declared honestly).
func compressedFrame(type: UInt8, inflating payload: [UInt8]) -> [UInt8] {
    let deflated = payload.withUnsafeBufferPointer { Zlib.deflate($0, dictionary: WireDictionary.bytes) }
    let declared = payload.count
    let body = [UInt8(declared >> 24 & 0xFF), UInt8(declared >> 16 & 0xFF), UInt8(declared >> 8 & 0xFF), UInt8(declared & 0xFF)] + deflated
    return refreshedChecksum(header(type: type, compressed: true, length: body.count) + body)
}

/// A province replica synced with the wrong account is refused before anything is sent (found by
/// an outsider: the first sync under another province's account pulled that province's rows and
/// tied the replica to it for ever).
@Suite("Sync client: a replica syncs only as its own province", .serialized)
struct ReplicaAccountTests {
    @Test func aFreshReplicaIsNotSyncedUnderAnotherProvincesAccount() async throws {
        let daemon = try DaemonProcess()
        defer { daemon.cleanUp() }
        try await daemon.start()
        let hanoi = try daemon.addProvince(code: "01", name: "Hà Nội")
        try insertProducts(hanoi, range: 0..<3)
        _ = try await hanoi.sync(daemon)
        let hcm = try daemon.addProvince(code: "79", name: "Hồ Chí Minh")
        // A new Hồ Chí Minh replica, with Hà Nội's account given by mistake (a wrong OCOP_USER).
        let wrong = Participant(name: "HCM", replica: hcm.replica, user: hanoi.user, secret: hanoi.secret, tenant: hanoi.tenant)
        await #expect { _ = try await wrong.sync(daemon) } throws: { ($0 as? SyncClientError)?.kind == .authentication }
        #expect(try productRows(hcm.replica.database, tenant: nil).isEmpty, "none of Hà Nội's rows were pulled")
        // Its own account still works afterwards.
        _ = try await hcm.sync(daemon)
        #expect(try await daemon.store().replicaStatuses().count == 2)
    }
}

/// A server that accepts and never answers (a wrong port, a hung peer) no longer holds a sync for
/// ever (found by an outsider: `ocop sync` against the HTTP port hung past 5 minutes).
@Suite("Sync client: no answer is a network failure, in bounded time")
struct SilentServerTests {
    @Test func aServerThatNeverAnswersTimesOut() async throws {
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { $0.eventLoop.makeSucceededVoidFuture() }
            .bind(host: "127.0.0.1", port: 0).get()
        let replica = try Replica.create(at: ":memory:", role: .province, tenantID: UUID())
        var configuration = SyncClientConfiguration(
            host: "127.0.0.1", port: listener.localAddress!.port!, user: replica.tenantID!.uuidString.lowercased(), secret: "x"
        )
        configuration.responseTimeoutSeconds = 1
        let started = ContinuousClock.now
        do {
            _ = try await SyncClient.sync(replica, configuration: configuration, logger: Logger(label: "test"))
            Issue.record("a silent server was taken for a sync")
        } catch let error as SyncClientError {
            #expect(error.kind == .unreachable, "retry later, exit 3: \(error)")
            #expect(error.message.contains("no answer"), "\(error.message)")
        }
        // Bounded, not instant: in a full run on two cores the client's tasks can wait minutes
        // for a thread; what matters is that the client's own timeout ended it ("no answer").
        #expect(ContinuousClock.now - started < .seconds(900))
        try await listener.close()
    }
}

/// Answers every connection with a TLS alert record, as a TLS-only port does to a plain client.
final class TLSAlertAnswer: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.writeAndFlush(NIOAny(ByteBuffer(bytes: [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46, 0, 0, 0, 0, 0, 0, 0, 0, 0])), promise: nil)
    }
}

@Suite("Sync client: another protocol on the port is named")
struct WrongProtocolTests {
    @Test func aTLSPortAnsweringAPlainClientSuggestsTLS() async throws {
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { $0.pipeline.addHandler(TLSAlertAnswer()) }
            .bind(host: "127.0.0.1", port: 0).get()
        let replica = try Replica.create(at: ":memory:", role: .province, tenantID: UUID())
        var configuration = SyncClientConfiguration(
            host: "127.0.0.1", port: listener.localAddress!.port!, user: replica.tenantID!.uuidString.lowercased(), secret: "x"
        )
        // The timer starts at connect; in a full run on two cores the hello can wait minutes for
        // a thread, and the alert would never be read.
        configuration.responseTimeoutSeconds = 900
        do {
            _ = try await SyncClient.sync(replica, configuration: configuration, logger: Logger(label: "test"))
            Issue.record("a TLS alert was taken for a sync")
        } catch let error as SyncClientError {
            #expect(error.message.contains("does not answer in the OCOP sync protocol") && error.message.contains("add --tls"), "\(error.message)")
        }
        try await listener.close()
    }
}

/// TLS files the daemon cannot use are named by setting and path (found by an outsider:
/// `Error: failedToLoadCertificate`, `fopen(file: …)`).
@Suite("Daemon: TLS settings it cannot use are named")
struct TLSSettingErrorTests {
    @Test func missingOrBrokenFilesAreNamed() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let garbage = directory.appendingPathComponent("garbage.pem").path
        try "not a certificate".write(toFile: garbage, atomically: true, encoding: .utf8)
        let missing = directory.appendingPathComponent("nokey.pem").path
        for (certificate, key, expected) in [
            (missing, missing, "tls.certificate: cannot read \(missing) (missing, or not readable by this user)"),
            (garbage, missing, "tls.certificate: \(garbage) is not a PEM certificate chain"),
        ] {
            var configuration = ServerConfiguration()
            configuration.listen = .init(host: "127.0.0.1", port: 0)
            configuration.tls = .init(certificate: certificate, privateKey: key)
            let server = SyncServer(configuration: configuration, store: try SQLiteNationalStore.open(at: ":memory:"),
                                    fakeSaltKey: Array(repeating: 1, count: 32), logger: Logger(label: "test"))
            await #expect { _ = try await server.bind() } throws: { ($0 as? ConfigurationError)?.message == expected }
        }
    }
}
