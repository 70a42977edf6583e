import OCOPSync

/// Encodes and decodes message payloads (the bytes after decompression), SPEC "Messages".
enum PayloadCoding {
    static let minClientNonce = 18
    static let minSalt = 8
    static let iterationRange: ClosedRange<UInt32> = 4096...10_000_000
    static let proofSize = 32

    static func encode(_ message: Message, limits: WireLimits) throws(WireError) -> [UInt8] {
        var w = ByteWriter()
        switch message {
        case .hello(let hello):
            guard hello.minVersion <= hello.maxVersion else { throw .invalid("HELLO.maxVersion", "maxVersion is below minVersion") }
            w.u8(hello.minVersion)
            w.u8(hello.maxVersion)
            w.varint(UInt64(hello.schemaVersion))
            w.u64(hello.replica.high)
            w.u64(hello.replica.low)
            try w.name(hello.user, limits: limits, field: "HELLO.user")
            try checkLength(hello.clientNonce.count, min: minClientNonce, max: limits.maxNameBytes, "HELLO.clientNonce")
            w.lengthPrefixed(hello.clientNonce)
            try w.text(hello.software, max: limits.maxNameBytes, field: "HELLO.software")
        case .challenge(let challenge):
            w.u8(challenge.version)
            try checkLength(challenge.salt.count, min: minSalt, max: limits.maxNameBytes, "CHALLENGE.salt")
            w.lengthPrefixed(challenge.salt)
            guard iterationRange.contains(challenge.iterations) else { throw .invalid("CHALLENGE.iterations", "must be in \(iterationRange)") }
            w.varint(UInt64(challenge.iterations))
            try checkLength(challenge.nonce.count, min: 2 * minClientNonce, max: 2 * limits.maxNameBytes, "CHALLENGE.nonce")
            w.lengthPrefixed(challenge.nonce)
        case .authProof(let proof):
            guard proof.proof.count == proofSize else { throw .invalid("AUTH_PROOF.proof", "must be \(proofSize) bytes") }
            w.raw(proof.proof)
        case .authOK(let ok):
            guard ok.serverSignature.count == proofSize else { throw .invalid("AUTH_OK.serverSignature", "must be \(proofSize) bytes") }
            w.raw(ok.serverSignature)
            w.u8(ok.role.rawValue)
            try w.name(ok.tenant, limits: limits, field: "AUTH_OK.tenant")
            w.varint(ok.acknowledgedCounter)
            w.varint(ok.pullCursor)
        case .push(let push):
            w = ByteWriter(capacity: push.changes.count * 80 + 64)
            w.varint(UInt64(push.schemaVersion))
            w.varint(push.firstCounter)
            w.varint(push.lastCounter)
            do {
                try BatchCoding.encode(changes: push.changes, conflicts: push.conflicts, limits: limits, into: &w)
            } catch {
                throw error.within("PUSH")
            }
        case .pushAck(let ack):
            w.varint(ack.lastAcknowledged)
            w.varint(UInt64(ack.applied))
            guard ack.rejections.count <= limits.maxBatchEntries else { throw .limit("PUSH_ACK.rejections", ack.rejections.count, max: limits.maxBatchEntries) }
            w.varint(ack.rejections.count)
            for (i, rejection) in ack.rejections.enumerated() {
                w.varint(UInt64(rejection.index))
                try w.name(rejection.table, limits: limits, field: "PUSH_ACK.rejections[\(i)].table")
                try w.value(rejection.key, limits: limits, field: "PUSH_ACK.rejections[\(i)].key")
                w.varint(UInt64(rejection.reason.rawValue))
                try w.text(rejection.message, max: limits.maxMessageTextBytes, field: "PUSH_ACK.rejections[\(i)].message")
            }
        case .pull(let pull):
            guard pull.maxChanges >= 1, Int(pull.maxChanges) <= limits.maxBatchEntries else {
                throw .invalid("PULL.maxChanges", "must be in 1...\(limits.maxBatchEntries)")
            }
            w.varint(pull.cursor)
            w.varint(UInt64(pull.maxChanges))
        case .changes(let changes):
            w = ByteWriter(capacity: changes.changes.count * 80 + 64)
            w.varint(UInt64(changes.schemaVersion))
            w.varint(changes.nextCursor)
            w.u8(changes.hasMore ? 1 : 0)
            do {
                try BatchCoding.encode(changes: changes.changes, conflicts: changes.conflicts, limits: limits, into: &w)
            } catch {
                throw error.within("CHANGES")
            }
        case .fileOffer(let offer):
            try checkFileCount(offer.files.count, limits: limits, "FILE_OFFER.files")
            w.varint(offer.files.count)
            for (i, file) in offer.files.enumerated() {
                try checkHash(file.sha256, "FILE_OFFER.files[\(i)].sha256")
                try checkFileSize(file.size, limits: limits, "FILE_OFFER.files[\(i)].size")
                w.raw(file.sha256)
                w.varint(file.size)
            }
        case .fileWant(let want):
            try checkFileCount(want.files.count, limits: limits, "FILE_WANT.files")
            w.varint(want.files.count)
            for (i, file) in want.files.enumerated() {
                try checkHash(file.sha256, "FILE_WANT.files[\(i)].sha256")
                w.raw(file.sha256)
                switch file.state {
                case .stored:
                    w.u8(0)
                case .wanted(let received):
                    w.u8(1)
                    w.varint(received)
                case .refused(let reason, let message):
                    w.u8(2)
                    w.varint(UInt64(reason.rawValue))
                    try w.text(message, max: limits.maxMessageTextBytes, field: "FILE_WANT.files[\(i)].message")
                }
            }
        case .fileChunk(let chunk):
            try checkHash(chunk.sha256, "FILE_CHUNK.sha256")
            try checkFileSize(chunk.size, limits: limits, "FILE_CHUNK.size")
            try checkChunk(chunk.data.count, offset: chunk.offset, size: chunk.size, limits: limits, "FILE_CHUNK.data")
            try checkHash(chunk.dataSHA256, "FILE_CHUNK.dataSHA256")
            w = ByteWriter(capacity: chunk.data.count + 96)
            w.raw(chunk.sha256)
            w.varint(chunk.size)
            w.varint(chunk.offset)
            w.lengthPrefixed(chunk.data)
            w.raw(chunk.dataSHA256)
        case .fileAck(let ack):
            try checkHash(ack.sha256, "FILE_ACK.sha256")
            w.raw(ack.sha256)
            w.varint(ack.received)
            w.u8(ack.complete ? 1 : 0)
        case .error(let error):
            w.u16(error.code.rawValue)
            try w.text(error.message, max: limits.maxMessageTextBytes, field: "ERROR.message")
            if let detail = error.detail {
                w.u8(1)
                try w.text(detail, max: limits.maxMessageTextBytes, field: "ERROR.detail")
            } else {
                w.u8(0)
            }
        case .goodbye(let goodbye):
            w.varint(UInt64(goodbye.reason.rawValue))
            try w.text(goodbye.message, max: limits.maxMessageTextBytes, field: "GOODBYE.message")
        }
        return w.bytes
    }

