import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import OCOPModel
import OCOPReplica
import OCOPSync
import OCOPWire

/// Where and how a replica reaches the central daemon.
public struct SyncClientConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// The account: the province's tenant id, or "central".
    public var user: String
    /// The account's secret. It never crosses the wire (SCRAM).
    public var secret: String
    /// Use TLS, trusting the system roots or the given CA file.
    public var useTLS = false
    public var caFile: String?
    /// Rows per pull page.
    public var pageSize: UInt32 = 2_000
    /// Local writes per push. Small enough that a daemon holding many provinces' decoded pushes
    /// at once stays small; large enough that round trips and commits do not dominate.
    public var batchSize = 500
    /// Seconds without a byte from the server (while waiting for an answer, or mid-answer)
    /// after which the sync gives up with "no answer" (exit 3).
    public var responseTimeoutSeconds = 120
    /// How many times a BUSY answer is retried (with back-off from 0.25 s, doubling) before
    /// the sync fails.
    public var busyRetries = 7
    /// The replica's attachments' files (`REPLICA.files`): sent after the rows. Nil sends none.
    public var files: AttachmentFiles?

    public init(host: String, port: Int, user: String, secret: String) {
        self.host = host
        self.port = port
        self.user = user
        self.secret = secret
    }
}

/// Why a sync failed, with the exit code a script can act on.
public struct SyncClientError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        /// The daemon could not be reached: retry later.
        case unreachable
        /// The daemon refused the credentials: fix them.
        case authentication
        /// The daemon or the link broke the protocol, or the daemon reported an error: retry later.
        case protocolFailure
    }

    public var kind: Kind
    public var message: String
    /// The server answered BUSY: it is overloaded for a moment, and the same sync a little later
    /// will go through.
    public var serverWasBusy = false
    /// The server refused one file's chunk (FILE_REFUSED) and the session goes on: its reason.
    public var fileRefusal: String?
    /// The server does not know the file messages (UNKNOWN_MESSAGE_TYPE to FILE_OFFER).
    public var serverPredatesFiles = false
    public var description: String { message }
}

/// What one `ocop sync` did.
public struct SyncSummary: Sendable {
    public var report: SyncReport
    /// The files sent after the rows (nil when none were to be sent).
    public var files: FileUploadReport?
    public var bytesSent: Int
    public var bytesReceived: Int
    public var duration: Duration
    /// From connecting until the rows were pushed and pulled (files come after).
    public var rowsDuration: Duration = .zero
}

/// The province side of the protocol: connects, authenticates, pushes then pulls.
public enum SyncClient {
    /// Syncs `replica` with the daemon. Safe to run again after any failure.
    ///
    /// A server that answers BUSY (too many provinces logging in at once, no memory free for a
    /// frame) is tried again a few times with jittered back-off, about 30 s in all, before the
    /// error is reported: the nightly rush should not fail a province's sync.
    public static func sync(
        _ replica: Replica, configuration: SyncClientConfiguration, logger: Logger,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, progress: @escaping @Sendable (SyncProgress) -> Void = { _ in }
    ) async throws -> SyncSummary {
        // Checked before connecting: the server registers a replica to the first account it
        // syncs under, so a wrong account must not even log in with it.
        if let problem = accountMismatch(replica: replica, user: configuration.user) {
            throw SyncClientError(kind: .authentication, message: problem)
        }
        var delay = Duration.milliseconds(250)
        // Files sent by an attempt that the server then cut short (BUSY) count in the summary.
        let tally = FileTally()
        for attempt in 1...max(1, configuration.busyRetries) {
            do {
                return try await syncOnce(replica, configuration: configuration, logger: logger, group: group, tally: tally, progress: progress)
            } catch let error as SyncClientError where error.serverWasBusy {
                let wait = delay * Double.random(in: 0.5...1.5)
                logger.notice("server busy; trying again", metadata: ["attempt": "\(attempt)", "wait": "\(wait)"])
                try await Task.sleep(for: wait)
                delay *= 2
            }
        }
        return try await syncOnce(replica, configuration: configuration, logger: logger, group: group, tally: tally, progress: progress)
    }

