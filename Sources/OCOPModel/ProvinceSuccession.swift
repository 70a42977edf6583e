/// One row of the 2025 merger table: an old unit (in force until `validUntil`) and the unit it
/// became. Mirrors `province-merger-2025.csv` column for column.
public struct ProvinceSuccession: Sendable, Hashable, Codable {
    public var oldCode: String
    public var oldName: String
    /// Last day the old unit existed (2025-06-30).
    public var validUntil: LocalDate
    public var newCode: String
    public var newName: String
    /// A remark, e.g. that part of the old unit went elsewhere; `nil` if none.
    public var note: String?

    public init(oldCode: String, oldName: String, validUntil: LocalDate, newCode: String, newName: String, note: String?) {
        self.oldCode = oldCode
        self.oldName = oldName
        self.validUntil = validUntil
        self.newCode = newCode
        self.newName = newName
        self.note = note
    }
}