    static let hashSize = 32

    private static func checkHash(_ hash: [UInt8], _ field: String) throws(WireError) {
        guard hash.count == hashSize else { throw .invalid(field, "must be \(hashSize) bytes, not \(hash.count)") }
    }

    private static func checkFileCount(_ count: Int, limits: WireLimits, _ field: String) throws(WireError) {
        guard count <= limits.maxFilesPerOffer else { throw .limit(field, count, max: limits.maxFilesPerOffer) }
        guard count >= 1 else { throw .invalid(field, "must name at least one file") }
    }

    private static func checkFileSize(_ size: UInt64, limits: WireLimits, _ field: String) throws(WireError) {
        guard size <= limits.maxFileBytes else { throw .limit(field, Int(clamping: size), max: Int(limits.maxFileBytes)) }
        guard size >= 1 else { throw .invalid(field, "a file has at least one byte") }
    }

    private static func checkChunk(_ count: Int, offset: UInt64, size: UInt64, limits: WireLimits, _ field: String) throws(WireError) {
        guard count <= limits.maxChunkBytes else { throw .limit(field, count, max: limits.maxChunkBytes) }
        guard count >= 1 else { throw .invalid(field, "a chunk has at least one byte") }
        guard offset <= size, UInt64(count) <= size - offset else {
            throw .invalid(field, "offset \(offset) + \(count) bytes is past the file's size \(size)")
        }
    }

