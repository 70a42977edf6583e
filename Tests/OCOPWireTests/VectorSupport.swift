import Foundation
import OCOPSync
import OCOPWire
import Testing

/// Reading `Protocol/vectors` and its JSON mapping of messages (SPEC "JSON mapping").
enum Vectors {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let directory = root.appendingPathComponent("Protocol/vectors")

    struct Vector: Sendable, CustomTestStringConvertible {
        var name: String
        var description: String
        var bytes: [UInt8]
        var message: Message?
        var errorCode: UInt16?
        var testDescription: String { name }
    }

    struct BadJSON: Error, CustomStringConvertible {
        var description: String
    }

    static func all() throws -> [Vector] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }.sorted()
        return try names.map { try load($0) }
    }

    static func load(_ name: String) throws -> Vector {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw BadJSON(description: name) }
        let hex = try string(object["hex"], "hex")
        var vector = Vector(name: name, description: try string(object["description"], "description"), bytes: try bytes(hex))
        if let message = object["message"] as? [String: Any] {
            vector.message = try self.message(message)
        } else if let error = object["error"] as? [String: Any], let code = error["code"] as? Int {
            vector.errorCode = UInt16(code)
        } else {
            throw BadJSON(description: "\(name): neither message nor error")
        }
        return vector
    }

    static func string(_ any: Any?, _ field: String) throws -> String {
        guard let value = any as? String else { throw BadJSON(description: "\(field) is not a string") }
        return value
    }

    static func int(_ any: Any?, _ field: String) throws -> Int {
        guard let value = any as? Int else { throw BadJSON(description: "\(field) is not an integer") }
        return value
    }

    static func u64(_ any: Any?, _ field: String) throws -> UInt64 {
        guard let value = UInt64(try string(any, field)) else { throw BadJSON(description: "\(field) is not a UInt64 string") }
        return value
    }

    static func bytes(_ hex: String) throws -> [UInt8] {
        let utf8 = Array(hex.utf8)
        guard utf8.count % 2 == 0 else { throw BadJSON(description: "odd hex length") }
        func nibble(_ c: UInt8) throws -> UInt8 {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            default: throw BadJSON(description: "bad hex digit")
            }
        }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var i = 0
        while i < utf8.count {
            out.append(try nibble(utf8[i]) << 4 | nibble(utf8[i + 1]))
            i += 2
        }
        return out
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func replica(_ any: Any?, _ field: String) throws -> ReplicaID {
        guard let id = ReplicaID(string: try string(any, field)) else { throw BadJSON(description: "\(field) is not a UUID") }
        return id
    }

    static func value(_ any: Any?) throws -> SyncValue {
        if any is NSNull || any == nil { return .null }
        guard let dict = any as? [String: Any], dict.count == 1, let (kind, raw) = dict.first else { throw BadJSON(description: "bad value") }
        switch kind {
        case "integer":
            guard let v = Int64(try string(raw, kind)) else { throw BadJSON(description: "bad integer") }
            return .integer(v)
        case "real":
            guard let v = Double(try string(raw, kind)) else { throw BadJSON(description: "bad real") }
            return .real(v)
        case "text": return .text(try string(raw, kind))
        case "blob": return .blob(try bytes(try string(raw, kind)))
        default: throw BadJSON(description: "bad value kind \(kind)")
        }
    }

    static func stamp(_ any: Any?) throws -> Stamp {
        guard let d = any as? [String: Any] else { throw BadJSON(description: "bad stamp") }
        return Stamp(hlc: HLC(rawValue: try u64(d["hlc"], "hlc")), dot: Dot(replica: try replica(d["replica"], "replica"), counter: try u64(d["counter"], "counter")))
    }

    static func change(_ any: Any) throws -> RowChange {
        guard let d = any as? [String: Any], let vv = d["versionVector"] as? [[String: Any]], let cols = d["columns"] as? [String: Any] else {
            throw BadJSON(description: "bad change")
        }
        var counters: [ReplicaID: UInt64] = [:]
        for entry in vv { counters[try replica(entry["replica"], "replica")] = try u64(entry["counter"], "counter") }
        var state = RowState(versionVector: VersionVector(counters))
        if let existence = d["existence"] as? [String: Any] {
            guard let deleted = existence["isDeleted"] as? Bool else { throw BadJSON(description: "isDeleted") }
            state.existence = Existence(isDeleted: deleted, stamp: try stamp(existence["stamp"]))
        }
        for (name, write) in cols {
            guard let w = write as? [String: Any] else { throw BadJSON(description: "bad column") }
            state.columns[name] = ColumnWrite(value: try value(w["value"]), stamp: try stamp(w["stamp"]))
        }
        return RowChange(table: try string(d["table"], "table"), key: try value(d["key"]), state: state)
    }

    static func conflict(_ any: Any) throws -> ConflictRecord {
        guard let d = any as? [String: Any] else { throw BadJSON(description: "bad conflict") }
        let kind: ConflictRecord.Kind
        switch try string(d["kind"], "kind") {
        case "concurrentUpdate": kind = .concurrentUpdate
        case "updateOfDeletedRow": kind = .updateOfDeletedRow
        default: throw BadJSON(description: "bad kind")
        }
        return ConflictRecord(
            table: try string(d["table"], "table"), key: try value(d["key"]), column: try string(d["column"], "column"),
            kind: kind, losingValue: try value(d["losingValue"]), losingStamp: try stamp(d["losingStamp"])
        )
    }

    static func message(_ m: [String: Any]) throws -> Message {
        func changes() throws -> [RowChange] { try (m["changes"] as? [Any] ?? []).map(change) }
        func conflicts() throws -> [ConflictRecord] { try (m["conflicts"] as? [Any] ?? []).map(conflict) }
        switch try string(m["type"], "type") {
        case "HELLO":
            return .hello(Hello(
                minVersion: UInt8(try int(m["minVersion"], "minVersion")), maxVersion: UInt8(try int(m["maxVersion"], "maxVersion")),
                schemaVersion: UInt32(try int(m["schemaVersion"], "schemaVersion")), replica: try replica(m["replica"], "replica"),
                user: try string(m["user"], "user"), clientNonce: try bytes(try string(m["clientNonce"], "clientNonce")),
                software: try string(m["software"], "software")
            ))
        case "CHALLENGE":
            return .challenge(Challenge(
                version: UInt8(try int(m["version"], "version")), salt: try bytes(try string(m["salt"], "salt")),
                iterations: UInt32(try int(m["iterations"], "iterations")), nonce: try bytes(try string(m["nonce"], "nonce"))
            ))
        case "AUTH_PROOF":
            return .authProof(AuthProof(proof: try bytes(try string(m["proof"], "proof"))))
        case "AUTH_OK":
            guard let role: AuthOK.Role = ["province": .province, "central": .central][try string(m["role"], "role")] else { throw BadJSON(description: "role") }
            return .authOK(AuthOK(
                serverSignature: try bytes(try string(m["serverSignature"], "serverSignature")), role: role,
                tenant: try string(m["tenant"], "tenant"), acknowledgedCounter: try u64(m["acknowledgedCounter"], "acknowledgedCounter"),
                pullCursor: try u64(m["pullCursor"], "pullCursor")
            ))
        case "PUSH":
            return .push(Push(
                schemaVersion: UInt32(try int(m["schemaVersion"], "schemaVersion")), firstCounter: try u64(m["firstCounter"], "firstCounter"),
                lastCounter: try u64(m["lastCounter"], "lastCounter"), changes: try changes(), conflicts: try conflicts()
            ))
        case "PUSH_ACK":
            let rejections = try (m["rejections"] as? [[String: Any]] ?? []).map { r in
                PushAck.Rejection(
                    index: UInt32(try int(r["index"], "index")), table: try string(r["table"], "table"), key: try value(r["key"]),
                    reason: PushAck.Reason(rawValue: UInt16(try int(r["reason"], "reason"))), message: try string(r["message"], "message")
                )
            }
            return .pushAck(PushAck(lastAcknowledged: try u64(m["lastAcknowledged"], "lastAcknowledged"), applied: UInt32(try int(m["applied"], "applied")), rejections: rejections))
        case "PULL":
            return .pull(Pull(cursor: try u64(m["cursor"], "cursor"), maxChanges: UInt32(try int(m["maxChanges"], "maxChanges"))))
        case "CHANGES":
            guard let more = m["hasMore"] as? Bool else { throw BadJSON(description: "hasMore") }
            return .changes(Changes(
                schemaVersion: UInt32(try int(m["schemaVersion"], "schemaVersion")), nextCursor: try u64(m["nextCursor"], "nextCursor"),
                hasMore: more, changes: try changes(), conflicts: try conflicts()
            ))
        case "ERROR":
            return .error(ErrorMessage(
                code: WireError.Code(rawValue: UInt16(try int(m["code"], "code"))), message: try string(m["message"], "message"),
                detail: m["detail"] is NSNull ? nil : try string(m["detail"], "detail")
            ))
        case "GOODBYE":
            return .goodbye(Goodbye(reason: Goodbye.Reason(rawValue: UInt16(try int(m["reason"], "reason"))), message: try string(m["message"], "message")))
        case "FILE_OFFER":
            let files = try (m["files"] as? [[String: Any]] ?? []).map { f in
                FileOffer.File(sha256: try bytes(try string(f["sha256"], "sha256")), size: try u64(f["size"], "size"))
            }
            return .fileOffer(FileOffer(files: files))
        case "FILE_WANT":
            let files = try (m["files"] as? [[String: Any]] ?? []).map { f -> FileWant.File in
                let state: FileWant.State
                switch try string(f["state"], "state") {
                case "stored": state = .stored
                case "wanted": state = .wanted(received: try u64(f["received"], "received"))
                case "refused":
                    state = .refused(FileWant.Reason(rawValue: UInt16(try int(f["reason"], "reason"))), message: try string(f["message"], "message"))
                default: throw BadJSON(description: "state")
                }
                return FileWant.File(sha256: try bytes(try string(f["sha256"], "sha256")), state: state)
            }
            return .fileWant(FileWant(files: files))
        case "FILE_CHUNK":
            return .fileChunk(FileChunk(
                sha256: try bytes(try string(m["sha256"], "sha256")), size: try u64(m["size"], "size"), offset: try u64(m["offset"], "offset"),
                data: try bytes(try string(m["data"], "data")), dataSHA256: try bytes(try string(m["dataSHA256"], "dataSHA256"))
            ))
        case "FILE_ACK":
            guard let complete = m["complete"] as? Bool else { throw BadJSON(description: "complete") }
            return .fileAck(FileAck(sha256: try bytes(try string(m["sha256"], "sha256")), received: try u64(m["received"], "received"), complete: complete))
        default:
            throw BadJSON(description: "unknown type")
        }
    }

    /// Feeds `bytes` to a fresh decoder and returns the messages, or the first error (also at end of stream).
    static func decodeAll(_ bytes: [UInt8], chunk: Int = .max) -> Result<[Message], WireError> {
        var decoder = FrameDecoder()
        var messages: [Message] = []
        do throws(WireError) {
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + chunk)
                decoder.append(bytes[start..<end])
                start = end
                while let message = try decoder.next() { messages.append(message) }
            }
            while let message = try decoder.next() { messages.append(message) }
            try decoder.finish()
            return .success(messages)
        } catch {
            return .failure(error)
        }
    }
}
