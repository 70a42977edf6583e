import Foundation
import Logging
import NIOCore
import OCOPStore
import OCOPSync
import OCOPWire

/// The server side of one connection, following the states of `Protocol/SPEC.md` §9:
/// HELLO → CHALLENGE → AUTH_PROOF → AUTH_OK, then PUSH/PULL until GOODBYE.
struct ConnectionSession {
    let server: SyncServer
    let outbound: NIOAsyncChannelOutboundWriter<Message>
    var logger: Logger
    let counts: ByteCounts?
    let gate: ConnectionFrameGate
    /// Called once the peer has authenticated, before AUTH_OK is sent.
    let authenticated: @Sendable () -> Void
    /// Frames read so far: the index ERROR details name.
    private var frameIndex: UInt64 = 0
    /// Whether the last frame read was a message still holding frame memory.
    private var holdsMessage = false
    /// The next page of a long pull, read while the replica applies the one just sent, so that
    /// the server's reading and the replica's writing overlap instead of taking turns.
    private var readAhead: ReadAhead?
    /// The schema version the client said it writes (HELLO): a client of an older version is
    /// not sent rows of tables it does not have.
    private var clientSchemaVersion = SchemaCompatibility.current
    /// Files this connection was told to send (FILE_WANT `wanted`), with what they may be: their
    /// chunks are not checked against the store again.
    private var allowedFiles: [String: FileReceiver.Allowance] = [:]

    private struct ReadAhead {
        var cursor: UInt64
        var limit: Int
        var page: Task<PullResult, any Error>
    }

    static let protocolVersions: ClosedRange<UInt8> = 1...1

    init(
        server: SyncServer, outbound: NIOAsyncChannelOutboundWriter<Message>, logger: Logger, counts: ByteCounts?,
        gate: ConnectionFrameGate, authenticated: @escaping @Sendable () -> Void
    ) {
        self.server = server
        self.outbound = outbound
        self.logger = logger
        self.counts = counts
        self.gate = gate
        self.authenticated = authenticated
    }

    /// The highest version both sides speak, or nil when the ranges do not meet (or the client's
    /// range is empty).
    static func negotiatedVersion(clientMin: UInt8, clientMax: UInt8) -> UInt8? {
        guard clientMin <= clientMax else { return nil }
        let highest = min(clientMax, protocolVersions.upperBound)
        return highest >= max(clientMin, protocolVersions.lowerBound) ? highest : nil
    }

    mutating func run(_ frames: inout NIOAsyncChannelInboundStream<InboundFrame>.AsyncIterator) async throws {
        defer { readAhead?.page.cancel() }
        guard let (principal, account) = try await authenticate(&frames) else { return }
        logger[metadataKey: "tenant"] = "\(account.label)"
        logger[metadataKey: "replica"] = "\(principal.replica)"
        logger.info("authenticated", metadata: ["role": "\(account.role.rawValue)"])
        defer {
            if let counts { server.metrics.bytes(tenant: account.label, received: counts.received, sent: counts.sent) }
        }
        try await serveRequests(&frames, principal: principal, account: account)
    }

    // MARK: Authentication

