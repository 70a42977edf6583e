/// The legal form of an OCOP producer ("chủ thể OCOP"). A fixed vocabulary, stored as text in
/// `producers.type`.
public enum ProducerType: String, Sendable, Hashable, Codable, CaseIterable {
    /// Hợp tác xã (HTX).
    case cooperative
    /// Doanh nghiệp.
    case enterprise
    /// Tổ hợp tác.
    case cooperativeGroup = "cooperative_group"
    /// Hộ kinh doanh / hộ sản xuất: a natural person, whose personal data must not leave Vietnam.
    case household

    /// Vietnamese label.
    public var vietnameseName: String {
        switch self {
        case .cooperative: return "Hợp tác xã"
        case .enterprise: return "Doanh nghiệp"
        case .cooperativeGroup: return "Tổ hợp tác"
        case .household: return "Hộ kinh doanh"
        }
    }

    /// Reads a type as people write it in a spreadsheet: the stored value (`cooperative_group`),
    /// an English label (`cooperative group`), or Vietnamese (`HTX`, `hợp tác xã`,
    /// `doanh nghiệp`, `DN`, `tổ hợp tác`, `THT`, `hộ kinh doanh`, `hộ sản xuất`, `hộ gia đình`),
    /// ignoring case, spacing and Unicode form. `nil` if none matches.
    public init?(lenient text: String) {
        let key = text.trimmedNFC().lowercased().normalizedNFC()
            .split(whereSeparator: { $0 == " " || $0 == "_" || $0 == "-" }).joined(separator: " ")
        switch key {
        case "cooperative", "htx", "hợp tác xã": self = .cooperative
        case "enterprise", "company", "dn", "doanh nghiệp", "công ty": self = .enterprise
        case "cooperative group", "tht", "tổ hợp tác": self = .cooperativeGroup
        case "household", "household business", "hộ kinh doanh", "hộ sản xuất", "hộ gia đình", "hkd": self = .household
        default: return nil
        }
    }
}
