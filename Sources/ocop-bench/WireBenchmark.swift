import CZlib
import Foundation
import OCOPSync
import OCOPWire

/// Wire codec figures on a realistic nightly batch of one province (issue 3).
///
/// The batch: 3,000 products, of which 30 % were edited during the day, each edit touching 2–4
/// columns with Vietnamese values; most edits by the province's replica, about 10 % by the central
/// office's; clocks a few seconds to a minute apart over a working day. Measured: encode and
/// decode throughput (uncompressed payload bytes per second), compressed frame bytes per change,
/// and the size relative to NDJSON of the same changes compressed with zlib at its default level.
enum WireBenchmark {
    static func run(quick: Bool) throws -> [Figure] {
        let changes = nightlyBatch(products: 3_000, editedFraction: 0.3, seed: 2025)
        let push = Message.push(Push(schemaVersion: 1, firstCounter: 1, lastCounter: UInt64(changes.count), changes: changes))
        let encoder = FrameEncoder()
        let frame = try encoder.encode(push)
        let plain = try FrameEncoder(compressionThreshold: .max).encode(push)
        let payloadBytes = plain.count - 16
        let rounds = quick ? 5 : 40

        // Encode.
        var sink = 0
        let encodeStart = ContinuousClock.now
        for _ in 0..<rounds { sink &+= try encoder.encode(push).count }
        let encodeSeconds = seconds(ContinuousClock.now - encodeStart)
        let plainEncoder = FrameEncoder(compressionThreshold: .max)
        let plainStart = ContinuousClock.now
        for _ in 0..<rounds { sink &+= try plainEncoder.encode(push).count }
        let plainSeconds = seconds(ContinuousClock.now - plainStart)

        // Decode.
        let decodeStart = ContinuousClock.now
        for _ in 0..<rounds {
            var decoder = FrameDecoder()
            decoder.append(frame)
            if case .push(let decoded)? = try decoder.next() { sink &+= decoded.changes.count }
        }
        let decodeSeconds = seconds(ContinuousClock.now - decodeStart)
        guard sink != 0 else { return [] }

        // NDJSON of the same changes, zlib default level.
        let ndjson = try ndjsonLines(changes)
        let ndjsonZ = zlibCompress(ndjson, dictionary: [])
        // The same payload without the preset dictionary.
        let payload = Array(plain[16...])
        let noDictionaryFrame = 16 + 4 + zlibCompress(payload, dictionary: []).count
        // One-change pushes, where a preset dictionary matters most.
        var small = 0
        var smallNoDictionary = 0
        for change in changes.prefix(200) {
            let one = Message.push(Push(schemaVersion: 1, firstCounter: 1, lastCounter: 1, changes: [change]))
            small += try encoder.encode(one).count
            let raw = try FrameEncoder(compressionThreshold: .max).encode(one)
            smallNoDictionary += min(raw.count, 16 + 4 + zlibCompress(Array(raw[16...]), dictionary: []).count)
        }

        let mb = Double(payloadBytes) * Double(rounds) / 1_000_000
        return [
            Figure(name: "wire_changes_in_batch", value: Double(changes.count), note: "nightly batch: 3,000 products, 30 % edited, 2-4 columns each"),
            Figure(name: "wire_payload_bytes_per_change", value: Double(payloadBytes) / Double(changes.count), note: "uncompressed payload bytes / change"),
            Figure(name: "wire_bytes_per_change", value: Double(frame.count) / Double(changes.count), note: "compressed PUSH frame bytes / change (with preset dictionary)"),
            Figure(name: "wire_bytes_per_change_no_dictionary", value: Double(noDictionaryFrame) / Double(changes.count), note: "same batch compressed without the preset dictionary"),
            Figure(name: "ndjson_zlib_bytes_per_change", value: Double(ndjsonZ.count) / Double(changes.count), note: "NDJSON of the same changes, zlib level 6"),
            Figure(name: "wire_vs_ndjson_zlib_ratio", value: Double(frame.count) / Double(ndjsonZ.count), note: "our frame bytes / zlib(NDJSON) bytes (target <= 0.7)"),
            Figure(name: "wire_small_push_bytes", value: Double(small) / 200, note: "mean frame bytes of a one-change PUSH (200 samples), with dictionary"),
            Figure(name: "wire_small_push_bytes_no_dictionary", value: Double(smallNoDictionary) / 200, note: "the same without the preset dictionary (best of raw and deflate)"),
            Figure(name: "wire_encode_mb_per_s", value: mb / encodeSeconds, note: "payload MB/s encoding (incl. compression), \(rounds) rounds"),
            Figure(name: "wire_encode_uncompressed_mb_per_s", value: mb / plainSeconds, note: "payload MB/s encoding without compression (the codec alone)"),
            Figure(name: "wire_decode_mb_per_s", value: mb / decodeSeconds, note: "payload MB/s decoding (incl. checksum, inflate, validation), \(rounds) rounds"),
            Figure(name: "wire_decode_changes_per_s", value: Double(changes.count * rounds) / decodeSeconds, note: "row changes decoded per second"),
        ]
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    // MARK: The batch

    static let kinds: [(vi: String, en: String, code: String)] = [
        ("Mật ong bạc hà", "mint honey", "1.2.b"), ("Chè Shan tuyết", "Shan Tuyet tea", "1.5.a"), ("Nước mắm", "fish sauce", "1.4.a"),
        ("Gạo nếp cái hoa vàng", "yellow-flower glutinous rice", "1.2.a"), ("Cà phê rang xay", "roasted ground coffee", "1.6"),
        ("Miến dong", "arrowroot vermicelli", "1.3.b"), ("Tinh dầu quế", "cinnamon essential oil", "3.3"), ("Rượu ngô", "corn spirit", "2.1.a"),
        ("Hạt điều rang muối", "salted roasted cashews", "1.3.c"), ("Bánh tráng", "rice paper", "1.3.b"), ("Nấm hương rừng", "wild shiitake", "1.1.a"),
        ("Thổ cẩm dệt tay", "hand-woven brocade", "4.2"), ("Trà hoa vàng", "golden camellia tea", "1.5.b"), ("Tương bần", "Ban soy paste", "1.4.a"),
    ]
    static let places = ["Mèo Vạc", "Đồng Văn", "Hoàng Su Phì", "Phú Quốc", "Cát Hải", "Bắc Hà", "Mộc Châu", "Tân Cương", "Buôn Ma Thuột", "Trà Lĩnh", "Yên Minh", "Quản Bạ"]
    static let qualifiers = ["", "loại 1", "đặc biệt", "hữu cơ", "truyền thống", "thượng hạng", "40 độ đạm", "500g", "hũ 1kg", "chai 500ml"]
    static let phrasesVi = [
        "Sản phẩm được sản xuất từ nguyên liệu tự nhiên của vùng núi cao.", "Hương vị thơm ngon, đậm đà đặc trưng.",
        "Không sử dụng chất bảo quản.", "Do hợp tác xã địa phương sản xuất theo công thức truyền thống.",
        "Đóng gói hũ thủy tinh, bảo quản nơi khô ráo thoáng mát.", "Nguyên liệu được tuyển chọn kỹ lưỡng từ vùng trồng đã được cấp mã số.",
        "Đạt tiêu chuẩn an toàn thực phẩm.", "Thu hái vào mùa hoa nở tháng 10 đến tháng 12.",
    ]
    static let phrasesEn = [
        "Made from natural ingredients of the highlands.", "Rich, distinctive flavour.", "No preservatives.",
        "Produced by a local cooperative to a traditional recipe.", "Packed in glass jars; store in a cool dry place.",
        "Raw material carefully selected from a registered growing area.", "Meets food safety standards.",
    ]
    static let statuses = ["certified", "certified", "certified", "active", "submitted", "expired"]

    static func nightlyBatch(products: Int, editedFraction: Double, seed: UInt64) -> [RowChange] {
        var rng = BenchRandom(seed: seed)
        let province = ReplicaID(high: 0x0190_F3A2_7C4E_7B1A, low: 0x9D2E_3F4A_5B6C_7D8E)
        let central = ReplicaID(high: 0x0190_F3A2_0000_7000, low: 0x8000_0000_0000_0001)
        let dayStart: UInt64 = 1_763_856_000_000 + 1 * 3_600_000  // 08:00 local
        var millis = dayStart
        var provinceCounter: UInt64 = 48_000
        var centralCounter: UInt64 = 7_000
        var changes: [RowChange] = []
        let edited = Int(Double(products) * editedFraction)
        // Product ids: UUIDv7-like, created over the past years, in random order.
        var ids: [[UInt8]] = []
        for i in 0..<products {
            let created = UInt64(1_600_000_000_000 + i * 50_000_000)
            var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) }
            for b in 0..<6 { bytes[b] = UInt8(truncatingIfNeeded: created >> UInt64(40 - 8 * b)) }
            bytes[6] = 0x70 | (bytes[6] & 0x0F)
            ids.append(bytes)
        }
        ids.shuffle(using: &rng)
        let columnsPool = ["status", "name_en", "description_vi", "description_en", "gtin", "classification_version", "name_vi", "material_area_id", "classification_code"]
        for index in 0..<edited {
            millis += UInt64.random(in: 2_000...60_000, using: &rng)
            let byCentral = Int.random(in: 0..<10, using: &rng) == 0
            let replica = byCentral ? central : province
            let counter: UInt64
            if byCentral { centralCounter += 1; counter = centralCounter } else { provinceCounter += 1; counter = provinceCounter }
            let stamp = Stamp(hlc: HLC(millis: millis, logical: 0), dot: Dot(replica: replica, counter: counter))
            var vector: [ReplicaID: UInt64] = [province: provinceCounter - UInt64.random(in: 0...3, using: &rng) * (byCentral ? 1 : 0)]
            if byCentral || Int.random(in: 0..<4, using: &rng) == 0 { vector[central] = byCentral ? counter : UInt64.random(in: 1...centralCounter, using: &rng) }
            if !byCentral { vector[province] = counter }
            let kind = kinds[index % kinds.count]
            let place = places[Int.random(in: 0..<places.count, using: &rng)]
            var values: [String: SyncValue] = [:]
            let count = Int.random(in: 2...4, using: &rng)
            var pool = columnsPool
            pool.shuffle(using: &rng)
            for column in (byCentral ? ["status"] + pool.filter { $0 != "status" } : pool).prefix(count) {
                values[column] = value(column, kind: kind, place: place, rng: &rng)
            }
            let state = RowState(
                versionVector: VersionVector(vector),
                columns: values.mapValues { ColumnWrite(value: $0, stamp: stamp) }
            )
            changes.append(RowChange(table: "products", key: .blob(ids[index]), state: state))
        }
        return changes
    }

    static func value(_ column: String, kind: (vi: String, en: String, code: String), place: String, rng: inout BenchRandom) -> SyncValue {
        switch column {
        case "status": return .text(statuses[Int.random(in: 0..<statuses.count, using: &rng)])
        case "name_vi":
            let q = qualifiers[Int.random(in: 0..<qualifiers.count, using: &rng)]
            return .text(([kind.vi, place] + (q.isEmpty ? [] : [q])).joined(separator: " "))
        case "name_en": return .text("\(place) \(kind.en)")
        case "description_vi":
            return .text((0..<Int.random(in: 1...3, using: &rng)).map { _ in phrasesVi[Int.random(in: 0..<phrasesVi.count, using: &rng)] }.joined(separator: " "))
        case "description_en":
            return .text((0..<Int.random(in: 1...3, using: &rng)).map { _ in phrasesEn[Int.random(in: 0..<phrasesEn.count, using: &rng)] }.joined(separator: " "))
        case "gtin":
            var digits = [8, 9, 3] + (0..<9).map { _ in Int.random(in: 0...9, using: &rng) }
            let sum = digits.enumerated().reduce(0) { $0 + $1.element * ($1.offset % 2 == 0 ? 1 : 3) }
            digits.append((10 - sum % 10) % 10)
            return .text(digits.map(String.init).joined())
        case "classification_version": return .text(Bool.random(using: &rng) ? "148/QĐ-TTg 2023" : "1048/QĐ-TTg 2019")
        case "classification_code": return .text(kind.code)
        default: return .blob((0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) })
        }
    }

    // MARK: NDJSON baseline

    /// One JSON object per change carrying the same information as the binary encoding.
    static func ndjsonLines(_ changes: [RowChange]) throws -> [UInt8] {
        func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
        func json(_ value: SyncValue) -> Any {
            switch value {
            case .null: return NSNull()
            case .integer(let i): return ["integer": i]
            case .real(let r): return ["real": r]
            case .text(let t): return ["text": t]
            case .blob(let b): return ["blob": hex(b)]
            }
        }
        func stamp(_ s: Stamp) -> Any { ["hlc": s.hlc.rawValue, "replica": s.dot.replica.description, "counter": s.dot.counter] }
        var out: [UInt8] = []
        for change in changes {
            var object: [String: Any] = [
                "table": change.table, "key": json(change.key),
                "versionVector": change.state.versionVector.sortedEntries.map { ["replica": $0.replica.description, "counter": $0.counter] as [String: Any] },
                "columns": change.state.columns.mapValues { ["value": json($0.value), "stamp": stamp($0.stamp)] as [String: Any] },
            ]
            if let e = change.state.existence { object["existence"] = ["isDeleted": e.isDeleted, "stamp": stamp(e.stamp)] as [String: Any] }
            out += try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            out.append(0x0A)
        }
        return out
    }

    static func zlibCompress(_ input: [UInt8], dictionary: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        guard ocop_deflateInit2(&stream, Z_DEFAULT_COMPRESSION, 15) == Z_OK else { return input }
        defer { deflateEnd(&stream) }
        if !dictionary.isEmpty {
            _ = dictionary.withUnsafeBufferPointer { deflateSetDictionary(&stream, $0.baseAddress, uInt($0.count)) }
        }
        let bound = Int(deflateBound(&stream, uLong(input.count)))
        var output = [UInt8](repeating: 0, count: bound)
        let produced: Int = input.withUnsafeBufferPointer { inp in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = UnsafeMutablePointer(mutating: inp.baseAddress)
                stream.avail_in = uInt(inp.count)
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(bound)
                return deflate(&stream, Z_FINISH) == Z_STREAM_END ? Int(stream.total_out) : bound
            }
        }
        return Array(output.prefix(produced))
    }
}

/// SplitMix64, so the batch is the same in every run.
struct BenchRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