    private static func syncOnce(
        _ replica: Replica, configuration: SyncClientConfiguration, logger: Logger,
        group: any EventLoopGroup, tally: FileTally, progress: @escaping @Sendable (SyncProgress) -> Void
    ) async throws -> SyncSummary {
        let started = ContinuousClock.now
        let counts = ByteCounts()
        let sslContext: NIOSSLContext?
        do {
            sslContext = try configuration.useTLS ? makeTLSContext(caFile: configuration.caFile) : nil
        } catch {
            throw SyncClientError(kind: .protocolFailure, message: "cannot use the CA certificate \(configuration.caFile ?? "(system roots)") for TLS: it is missing or not a PEM certificate — check --ca-file")
        }
        let host = configuration.host
        let target = SyncClientError.Target(host: host, port: configuration.port, usesTLS: configuration.useTLS)
        let channel: NIOAsyncChannel<InboundFrame, Message>
        let silence = NIOLockedValueBox(false)
        let plainTextPort = NIOLockedValueBox(false)
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(.seconds(10))
                .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                .connect(host: configuration.host, port: configuration.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let sslContext {
                            // SNI takes names only; for an address the chain is still verified against the trusted roots.
                            let isAddress = (try? SocketAddress(ipAddress: host, port: 0)) != nil
                            try channel.pipeline.syncOperations.addHandler(TLSRecordSniffer(noting: plainTextPort))
                            try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: isAddress ? nil : host))
                        }
                        // A server that accepts but never answers (a wrong port, a hung peer) must
                        // not hold the night's sync for ever.
                        try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: .seconds(Int64(configuration.responseTimeoutSeconds))))
                        try channel.pipeline.syncOperations.addHandler(CloseOnIdleHandler(noting: silence))
                        try channel.addWireHandlers(counts: counts)
                        return try NIOAsyncChannel<InboundFrame, Message>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw SyncClientError.connecting(error, to: target)
        }
        let report: SyncReport
        let filesReport = FileReportBox(tally: tally)
        do {
            report = try await exchange(replica, channel: channel, configuration: configuration, target: target, logger: logger,
                                        files: filesReport, progress: progress)
        } catch where plainTextPort.withLockedValue({ $0 }) {
            throw SyncClientError.exchanging(TLSRecordSniffer.NotTLS(), with: target)
        } catch where silence.withLockedValue({ $0 }) {
            throw SyncClientError(
                kind: .unreachable,
                message: "no answer from the sync server at \(target.host):\(target.port) within \(configuration.responseTimeoutSeconds) s — is that the sync port (7468 by default, not the HTTP port)? run `ocop sync` again later; nothing was lost"
            )
        } catch let error as SyncClientError {
            throw error
        } catch let error as ReplicaError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // Everything else is the link or the TLS layer: a network failure (3 or 5), never
            // an unknown error that would read as a damaged replica.
            logger.debug("sync failed", metadata: ["error": "\(String(reflecting: error))"])
            if configuration.useTLS, counts.received == 0, error is ChannelError {
                // Closed before a single byte came through TLS: the handshake never completed.
                throw SyncClientError.closedByServer(target, waitingFor: "CHALLENGE")
            }
            throw SyncClientError.exchanging(error, with: target)
        }
        var summary = SyncSummary(report: report, files: filesReport.value, bytesSent: counts.sent, bytesReceived: counts.received,
                                  duration: ContinuousClock.now - started)
        summary.rowsDuration = filesReport.rowsDone.map { $0 - started } ?? summary.duration
        return summary
    }

    private static func exchange(
        _ replica: Replica, channel: NIOAsyncChannel<InboundFrame, Message>, configuration: SyncClientConfiguration,
        target: SyncClientError.Target, logger: Logger, files: FileReportBox, progress: @escaping @Sendable (SyncProgress) -> Void
    ) async throws -> SyncReport {
        try await channel.executeThenClose { inbound, outbound in
            let connection = WireConnection(
                frames: inbound.makeAsyncIterator(), outbound: outbound, pageSize: configuration.pageSize, target: target, user: configuration.user
            )
            let session = try await connection.authenticate(replica: replica, user: configuration.user, secret: configuration.secret)
            // A province replica syncs only as its own province: synced first under another
            // province's account, it would take that province's rows and be registered to it.
            if let problem = accountMismatch(replica: replica, session: session) {
                try? await outbound.write(.goodbye(Goodbye(reason: .done)))
                throw SyncClientError(kind: .authentication, message: problem)
            }
            logger.info("authenticated", metadata: ["acknowledged": "\(session.acknowledgedCounter)", "cursor": "\(session.pullCursor)"])
            let requeued = try replica.reconcile(serverAcknowledged: session.acknowledgedCounter, serverCursor: session.pullCursor)
            if requeued > 0 {
                logger.warning("the server has less than it acknowledged (restored from a backup?): sending \(requeued) rows again")
            }
            let report = try await replica.sync(over: connection, batchSize: configuration.batchSize, progress: progress)
            files.rowsDone = ContinuousClock.now
            // Files after the rows: a night's data never waits for photos.
            if let directory = configuration.files {
                do {
                    var report = try await FileUpload.run(replica, files: directory, over: connection, tally: files.tally)
                    report.sent = files.tally.files
                    report.bytesSent = files.tally.bytes
                    files.value = report
                } catch let error as SyncClientError where error.serverPredatesFiles {
                    // Rows are synced; the files are offered again at the next sync.
                    let (here, elsewhere) = try FileUpload.candidates(replica, files: directory)
                    files.value = FileUploadReport(pending: here.count, pendingBytes: here.reduce(0) { $0 + $1.bytes },
                                                   refusals: ["the server does not take files yet (an older ocop-syncd)"], elsewhere: elsewhere)
                    return report
                }
                if let sent = files.value, sent.sent + sent.pending > 0 {
                    logger.info("files", metadata: ["sent": "\(sent.sent)", "bytes": "\(sent.bytesSent)", "pending": "\(sent.pending)"])
                }
            }
            try? await outbound.write(.goodbye(Goodbye(reason: .done)))
            return report
        }
    }

    /// Why `user` must not sync this replica, or nil: a province replica syncs only as its own
    /// province (user = its tenant id), a central-office replica only as `central`.
    static func accountMismatch(replica: Replica, user: String) -> String? {
        let user = user.lowercased()
        switch replica.role {
        case .province:
            guard let tenant = replica.tenantID?.uuidString.lowercased(), user != tenant else { return nil }
            return user == "central"
                ? "this replica belongs to province \(tenant), but the account given is the central office's — nothing was sent; sync it with its province's account (leave out --user)"
                : "this replica belongs to province \(tenant), but the account given is \(user) — nothing was sent; sync with this province's own account (leave out --user, or fix OCOP_USER and --secret-file)"
        case .central:
            return user == "central" ? nil : "this is a central-office replica, but the account given is \(user) — nothing was sent; sync it with --user central"
        }
    }

    /// The same check against the account the server says the session acts for (AUTH_OK).
    static func accountMismatch(replica: Replica, session: AuthOK) -> String? {
        accountMismatch(replica: replica, user: session.role == .central ? "central" : session.tenant)
    }

    static func makeTLSContext(caFile: String?) throws -> NIOSSLContext {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile { tls.trustRoots = .file(caFile) }
        return try NIOSSLContext(configuration: tls)
    }
}

