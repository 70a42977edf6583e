extension ClassificationVersion {
    /// Decision 148/QĐ-TTg (24 February 2023): 6 sectors → groups → sub-groups.
    ///
    /// Sector names (vi and en), and group and sub-group content, follow `domain.md`. English
    /// names are our own translations (no official English list exists). Vietnamese names of
    /// groups and sub-groups are our rendering of the decision's wording: verify against the
    /// decision text before publishing them. Codes follow our scheme (see the type).
    public static let qd148_2023 = ClassificationVersion(
        id: "QD148-2023",
        decision: "148/QĐ-TTg",
        effectiveFrom: .known(2023, 2, 24),
        effectiveUntil: nil,
        finestLevel: .subGroup,
        nodes: [
            .init(code: "1", vi: "Thực phẩm", en: "Food"),
            .init(code: "1.1", vi: "Thực phẩm tươi sống", en: "Fresh food"),
            .init(code: "1.1.a", vi: "Rau, củ, quả, hạt tươi", en: "Vegetables, tubers, fruit, nuts"),
            .init(code: "1.1.b", vi: "Thịt, thủy sản, trứng, sữa tươi", en: "Meat, seafood, eggs, milk"),
            .init(code: "1.2", vi: "Thực phẩm thô, sơ chế", en: "Raw or pre-processed food"),
            .init(code: "1.2.a", vi: "Gạo, ngũ cốc", en: "Rice, cereals"),
            .init(code: "1.2.b", vi: "Mật ong, các loại mật khác và sản phẩm khác", en: "Honey, syrups, other"),
            .init(code: "1.3", vi: "Thực phẩm chế biến", en: "Processed food"),
            .init(code: "1.3.a", vi: "Đồ ăn nhanh", en: "Fast food"),
            .init(code: "1.3.b", vi: "Chế biến từ gạo, ngũ cốc", en: "From rice, cereals"),
            .init(code: "1.3.c", vi: "Chế biến từ rau, củ, quả, hạt", en: "From vegetables, fruit, nuts"),
            .init(code: "1.3.d", vi: "Chế biến từ thịt, trứng, sữa, thủy sản, mật ong", en: "From meat, eggs, milk, seafood, honey"),
            .init(code: "1.4", vi: "Gia vị", en: "Seasonings"),
            .init(code: "1.4.a", vi: "Tương, nước mắm, gia vị dạng lỏng", en: "Soy paste, fish sauce, liquid seasonings"),
            .init(code: "1.4.b", vi: "Gia vị khác", en: "Other seasonings"),
            .init(code: "1.5", vi: "Chè", en: "Tea"),
            .init(code: "1.5.a", vi: "Sản phẩm từ chè", en: "Tea"),
            .init(code: "1.5.b", vi: "Sản phẩm trà khác", en: "\"Tea\" from other plants"),
            .init(code: "1.6", vi: "Cà phê, ca cao", en: "Coffee, cocoa"),
            .init(code: "2", vi: "Đồ uống", en: "Beverages"),
            .init(code: "2.1", vi: "Đồ uống có cồn", en: "Alcoholic beverages"),
            .init(code: "2.1.a", vi: "Rượu trắng", en: "Rice spirit"),
            .init(code: "2.1.b", vi: "Đồ uống có cồn khác", en: "Other alcoholic beverages"),
            .init(code: "2.2", vi: "Đồ uống không cồn", en: "Non-alcoholic beverages"),
            .init(code: "2.2.a", vi: "Nước khoáng, nước uống đóng chai", en: "Mineral and bottled water"),
            .init(code: "2.2.b", vi: "Đồ uống không cồn khác", en: "Other non-alcoholic beverages"),
            .init(code: "3", vi: "Dược liệu", en: "Medicinal herbs and herbal products"),
            .init(code: "3.1", vi: "Thực phẩm chức năng, thuốc dược liệu, thuốc y học cổ truyền", en: "Functional foods and traditional medicines"),
            .init(code: "3.2", vi: "Mỹ phẩm có thành phần từ thảo dược", en: "Herbal cosmetics"),
            .init(code: "3.3", vi: "Tinh dầu và sản phẩm khác từ dược liệu", en: "Essential oils and other herbal products"),
            .init(code: "4", vi: "Thủ công mỹ nghệ", en: "Handicrafts"),
            .init(code: "4.1", vi: "Thủ công mỹ nghệ, gia dụng, trang trí", en: "Household and decorative crafts"),
            .init(code: "4.2", vi: "Sản phẩm dệt may", en: "Textiles and garments"),
            .init(code: "5", vi: "Sinh vật cảnh", en: "Ornamentals"),
            .init(code: "5.1", vi: "Hoa", en: "Flowers"),
            .init(code: "5.2", vi: "Cây cảnh", en: "Ornamental plants"),
            .init(code: "5.3", vi: "Động vật cảnh", en: "Ornamental animals"),
            .init(code: "6", vi: "Du lịch cộng đồng", en: "Community and eco-tourism"),
            .init(code: "6.1", vi: "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch", en: "Community tourism, eco-tourism and destinations"),
        ]
    )

    /// Decision 1048/QĐ-TTg (21 August 2019): its 6 sectors only.
    ///
    /// Our sources list the 2019 sectors but not their groups, so this version stops at sector
    /// level (``finestLevel`` is `.sector`) and products classified under it carry a sector
    /// code. English names are our translations; Vietnamese names are our rendering of the
    /// decision's wording.
    public static let qd1048_2019 = ClassificationVersion(
        id: "QD1048-2019",
        decision: "1048/QĐ-TTg",
        effectiveFrom: .known(2019, 8, 21),
        effectiveUntil: .known(2023, 2, 23),
        finestLevel: .sector,
        nodes: [
            .init(code: "1", vi: "Thực phẩm", en: "Food"),
            .init(code: "2", vi: "Đồ uống", en: "Beverages"),
            .init(code: "3", vi: "Thảo dược", en: "Herbs"),
            .init(code: "4", vi: "Vải và may mặc", en: "Textiles"),
            .init(code: "5", vi: "Lưu niệm, nội thất, trang trí", en: "Souvenirs, furniture and decoration"),
            .init(code: "6", vi: "Dịch vụ du lịch nông thôn, bán hàng", en: "Rural tourism and sales services"),
        ]
    )
}
