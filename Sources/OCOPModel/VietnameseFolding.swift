import Foundation

/// Vietnamese text folded for matching: lower case, tones and marks removed, `đ` read as `d`
/// (`Nước mắm` → `nuoc mam`), so text typed without a Vietnamese keyboard, or stored without
/// diacritics, compares equal to its accented form.
///
/// One folding serves every matcher (lookups' free-text search, the owner names that
/// ``PublicProducer`` keeps out of public text), so they never disagree on what "the same
/// word" is.
public enum VietnameseFolding {
    /// Latin letters with marks → their folded base (`ằ` → `a`, `Đ` → `d`), computed once with
    /// Foundation; folding a name is then a table lookup per scalar.
    private static let table: [UInt32: Unicode.Scalar] = {
        var table: [UInt32: Unicode.Scalar] = [:]
        for range in [UInt32(0x00C0)...0x024F, 0x1E00...0x1EFF] {
            for value in range {
                guard let scalar = Unicode.Scalar(value) else { continue }
                let folded = String(scalar).folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
                if let first = folded.unicodeScalars.first, folded.unicodeScalars.count == 1, first.value != value {
                    table[value] = first
                }
            }
        }
        table[0x0110] = "d" // Đ
        table[0x0111] = "d" // đ
        return table
    }()

    /// `text` folded, whatever its Unicode form.
    public static func fold(_ text: String) -> String {
        fold(normalized: text.normalizedNFC())
    }

    /// ``fold(_:)`` for text already in NFC (everything stored is: input is normalised on the way in).
    public static func fold(normalized text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x41...0x5A: scalars.append(Unicode.Scalar(scalar.value + 0x20)!)
            case 0...0x7F: scalars.append(scalar)
            case 0x0300...0x036F: continue // combining marks left over
            default:
                if let folded = table[scalar.value] { scalars.append(folded) } else {
                    scalars.append(contentsOf: String(scalar).lowercased().unicodeScalars)
                }
            }
        }
        return String(scalars)
    }
}
