/// Provincial-level units and their successions, answering "which unit did code X mean on
/// date D?" and "what is that unit now?".
///
/// On 1 July 2025, 63 units became 34. Each new unit kept the code of the old unit hosting its
/// centre, so a code alone is ambiguous: `"15"` was Yên Bái until 2025-06-30 and is Lào Cai from
/// 2025-07-01; `"10"` (the old Lào Cai) is retired. The data is ``units2025`` and
/// ``merger2025``, generated from the shared CSV files. A unit split across successors (Tiền
/// Giang went mostly to Đồng Tháp, a few communes to Tây Ninh) has one main successor here; the
/// split is kept in the succession's `note`.
public struct ProvinceRegistry: Sendable, Hashable {
    /// Units in force now.
    public var current: [Province]
    /// Old unit → new unit rows.
    public var successions: [ProvinceSuccession]

    public init(current: [Province], successions: [ProvinceSuccession]) {
        self.current = current
        self.successions = successions
    }

    /// The built-in data: the 34 units of 2025 and the 63 → 34 merger.
    public static let standard = ProvinceRegistry(current: units2025, successions: merger2025)

    /// The units before the merger, each valid until its succession's `validUntil`. Our
    /// sources do not give their kind or start date, so those are `nil`.
    public var formerUnits: [Province] {
        successions.map {
            Province(code: $0.oldCode, name: $0.oldName, kind: nil, validFrom: nil, validUntil: $0.validUntil)
        }
    }

    /// Every meaning of every code: former units, then current ones.
    public var allUnits: [Province] { formerUnits + current }

    /// The unit `code` meant on `date`, or `nil` if the code meant nothing then (e.g. `"10"`
    /// after 2025-06-30).
    public func province(code: String, on date: LocalDate) -> Province? {
        allUnits.first { $0.code == code && $0.isInForce(on: date) }
    }

    /// All units in force on `date`, in code order.
    public func provinces(on date: LocalDate) -> [Province] {
        allUnits.filter { $0.isInForce(on: date) }.sorted { $0.code < $1.code }
    }

    /// The current unit a former unit's code became (`"10"` → Lào Cai `"15"`, `"15"` → Lào Cai
    /// `"15"`, `"02"` → Tuyên Quang `"08"`), or `nil` if the code was not a former unit's.
    ///
    /// Only former codes are looked up here: to interpret a code that may be current, use
    /// ``currentUnit(forCode:asOf:)`` with the date the code was written.
    public func successor(ofOldCode code: String) -> Province? {
        guard let succession = successions.first(where: { $0.oldCode == code }) else { return nil }
        return currentUnit(code: succession.newCode)
    }

    /// The succession row of a former code (with its note), or `nil`.
    public func succession(ofOldCode code: String) -> ProvinceSuccession? {
        successions.first { $0.oldCode == code }
    }

    /// The unit a code written on `date` refers to today: the code is read as it was meant on
    /// `date`, then followed through successions. `("15", 2024-05-01)` → Lào Cai (Yên Bái merged
    /// into it); `("10", 2025-08-01)` → `nil` (retired code).
    public func currentUnit(forCode code: String, asOf date: LocalDate) -> Province? {
        guard let unit = province(code: code, on: date) else { return nil }
        if unit.validUntil == nil { return unit }
        return successor(ofOldCode: unit.code)
    }

    /// The former units merged into a current unit (e.g. `"25"` Phú Thọ ← 17, 25, 26), in code
    /// order; empty for an unknown code.
    public func predecessors(ofCode code: String) -> [Province] {
        formerUnits.filter { former in
            successions.contains { $0.oldCode == former.code && $0.newCode == code }
        }.sorted { $0.code < $1.code }
    }

    /// Whether the code was in use before `date` but means nothing on `date`.
    public func isRetired(code: String, on date: LocalDate) -> Bool {
        province(code: code, on: date) == nil && allUnits.contains { $0.code == code && ($0.validUntil.map { $0 < date } ?? false) }
    }

    private func currentUnit(code: String) -> Province? {
        current.first { $0.code == code }
    }
}
