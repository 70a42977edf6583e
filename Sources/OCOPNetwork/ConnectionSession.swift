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

    static let protocolVersions: ClosedRange<UInt8> = 1...1

    init(server: SyncServer, outbound: NIOAsyncChannelOutboundWriter<Message>, logger: Logger, counts: ByteCounts?) {
        self.server = server
        self.outbound = outbound
        self.logger = logger
        self.counts = counts
    }

    mutating func run(_ frames: inout NIOAsyncChannelInboundStream<InboundFrame>.AsyncIterator) async throws {
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
        guard let first = try await frames.next() else { return nil }
        guard case .message(.hello(let hello)) = first else {
            return try await refuse(first, expecting: "HELLO")
        }
        let versions = max(hello.minVersion, Self.protocolVersions.lowerBound)...min(max(hello.maxVersion, hello.minVersion), Self.protocolVersions.upperBound)
        guard hello.minVersion <= hello.maxVersion, !versions.isEmpty, versions.lowerBound <= versions.upperBound else {
            try await close(.versionNegotiationFailed, "no common protocol version: server speaks \(Self.protocolVersions), client \(hello.minVersion)...\(hello.maxVersion)")
            return nil
        }
        guard SchemaCompatibility.accepted.contains(hello.schemaVersion) else {
            try await close(.schemaVersionUnsupported, "schema version \(hello.schemaVersion) is not accepted; upgrade the client")
            return nil
        }
        let user = hello.user
        let store = server.store
        let account = try await server.blocking { try store.account(user: user) }
        let verifier = account?.verifier ?? server.fakeVerifier(user: user)
        let serverNonce = (0..<18).map { _ in UInt8.random(in: 0...255) }
        let challenge = Challenge(version: versions.upperBound, salt: verifier.salt, iterations: verifier.iterations, nonce: hello.clientNonce + serverNonce)
        try await outbound.write(.challenge(challenge))

        guard let second = try await frames.next() else { return nil }
        guard case .message(.authProof(let proof)) = second else {
            return try await refuse(second, expecting: "AUTH_PROOF")
        }
        let authMessage = Scram.authMessage(hello: hello, challenge: challenge)
        guard let account, account.isEnabled, verifier.verify(proof: proof.proof, authMessage: authMessage) else {
            server.metrics.authenticationFailed()
            logger.warning("authentication failed", metadata: ["user": "\(user)", "reason": "\(account == nil ? "unknown user" : account!.isEnabled ? "wrong proof" : "account disabled")"])
            try await close(.authenticationFailed, "authentication failed")
            return nil
        }
        let replica = hello.replica
        let session = try await server.blocking { try store.openSession(replica: replica, account: account) }
        let principal = Principal(replica: hello.replica, role: account.role, tenantID: account.tenantID)
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
            try await close(error.code, error.message, detail: error.field)
        case .message(let message):
            try await close(.unexpectedMessage, "expected \(expecting), got \(message.type)")
        }
        return nil
    }

    private func close(_ code: WireError.Code, _ message: String, detail: String? = nil) async throws {
        logger.notice("refusing connection", metadata: ["code": "\(code.name)", "message": "\(message)"])
        try await outbound.write(.error(ErrorMessage(code: code, message: message, detail: detail)))
    }

    // MARK: Requests

    private func serveRequests(
        _ frames: inout NIOAsyncChannelInboundStream<InboundFrame>.AsyncIterator, principal: Principal, account: Account
    ) async throws {
        let store = server.store
        let maxPage = server.configuration.limits.maxPullPage
        while let frame = try await frames.next() {
            switch frame {
            case .invalid(let error):
                server.metrics.protocolError(code: error.code.name)
                logger.warning("invalid frame", metadata: ["code": "\(error.code.name)", "field": "\(error.field)", "message": "\(error.message)"])
                try await outbound.write(.error(ErrorMessage(error)))
                if error.code.closesConnection { return }
            case .message(.push(let push)):
                guard SchemaCompatibility.accepted.contains(push.schemaVersion) else {
                    try await outbound.write(.error(ErrorMessage(code: .schemaVersionUnsupported, message: "schema version \(push.schemaVersion) is not accepted")))
                    continue
                }
                let batch = PushBatch(schemaVersion: push.schemaVersion, firstCounter: push.firstCounter, lastCounter: push.lastCounter,
                                      changes: push.changes, conflicts: push.conflicts)
                let started = ContinuousClock.now
                let result = try await server.blocking { try store.push(batch, from: principal) }
                let duration = ContinuousClock.now - started
                server.metrics.pushed(tenant: account.label, applied: result.applied, conflicts: result.conflicts, refused: result.refused.count, duration: duration)
                for refusal in result.refused {
                    logger.notice("refused change", metadata: ["table": "\(refusal.table)", "code": "\(refusal.code)", "reason": "\(refusal.message)"])
                }
                logger.info("push merged", metadata: [
                    "changes": "\(push.changes.count)", "applied": "\(result.applied)", "conflicts": "\(result.conflicts)",
                    "refused": "\(result.refused.count)", "through": "\(result.acknowledgedThrough)", "ms": "\(duration.components.attoseconds / 1_000_000_000_000_000 + duration.components.seconds * 1000)",
                ])
                try await outbound.write(.pushAck(PushAck(
                    lastAcknowledged: result.acknowledgedThrough, applied: UInt32(clamping: result.applied + result.alreadySeen),
                    rejections: result.refused.map {
                        PushAck.Rejection(index: UInt32(clamping: $0.index), table: $0.table, key: $0.key,
                                          reason: PushAck.Reason(rawValue: $0.code.rawValue), message: String($0.message.prefix(4_000)))
                    }
                )))
            case .message(.pull(let pull)):
                let limit = max(1, min(Int(pull.maxChanges), maxPage))
                let page = try await server.blocking { try store.pull(after: pull.cursor, limit: limit, for: principal) }
                server.metrics.synced(tenant: account.label)
                try await outbound.write(.changes(Changes(
                    schemaVersion: SchemaCompatibility.current, nextCursor: page.nextCursor, hasMore: page.hasMore,
                    changes: page.changes, conflicts: page.conflicts
                )))
            case .message(.goodbye):
                logger.debug("goodbye")
                return
            case .message(.error(let error)):
                logger.notice("client reported an error", metadata: ["code": "\(error.code.name)", "message": "\(error.message)"])
                return
            case .message(let message):
                try await outbound.write(.error(ErrorMessage(code: .unexpectedMessage, message: "unexpected \(message.type) after authentication")))
                return
            }
        }
    }
}