/// Files stored by the server during one `sync` call, over all its attempts.
final class FileTally: @unchecked Sendable {
    // Updated by one attempt at a time (attempts run one after the other).
    var files = 0
    var bytes: Int64 = 0
}

/// The file report, set inside the connection's closure.
final class FileReportBox: @unchecked Sendable {
    // Written once by the task that runs the exchange, read after it returns.
    var value: FileUploadReport?
    let tally: FileTally
    init(tally: FileTally) { self.tally = tally }
    /// When the rows were synced.
    var rowsDone: ContinuousClock.Instant?
}

/// A authenticated connection as the sync algorithm sees it.
final class WireConnection: SyncChannel {
    private var frames: NIOAsyncChannelInboundStream<InboundFrame>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<Message>
    private let pageSize: UInt32
    private let target: SyncClientError.Target
    private let user: String

    init(
        frames: NIOAsyncChannelInboundStream<InboundFrame>.AsyncIterator, outbound: NIOAsyncChannelOutboundWriter<Message>, pageSize: UInt32,
        target: SyncClientError.Target, user: String
    ) {
        self.frames = frames
        self.outbound = outbound
        self.pageSize = pageSize
        self.target = target
        self.user = user
    }

    func authenticate(replica: Replica, user: String, secret: String) async throws -> AuthOK {
        let nonce = (0..<18).map { _ in UInt8.random(in: 0...255) }
        let hello = Hello(schemaVersion: OCOPSchema.version, replica: replica.replicaID, user: user, clientNonce: nonce, software: "ocop/1.0")
        do {
            try await outbound.write(.hello(hello))
        } catch {
            // A server that refused this connection (BUSY) closes it a moment later; on a loaded
            // machine our HELLO can come after the close. Its answer is still waiting to be read:
            // read it, so BUSY is retried rather than reported as a dropped line.
            _ = try await next(expecting: "CHALLENGE", authenticating: true)
            throw error
        }
        guard case .challenge(let challenge) = try await next(expecting: "CHALLENGE", authenticating: true) else { throw SyncClientError(kind: .protocolFailure, message: "unexpected message") }
        guard challenge.nonce.starts(with: nonce), challenge.nonce.count > nonce.count else {
            throw SyncClientError(kind: .protocolFailure, message: "the server's challenge does not extend our nonce")
        }
        let (proof, expectedSignature) = Scram.clientProof(secret: secret, hello: hello, challenge: challenge)
        try await outbound.write(.authProof(AuthProof(proof: proof)))
        guard case .authOK(let ok) = try await next(expecting: "AUTH_OK", authenticating: true) else { throw SyncClientError(kind: .protocolFailure, message: "unexpected message") }
        guard Scram.constantTimeEqual(ok.serverSignature, expectedSignature) else {
            throw SyncClientError(kind: .authentication, message: "the server could not prove it holds this account's verifier; not syncing with it")
        }
        return ok
    }