    private mutating func authenticate(
        _ frames: inout NIOAsyncChannelInboundStream<InboundFrame>.AsyncIterator
    ) async throws -> (Principal, Account)? {
        guard let first = try await nextFrame(&frames) else { return nil }
        guard case .message(.hello(let hello)) = first else {
            return try await refuse(first, expecting: "HELLO")
        }
        guard let version = Self.negotiatedVersion(clientMin: hello.minVersion, clientMax: hello.maxVersion) else {
            try await close(
                .versionNegotiationFailed,
                "no common protocol version: the server speaks \(Self.protocolVersions.lowerBound)–\(Self.protocolVersions.upperBound), the client \(hello.minVersion)–\(hello.maxVersion)",
                detail: "frame 0: HELLO.minVersion"
            )
            return nil
        }
        guard SchemaCompatibility.accepted.contains(hello.schemaVersion) else {
            try await close(
                .schemaVersionUnsupported,
                "schema version \(hello.schemaVersion) is not accepted (the server accepts \(SchemaCompatibility.accepted.lowerBound)–\(SchemaCompatibility.accepted.upperBound)); upgrade the client",
                detail: "frame 0: HELLO.schemaVersion"
            )
            return nil
        }
        clientSchemaVersion = hello.schemaVersion
        let user = hello.user
        let store = server.store
        let account: Account?
        do {
            account = try await store.account(user: user)
        } catch {
            // The database away (restarting, unreachable): the province is told to come back,
            // not left with a dropped line it cannot tell from a broken network.
            logger.error("store failed at login", metadata: ["error": "\(error)"])
            try await close(.busy, "the server could not check the account now; retry later")
            return nil
        }
        let verifier = account?.verifier ?? server.fakeVerifier(user: user)
        let serverNonce = (0..<18).map { _ in UInt8.random(in: 0...255) }
        let challenge = Challenge(version: version, salt: verifier.salt, iterations: verifier.iterations, nonce: hello.clientNonce + serverNonce)
        try await outbound.write(.challenge(challenge))

        guard let second = try await nextFrame(&frames) else { return nil }
        guard case .message(.authProof(let proof)) = second else {
            return try await refuse(second, expecting: "AUTH_PROOF")
        }
        let authMessage = Scram.authMessage(hello: hello, challenge: challenge)
        guard let account, account.isEnabled, verifier.verify(proof: proof.proof, authMessage: authMessage) else {
            server.metrics.authenticationFailed()
            logger.warning("authentication failed", metadata: ["user": "\(user)", "reason": "\(account == nil ? "unknown user" : account!.isEnabled ? "wrong proof" : "account disabled")"])
            try await close(.authenticationFailed, "authentication failed", detail: "frame 1: AUTH_PROOF.proof")
            return nil
        }
        let replica = hello.replica
        let session: SessionState
        do {
            session = try await store.openSession(replica: replica, account: account)
        } catch let error as StoreError where error.code == .invalidArgument {
            // A replica copied to another machine or province and synced under another account:
            // final, and the province must be told what to do rather than see the line drop.
            logger.warning("replica refused", metadata: ["reason": "\(error.message)"])
            try await close(
                .forbidden,
                "this replica (\(replica)) belongs to another account: a replica syncs only with the account it was created for; create a new replica with `ocop init` for this province",
                detail: "frame 0: HELLO.replica"
            )
            return nil
        } catch {
            logger.error("store failed at login", metadata: ["error": "\(error)"])
            try await close(.busy, "the server could not open the session now; retry later")
            return nil
        }
        gate.markAuthenticated()
        authenticated()
        let principal = Principal(replica: hello.replica, account: account)
        try await outbound.write(.authOK(AuthOK(
            serverSignature: verifier.serverSignature(authMessage: authMessage),
            role: account.role == .central ? .central : .province, tenant: account.user,
            acknowledgedCounter: session.acknowledgedThrough, pullCursor: session.pulledCursor
        )))
        return (principal, account)
    }

    /// Answers an unexpected or invalid frame before authentication: every error closes then.
    private func refuse(_ frame: InboundFrame, expecting: String) async throws -> (Principal, Account)? {
        switch frame {
        case .invalid(let error):
            server.metrics.protocolError(code: error.code.name)
            let reply = ErrorMessage(error)
            try await close(error.code, reply.message, detail: reply.detail)
        case .message(.error(let error)):
            // Never answer an ERROR with an ERROR (SPEC §12).
            logger.notice("client reported an error before login", metadata: ["code": "\(error.code.name)", "message": "\(error.message)"])
        case .message(.goodbye):
            logger.debug("goodbye before login")
        case .message(let message):
            try await close(
                .unexpectedMessage, "expected \(expecting), got \(message.type); before login a client sends HELLO, then AUTH_PROOF",
                detail: "frame \(frameIndex - 1): \(message.type)"
            )
        }
        return nil
    }

