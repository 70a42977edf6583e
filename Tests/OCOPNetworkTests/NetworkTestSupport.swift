import Foundation
import OCOPWire

/// Reads frames and known answers from `Protocol/vectors`.
enum VectorFiles {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Protocol/vectors")

    struct Missing: Error {}

    static func json(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw Missing() }
        return object
    }

    static func hex(_ string: String) -> [UInt8] {
        var out: [UInt8] = []
        var high: UInt8?
        for c in string.utf8 {
            let v: UInt8 = c >= 97 ? c - 87 : c - 48
            if let h = high { out.append(h << 4 | v); high = nil } else { high = v }
        }
        return out
    }

    static func frame(_ name: String) throws -> [UInt8] {
        guard let hex = try json(name)["hex"] as? String else { throw Missing() }
        return self.hex(hex)
    }

    static func message(_ name: String) throws -> Message {
        var decoder = FrameDecoder()
        decoder.append(try frame(name))
        guard let message = try decoder.next() else { throw Missing() }
        return message
    }

    static func field(_ object: [String: Any], _ key: String) throws -> [UInt8] {
        guard let hex = object[key] as? String else { throw Missing() }
        return self.hex(hex)
    }
}