    func push(_ batch: PushBatch) async throws -> PushResult {
        try await outbound.write(.push(Push(
            schemaVersion: batch.schemaVersion, firstCounter: batch.firstCounter, lastCounter: batch.lastCounter,
            changes: batch.changes, conflicts: batch.conflicts
        )))
        guard case .pushAck(let ack) = try await next(expecting: "PUSH_ACK") else { throw SyncClientError(kind: .protocolFailure, message: "unexpected message") }
        let refused = ack.rejections.map {
            RefusedChange(index: Int($0.index), table: $0.table, key: $0.key,
                          code: RejectionCode(rawValue: $0.reason.rawValue), message: $0.message)
        }
        // The wire reports merged changes as one count; the split between applied and already
        // seen stays on the server.
        return PushResult(acknowledgedThrough: ack.lastAcknowledged, applied: Int(ack.applied), alreadySeen: 0,
                          conflicts: 0, refused: refused)
    }

    func pull(after cursor: UInt64) async throws -> PullResult {
        try await outbound.write(.pull(Pull(cursor: cursor, maxChanges: pageSize)))
        guard case .changes(let changes) = try await next(expecting: "CHANGES") else { throw SyncClientError(kind: .protocolFailure, message: "unexpected message") }
        return PullResult(changes: changes.changes, conflicts: changes.conflicts, nextCursor: changes.nextCursor, hasMore: changes.hasMore)
    }

    /// FILE_OFFER, answered by FILE_WANT (one entry per file, in order).
    func offer(_ offer: FileOffer) async throws -> FileWant {
        try await outbound.write(.fileOffer(offer))
        guard case .fileWant(let want) = try await next(expecting: "FILE_WANT"),
              want.files.map(\.sha256) == offer.files.map(\.sha256) else {
            throw SyncClientError(kind: .protocolFailure, message: "the server's FILE_WANT does not answer the files offered")
        }
        return want
    }

    enum ChunkAnswer { case ack(FileAck), refused(String) }

    /// Sends a FILE_CHUNK without waiting for its answer (SPEC §17 lets a few be in flight).
    func write(_ chunk: FileChunk) async throws {
        try await outbound.write(.fileChunk(chunk))
    }

    /// The answer to the oldest chunk in flight: FILE_ACK, or ERROR FILE_REFUSED (the session goes on).
    func chunkAnswer(for sha256: [UInt8]) async throws -> ChunkAnswer {
        do {
            guard case .fileAck(let ack) = try await next(expecting: "FILE_ACK"), ack.sha256 == sha256 else {
                throw SyncClientError(kind: .protocolFailure, message: "the server's FILE_ACK does not answer the chunk sent")
            }
            return .ack(ack)
        } catch let error as SyncClientError where error.fileRefusal != nil {
            return .refused(error.fileRefusal ?? "")
        }
    }

    /// The next message, which must be of the expected type; an ERROR or anything else throws.
    private func next(expecting expected: String, authenticating: Bool = false) async throws -> Message {
        guard let frame = try await frames.next() else {
            throw SyncClientError.closedByServer(target, waitingFor: expected)
        }
        switch frame {
        case .invalid(let error) where error.code == .badMagic:
            // Something else answers on this port: a TLS server (its record starts 0x15/0x16
            // 0x03) or another service altogether.
            let hint = target.usesTLS ? "is it the sync port?" : "if the server uses TLS, add --tls; else check that it is the sync port"
            throw SyncClientError(kind: .protocolFailure, message: "the server at \(target.endpoint) does not answer in the OCOP sync protocol — \(hint)")
        case .invalid(let error):
            throw SyncClientError(kind: .protocolFailure, message: "bad frame from the server: \(error)")
        case .message(.error(let error)):
            throw SyncClientError.server(error, user: user)
        case .message(.goodbye(let goodbye)):
            // The server is closing (its handshake deadline, a shutdown): a closed connection,
            // which the province syncs again, not a protocol failure.
            throw SyncClientError.closedByServer(target, waitingFor: expected, saying: goodbye.message)
        case .message(let message):
            guard message.type.description == expected else {
                throw SyncClientError(kind: .protocolFailure, message: "expected \(expected) from the server, got \(message.type)")
            }
            return message
        }
    }
}