    /// The next frame from the peer; counts it for ERROR details. Asking for the next frame means
    /// the previous message is handled: its frame memory goes back to the daemon's budget.
    private mutating func nextFrame(
        _ frames: inout NIOAsyncChannelInboundStream<InboundFrame>.AsyncIterator
    ) async throws -> InboundFrame? {
        if holdsMessage {
            gate.messageHandled()
            holdsMessage = false
        }
        guard let frame = try await frames.next() else { return nil }
        frameIndex += 1
        if case .message = frame { holdsMessage = true }
        return frame
    }

    private func close(_ code: WireError.Code, _ message: String, detail: String? = nil) async throws {
        logger.notice("refusing connection", metadata: ["code": "\(code.name)", "message": "\(message)"])
        try await outbound.write(.error(ErrorMessage(code: code, message: message, detail: detail)))
    }

    // MARK: Requests

    private mutating func serveRequests(
        _ frames: inout NIOAsyncChannelInboundStream<InboundFrame>.AsyncIterator, principal: Principal, account: Account
    ) async throws {
        while let frame = try await nextFrame(&frames) {
            let keepGoing: Bool
            switch frame {
            case .invalid(let error):
                server.metrics.protocolError(code: error.code.name)
                logger.warning("invalid frame", metadata: ["code": "\(error.code.name)", "field": "\(error.field)", "message": "\(error.message)"])
                try await outbound.write(.error(ErrorMessage(error)))
                keepGoing = !error.code.closesConnection
            case .message(let message):
                keepGoing = try await handle(message, principal: principal, account: account)
            }
            if !keepGoing { return }
        }
    }

    /// Answers one request; false when the connection ends after it.
    private mutating func handle(_ message: Message, principal: Principal, account: Account) async throws -> Bool {
        let here = "frame \(frameIndex - 1)"
        switch message {
        case .push, .pull, .fileOffer:
            // Credentials are checked on every request, not only at login: a disabled account or
            // a rotated secret ends the sessions opened with the old one at their next request.
            let reason: String?
            do {
                reason = try await credentialsNoLongerValid(account)
            } catch {
                return try await reportStoreFailure(error, request: "\(message.type)", here: here)
            }
            if let reason {
                server.metrics.authenticationFailed()
                logger.notice("ending session", metadata: ["reason": "\(reason)"])
                try await outbound.write(.error(ErrorMessage(code: .forbidden, message: reason, detail: "\(here): \(message.type)")))
                return false
            }
        default:
            break
        }
        switch message {
        case .push(let push):
            // A page read before this push is still correct, but the replica has moved on.
            readAhead?.page.cancel()
            readAhead = nil
            return try await handlePush(push, principal: principal, account: account, here: here)
        case .pull(let pull):
            return try await handlePull(pull, principal: principal, account: account, here: here)
        case .fileOffer(let offer):
            return try await handleFileOffer(offer, principal: principal, here: here)
        case .fileChunk(let chunk):
            return try await handleFileChunk(chunk, principal: principal, here: here)
        case .goodbye:
            logger.debug("goodbye")
            return false
        case .error(let error):
            logger.notice("client reported an error", metadata: ["code": "\(error.code.name)", "message": "\(error.message)"])
            return !error.code.closesConnection
        default:
            try await outbound.write(.error(ErrorMessage(
                code: .unexpectedMessage,
                message: "unexpected \(message.type) after authentication; a logged-in client sends PUSH, PULL, FILE_OFFER, FILE_CHUNK or GOODBYE",
                detail: "\(here): \(message.type)"
            )))
            return false
        }
    }

    /// Why the session's account may no longer be used, or nil when it still may.
    private func credentialsNoLongerValid(_ account: Account) async throws -> String? {
        let store = server.store
        let user = account.user
        let current = try await store.account(user: user)
        guard let current else { return "the account \(account.label) no longer exists" }
        guard current.isEnabled else { return "the account \(account.label) was disabled" }
        guard current.verifier == account.verifier else {
            return "the secret of \(account.label) was rotated; log in again with the new secret"
        }
        return nil
    }

