/// Whether a provincial-level unit is a province (tỉnh) or a centrally run city
/// (thành phố trực thuộc trung ương). Stored as text in `tenants.kind`.
public enum ProvinceKind: String, Sendable, Hashable, Codable, CaseIterable {
    case province
    case city
}
