/// A GS1 Global Trade Item Number: 8, 12, 13 or 14 digits, the last a check digit.
///
/// Trace links use the 14-digit form (GS1 Digital Link pads with zeros); products may store
/// any of the shorter forms, so a lookup tries each form the number can be written in.
public struct GTIN: Sendable, Hashable, CustomStringConvertible {
    /// The number as GTIN-14 (left-padded with zeros).
    public let gtin14: String

    /// Why a text is not a GTIN.
    public enum Problem: Error, Sendable, Hashable {
        case notDigits
        case badLength
        case badCheckDigit(expected: Character)
    }

    /// The GTIN written as `text`, or why it is not one.
    public static func parse(_ text: String) -> Result<GTIN, Problem> {
        guard !text.isEmpty, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return .failure(.notDigits) }
        guard [8, 12, 13, 14].contains(text.utf8.count) else { return .failure(.badLength) }
        let padded = String(repeating: "0", count: 14 - text.utf8.count) + text
        let expected = checkDigit(of: padded.dropLast())
        guard padded.last == expected else { return .failure(.badCheckDigit(expected: expected)) }
        return .success(GTIN(gtin14: padded))
    }

    public init?(_ text: String) {
        guard case .success(let gtin) = Self.parse(text) else { return nil }
        self = gtin
    }

    private init(gtin14: String) { self.gtin14 = gtin14 }

    /// The GS1 check digit of the 13 digits before it: weights 3 and 1 alternating from the
    /// right, the digit that rounds the sum up to a multiple of 10.
    static func checkDigit(of digits: Substring) -> Character {
        var sum = 0
        for (offset, digit) in digits.reversed().enumerated() {
            let value = Int(digit.asciiValue! - UInt8(ascii: "0"))
            sum += offset % 2 == 0 ? value * 3 : value
        }
        return Character(String((10 - sum % 10) % 10))
    }

    /// Every way a product may have stored this number: GTIN-14 and, where its leading digits
    /// are zeros, GTIN-13, GTIN-12 and GTIN-8.
    public var storedForms: [String] {
        [14, 13, 12, 8].compactMap { length in
            let cut = gtin14.dropFirst(14 - length)
            return gtin14.prefix(14 - length).allSatisfy { $0 == "0" } ? String(cut) : nil
        }
    }

    public var description: String { gtin14 }
}