    private static func checkLength(_ count: Int, min: Int, max: Int, _ field: String) throws(WireError) {
        guard count <= max else { throw .limit(field, count, max: max) }
        guard count >= min else { throw .invalid(field, "\(count) bytes is under the minimum of \(min)") }
    }

    static func decode(type: MessageType, payload: UnsafeBufferPointer<UInt8>, limits: WireLimits) throws(WireError) -> Message {
        var r = ByteReader(payload)
        let message: Message
        let name = type.description
        do {
            message = try decodeFields(type: type, reader: &r, limits: limits)
            try r.expectEnd("")
        } catch {
            throw error.within(name)
        }
        return message
    }

    private static func decodeFields(type: MessageType, reader r: inout ByteReader, limits: WireLimits) throws(WireError) -> Message {
        switch type {
        case .hello:
            let minVersion = try r.u8("minVersion")
            let maxVersion = try r.u8("maxVersion")
            guard minVersion <= maxVersion else { throw .invalid("maxVersion", "maxVersion is below minVersion") }
            let schemaVersion = try r.varintU32("schemaVersion")
            let high = try r.u64("replica")
            let low = try r.u64("replica")
            let user = try r.name(limits: limits, "user")
            let nonce = try r.bytes("clientNonce", max: limits.maxNameBytes)
            guard nonce.count >= minClientNonce else { throw .invalid("clientNonce", "\(nonce.count) bytes is under the minimum of \(minClientNonce)") }
            let software = try r.string("software", max: limits.maxNameBytes)
            return .hello(Hello(
                minVersion: minVersion, maxVersion: maxVersion, schemaVersion: schemaVersion,
                replica: ReplicaID(high: high, low: low), user: user, clientNonce: nonce, software: software
            ))
        case .challenge:
            let version = try r.u8("version")
            let salt = try r.bytes("salt", max: limits.maxNameBytes)
            guard salt.count >= minSalt else { throw .invalid("salt", "\(salt.count) bytes is under the minimum of \(minSalt)") }
            let iterations = try r.varintU32("iterations")
            guard iterationRange.contains(iterations) else { throw .invalid("iterations", "\(iterations) is outside \(iterationRange)") }
            let nonce = try r.bytes("nonce", max: 2 * limits.maxNameBytes)
            guard nonce.count >= 2 * minClientNonce else { throw .invalid("nonce", "\(nonce.count) bytes is under the minimum of \(2 * minClientNonce)") }
            return .challenge(Challenge(version: version, salt: salt, iterations: iterations, nonce: nonce))
        case .authProof:
            return .authProof(AuthProof(proof: try r.fixedBytes(proofSize, "proof")))
        case .authOK:
            let signature = try r.fixedBytes(proofSize, "serverSignature")
            let roleByte = try r.u8("role")
            guard let role = AuthOK.Role(rawValue: roleByte) else { throw .invalid("role", "unknown role \(roleByte)") }
            let tenant = try r.name(limits: limits, "tenant")
            let acknowledged = try r.varint("acknowledgedCounter")
            let cursor = try r.varint("pullCursor")
            return .authOK(AuthOK(serverSignature: signature, role: role, tenant: tenant, acknowledgedCounter: acknowledged, pullCursor: cursor))
        case .push:
            let schemaVersion = try r.varintU32("schemaVersion")
            let first = try r.varint("firstCounter")
            let last = try r.varint("lastCounter")
            let batch = try BatchCoding.decode(&r, limits: limits)
            return .push(Push(schemaVersion: schemaVersion, firstCounter: first, lastCounter: last, changes: batch.changes, conflicts: batch.conflicts))
        case .pushAck:
            let last = try r.varint("lastAcknowledged")
            let applied = try r.varintU32("applied")
            let count = try r.count("rejections", max: limits.maxBatchEntries, minElementSize: 5)
            var rejections: [PushAck.Rejection] = []
            rejections.reserveCapacity(count)
            for i in 0..<count {
                let index = try r.varintU32("rejections[\(i)].index")
                let table = try r.name(limits: limits, "rejections[\(i)].table")
                let key = try r.value(limits: limits, "rejections[\(i)].key")
                let reason = try r.varintU16("rejections[\(i)].reason")
                let message = try r.string("rejections[\(i)].message", max: limits.maxMessageTextBytes)
                rejections.append(PushAck.Rejection(index: index, table: table, key: key, reason: PushAck.Reason(rawValue: reason), message: message))
            }
            return .pushAck(PushAck(lastAcknowledged: last, applied: applied, rejections: rejections))
        case .pull:
            let cursor = try r.varint("cursor")
            let maxChanges = try r.varintU32("maxChanges")
            guard maxChanges >= 1, Int(maxChanges) <= limits.maxBatchEntries else {
                throw .invalid("maxChanges", "\(maxChanges) is outside 1...\(limits.maxBatchEntries)")
            }
            return .pull(Pull(cursor: cursor, maxChanges: maxChanges))
        case .changes:
            let schemaVersion = try r.varintU32("schemaVersion")
            let next = try r.varint("nextCursor")
            let more = try r.u8("hasMore")
            guard more <= 1 else { throw .invalid("hasMore", "must be 0 or 1, not \(more)") }
            let batch = try BatchCoding.decode(&r, limits: limits)
            return .changes(Changes(schemaVersion: schemaVersion, nextCursor: next, hasMore: more == 1, changes: batch.changes, conflicts: batch.conflicts))
        case .fileOffer:
            let count = try r.count("files", max: limits.maxFilesPerOffer, minElementSize: hashSize + 1)
            guard count >= 1 else { throw .invalid("files", "must name at least one file") }
            var files: [FileOffer.File] = []
            files.reserveCapacity(count)
            for i in 0..<count {
                let hash = try r.fixedBytes(hashSize, "files[\(i)].sha256")
                let size = try r.varint("files[\(i)].size")
                try checkFileSize(size, limits: limits, "files[\(i)].size")
                files.append(FileOffer.File(sha256: hash, size: size))
            }
            return .fileOffer(FileOffer(files: files))
        case .fileWant:
            let count = try r.count("files", max: limits.maxFilesPerOffer, minElementSize: hashSize + 1)
            guard count >= 1 else { throw .invalid("files", "must name at least one file") }
            var files: [FileWant.File] = []
            files.reserveCapacity(count)
            for i in 0..<count {
                let hash = try r.fixedBytes(hashSize, "files[\(i)].sha256")
                let stateByte = try r.u8("files[\(i)].state")
                let state: FileWant.State
                switch stateByte {
                case 0: state = .stored
                case 1: state = .wanted(received: try r.varint("files[\(i)].received"))
                case 2:
                    let reason = try r.varintU16("files[\(i)].reason")
                    let message = try r.string("files[\(i)].message", max: limits.maxMessageTextBytes)
                    state = .refused(FileWant.Reason(rawValue: reason), message: message)
                default: throw .invalid("files[\(i)].state", "must be 0, 1 or 2, not \(stateByte)")
                }
                files.append(FileWant.File(sha256: hash, state: state))
            }
            return .fileWant(FileWant(files: files))
        case .fileChunk:
            let hash = try r.fixedBytes(hashSize, "sha256")
            let size = try r.varint("size")
            try checkFileSize(size, limits: limits, "size")
            let offset = try r.varint("offset")
            let data = try r.bytes("data", max: limits.maxChunkBytes)
            try checkChunk(data.count, offset: offset, size: size, limits: limits, "data")
            let dataHash = try r.fixedBytes(hashSize, "dataSHA256")
            return .fileChunk(FileChunk(sha256: hash, size: size, offset: offset, data: data, dataSHA256: dataHash))
        case .fileAck:
            let hash = try r.fixedBytes(hashSize, "sha256")
            let received = try r.varint("received")
            let complete = try r.u8("complete")
            guard complete <= 1 else { throw .invalid("complete", "must be 0 or 1, not \(complete)") }
            return .fileAck(FileAck(sha256: hash, received: received, complete: complete == 1))
        case .error:
            let code = try r.u16("code")
            let message = try r.string("message", max: limits.maxMessageTextBytes)
            let hasDetail = try r.u8("hasDetail")
            guard hasDetail <= 1 else { throw .invalid("hasDetail", "must be 0 or 1, not \(hasDetail)") }
            let detail = hasDetail == 1 ? try r.string("detail", max: limits.maxMessageTextBytes) : nil
            return .error(ErrorMessage(code: WireError.Code(rawValue: code), message: message, detail: detail))
        case .goodbye:
            let reason = try r.varintU16("reason")
            let message = try r.string("message", max: limits.maxMessageTextBytes)
            return .goodbye(Goodbye(reason: Goodbye.Reason(rawValue: reason), message: message))
        }
    }
}