    private func handlePush(_ push: Push, principal: Principal, account: Account, here: String) async throws -> Bool {
        guard SchemaCompatibility.accepted.contains(push.schemaVersion) else {
            try await outbound.write(.error(ErrorMessage(
                code: .schemaVersionUnsupported,
                message: "schema version \(push.schemaVersion) is not accepted (the server accepts \(SchemaCompatibility.accepted.lowerBound)–\(SchemaCompatibility.accepted.upperBound)); nothing was applied",
                detail: "\(here): PUSH.schemaVersion"
            )))
            return true
        }
        guard push.firstCounter <= push.lastCounter else {
            try await outbound.write(.error(ErrorMessage(
                code: .invalidValue,
                message: "firstCounter \(push.firstCounter) is after lastCounter \(push.lastCounter); nothing was applied",
                detail: "\(here): PUSH.firstCounter"
            )))
            return true
        }
        let batch = RetiredProvince.adopt(PushBatch(
            schemaVersion: push.schemaVersion, firstCounter: push.firstCounter, lastCounter: push.lastCounter,
            changes: push.changes, conflicts: push.conflicts), for: principal)
        let store = server.store
        let started = ContinuousClock.now
        let result: PushResult
        do {
            result = try await store.push(batch, from: principal)
        } catch {
            return try await reportStoreFailure(error, request: "PUSH", here: here)
        }
        let duration = ContinuousClock.now - started
        server.metrics.pushed(tenant: account.label, applied: result.applied, conflicts: result.conflicts, refused: result.refused.count, duration: duration)
        for refusal in result.refused {
            logger.notice("refused change", metadata: ["table": "\(refusal.table)", "code": "\(refusal.code)", "reason": "\(refusal.message)"])
        }
        logger.info("push merged", metadata: [
            "changes": "\(push.changes.count)", "applied": "\(result.applied)", "conflicts": "\(result.conflicts)",
            "refused": "\(result.refused.count)", "through": "\(result.acknowledgedThrough)",
            "ms": "\(duration.components.attoseconds / 1_000_000_000_000_000 + duration.components.seconds * 1000)",
        ])
        try await outbound.write(.pushAck(PushAck(
            lastAcknowledged: result.acknowledgedThrough, applied: UInt32(clamping: result.applied + result.alreadySeen),
            rejections: result.refused.map {
                PushAck.Rejection(index: UInt32(clamping: $0.index), table: $0.table, key: $0.key,
                                  reason: PushAck.Reason(rawValue: $0.code.rawValue), message: String($0.message.prefix(4_000)))
            }
        )))
        return true
    }

    private mutating func handlePull(_ pull: Pull, principal: Principal, account: Account, here: String) async throws -> Bool {
        if let refusal = RetiredProvince.pullRefusal(for: principal) {
            logger.notice("retired province told to re-initialise")
            try await outbound.write(.error(ErrorMessage(code: .forbidden, message: refusal, detail: "\(here): PULL")))
            return false
        }
        let store = server.store
        let limit = max(1, min(Int(pull.maxChanges), server.configuration.limits.maxPullPage))
        let cursor = pull.cursor
        let ahead = readAhead
        readAhead = nil
        let page: PullResult
        do {
            if let ahead, ahead.cursor == cursor, ahead.limit == limit, let prepared = try? await ahead.page.value {
                page = try await store.pull(after: cursor, servingReadAhead: prepared, for: principal)
            } else {
                ahead?.page.cancel()
                page = try await store.pull(after: cursor, limit: limit, for: principal)
            }
        } catch {
            return try await reportStoreFailure(error, request: "PULL", here: here)
        }
        server.metrics.synced(tenant: account.label)
        let known = SchemaCompatibility.tableNames(upTo: clientSchemaVersion)
        let older = clientSchemaVersion < SchemaCompatibility.current
        try await outbound.write(.changes(Changes(
            schemaVersion: SchemaCompatibility.current, nextCursor: page.nextCursor, hasMore: page.hasMore,
            changes: older ? page.changes.filter { known.contains($0.table) } : page.changes,
            conflicts: older ? page.conflicts.filter { known.contains($0.table) } : page.conflicts
        )))
        if page.hasMore {
            let next = page.nextCursor
            readAhead = ReadAhead(cursor: next, limit: limit, page: Task {
                try await store.readAhead(after: next, limit: limit, for: principal)
            })
        }
        return true
    }

