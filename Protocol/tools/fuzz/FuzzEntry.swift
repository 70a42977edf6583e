// libFuzzer entry point for the OCOPWire decoder, compiled by Protocol/tools/fuzz.sh together with
// the OCOPSync and OCOPWire sources as one module (so internal API is reachable).
//
// Input byte 0 chooses the mode:
//   even: the rest is a byte stream for FrameDecoder (framing, checksums, compression, payloads);
//   odd:  byte 1 is a message type and the rest a payload, decoded directly (so mutations are
//         not all stopped by the CRC); bit 1 of byte 0 means "decode it as a compressed payload".
// Invariants (a violation traps, which libFuzzer reports as a crash):
//   - errors are WireErrors (typed throws guarantee it) and decoding terminates;
//   - whatever decodes re-encodes, and the re-encoded frame decodes to an equal message.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let input = UnsafeBufferPointer(start: data, count: size)
    if input[0] & 1 == 0 {
        var decoder = FrameDecoder()
        decoder.append(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(input)[1...]))
        while true {
            do {
                guard let message = try decoder.next() else { break }
                check(message)
            } catch {
                if error.code.closesConnection { break }
            }
        }
        _ = try? decoder.finish()
    } else if size >= 2, let type = MessageType(rawValue: input[1]) {
        let payload = UnsafeBufferPointer(rebasing: input[2...])
        do {
            let message: Message
            if input[0] & 2 != 0 {
                let inflated = try Zlib.inflate(payload, dictionary: WireDictionary.bytes, expectedSize: min(payload.count * 8, 1 << 20))
                message = try inflated.withUnsafeBufferPointer { (p) throws(WireError) in
                    try PayloadCoding.decode(type: type, payload: p, limits: .protocolDefault)
                }
            } else {
                message = try PayloadCoding.decode(type: type, payload: payload, limits: .protocolDefault)
            }
            check(message)
        } catch {
            precondition(error.code.rawValue < 0x0100, "codec raised a session code")
        }
    }
    return 0
}

private func check(_ message: Message) {
    let frame: [UInt8]
    do {
        frame = try FrameEncoder().encode(message)
    } catch {
        preconditionFailure("decoded message does not re-encode: \(error)")
    }
    var decoder = FrameDecoder()
    decoder.append(frame)
    guard let again = try? decoder.next() else { preconditionFailure("re-encoded frame does not decode") }
    precondition(again == message, "re-encoded frame decodes to another message")
}
