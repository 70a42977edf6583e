import Foundation
import OCOPModel

/// Why a province cannot be added as given, naming the field (`code` or `name`) so a command
/// can name its option.
public struct ProvinceAdmissionError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Field: String, Sendable { case code, name }
    public var field: Field
    public var message: String
    public var description: String { "\(field.rawValue): \(message)" }
}

/// Checks a province an administrator adds against the table of provincial-level units in
/// force on the day of the add (Vietnam time): a code must be a current two-digit code (not
/// `99`, not `1` for `01`, not a code retired in the 2025 merger), and a name, when given,
/// must be that unit's name.
public enum ProvinceAdmission {
    /// The unit to add, with its official name.
    public static func check(code rawCode: String, name rawName: String?, on date: LocalDate,
                             registry: ProvinceRegistry = .standard) throws(ProvinceAdmissionError) -> Province {
        let code = rawCode.trimmingCharacters(in: .whitespaces)
        let inForce = registry.provinces(on: date)
        func label(_ unit: Province) -> String { "\(unit.code) (\(unit.name))" }
        guard code.count == 2, code.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            var message = "'\(rawCode)' is not a province code: codes have two digits, as in the table in force on \(date)"
            if code.count == 1, code.allSatisfy(\.isNumber), let padded = registry.province(code: "0" + code, on: date) {
                message += "; did you mean \(label(padded))?"
            } else {
                message += ", e.g. 01 (Hà Nội)"
            }
            throw ProvinceAdmissionError(field: .code, message: message)
        }
        guard let unit = registry.province(code: code, on: date) else {
            if registry.isRetired(code: code, on: date), let former = registry.allUnits.last(where: { $0.code == code && !$0.isInForce(on: date) }) {
                let successor = registry.successor(ofOldCode: code)
                throw ProvinceAdmissionError(field: .code, message: """
                    \(code) (\(former.name)) is a retired code: it ended on \(former.validUntil.map(String.init(describing:)) ?? "?")\
                    \(successor.map { "; the unit is now \(label($0)): add that code instead" } ?? "")
                    """)
            }
            throw ProvinceAdmissionError(field: .code, message: """
                \(code) is not a province code in the table in force on \(date); the codes are \
                \(inForce.map(\.code).joined(separator: " "))
                """)
        }
        if let rawName {
            let given = comparable(rawName)
            guard !given.isEmpty else { throw ProvinceAdmissionError(field: .name, message: "empty; leave it out to use \(unit.name)") }
            guard given == comparable(unit.name) else {
                var message = "'\(rawName)' is not the name of code \(code), which is \(unit.name) on \(date)"
                if let other = inForce.first(where: { comparable($0.name) == given }) {
                    message += "; \(other.name) is code \(other.code)"
                }
                throw ProvinceAdmissionError(field: .name, message: message + " (or leave --name out to use the table's name)")
            }
        }
        return unit
    }

    /// A name as people write it, for comparison: NFC, case and spacing ignored, and the
    /// kind prefix ("Tỉnh", "Thành phố", "TP") dropped, so "TP Hồ Chí Minh" and "thành phố hồ
    /// chí minh" both match "Thành phố Hồ Chí Minh".
    static func comparable(_ name: String) -> String {
        var words = name.precomposedStringWithCanonicalMapping.lowercased().split(whereSeparator: \.isWhitespace).map(String.init)
        if words.first == "tỉnh" || words.first == "tp" || words.first == "tp." {
            words.removeFirst()
        } else if words.count > 2, words[0] == "thành", words[1] == "phố" {
            words.removeFirst(2)
        }
        return words.joined(separator: " ")
    }
}