    private static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// FILE_OFFER: for each file, stored, wanted from some offset, or refused (SPEC §17).
    private mutating func handleFileOffer(_ offer: FileOffer, principal: Principal, here: String) async throws -> Bool {
        guard let files = server.files else { return try await noFiles(here: here, request: "FILE_OFFER") }
        var answers: [FileWant.File] = []
        answers.reserveCapacity(offer.files.count)
        do {
            for file in offer.files {
                let state: FileWant.State
                let hash = Self.hex(file.sha256)
                let (answer, allowance) = try await files.stateAndAllowance(of: hash, size: file.size, for: principal)
                switch answer {
                case .stored: state = .stored
                case .wanted(let received):
                    state = .wanted(received: received)
                    if allowedFiles.count >= 4_096 { allowedFiles.removeAll() }
                    allowedFiles[hash] = allowance
                case .refused(let refusal):
                    state = .refused(FileWant.Reason(rawValue: refusal.reason.rawValue), message: String(refusal.description.prefix(4_000)))
                }
                answers.append(FileWant.File(sha256: file.sha256, state: state))
            }
        } catch {
            return try await reportStoreFailure(error, request: "FILE_OFFER", here: here)
        }
        try await outbound.write(.fileWant(FileWant(files: answers)))
        return true
    }

    /// FILE_CHUNK: appended durably and acknowledged, or refused with nothing kept (SPEC §17).
    private func handleFileChunk(_ chunk: FileChunk, principal: Principal, here: String) async throws -> Bool {
        guard let files = server.files else { return try await noFiles(here: here, request: "FILE_CHUNK") }
        let ack: FileReceiver.Acknowledgement
        do {
            let hash = Self.hex(chunk.sha256)
            ack = try await files.receive(sha256: hash, size: chunk.size, offset: chunk.offset, data: chunk.data,
                                          dataSHA256: chunk.dataSHA256, for: principal, allowed: allowedFiles[hash])
        } catch let refusal as FileReceiver.Refusal {
            logger.notice("file chunk refused", metadata: ["file": "\(Self.hex(chunk.sha256).prefix(12))", "reason": "\(refusal.description)"])
            try await outbound.write(.error(ErrorMessage(code: .fileRefused, message: refusal.description, detail: "\(here): FILE_CHUNK")))
            return true
        } catch {
            return try await reportStoreFailure(error, request: "FILE_CHUNK", here: here)
        }
        if ack.complete { logger.info("file received", metadata: ["file": "\(Self.hex(chunk.sha256).prefix(12))", "bytes": "\(chunk.size)"]) }
        try await outbound.write(.fileAck(FileAck(sha256: chunk.sha256, received: ack.received, complete: ack.complete)))
        return true
    }

    /// A server set up without a files directory (an embedded test server) takes no files.
    private func noFiles(here: String, request: String) async throws -> Bool {
        try await outbound.write(.error(ErrorMessage(code: .fileRefused, message: "this server keeps no files", detail: "\(here): \(request)")))
        return true
    }

    /// Answers a request the store could not carry out. A refusal of the request itself
    /// (``StoreError/Code/invalidArgument``) is INVALID_VALUE and the session goes on; anything
    /// else — the database busy, the disk full, a restart — is BUSY, which clients retry with
    /// back-off: nothing was applied, so nothing acknowledged is lost.
    private func reportStoreFailure(_ error: any Error, request: String, here: String) async throws -> Bool {
        if let error = error as? StoreError, error.code == .invalidArgument || error.code == .schemaVersionNotSupported {
            try await outbound.write(.error(ErrorMessage(code: .invalidValue, message: error.message, detail: "\(here): \(request)")))
            return true
        }
        logger.error("store failed", metadata: ["request": "\(request)", "error": "\(error)"])
        try await outbound.write(.error(ErrorMessage(
            code: .busy, message: "the server could not complete the \(request) (nothing was applied); retry later",
            detail: "\(here): \(request)"
        )))
        return false
    }
}
