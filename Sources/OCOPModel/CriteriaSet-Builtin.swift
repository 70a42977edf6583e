extension CriteriaSet {
    /// The star bands of both decisions: 1★ below 30, 2★ 30–49, 3★ 50–69, 4★ 70–89,
    /// 5★ 90–100 (lower bounds inclusive; see ``StarBand``).
    public static let standardStarBands: [StarBand] = [
        StarBand(stars: 1, minimum: 0),
        StarBand(stars: 2, minimum: 30),
        StarBand(stars: 3, minimum: 50),
        StarBand(stars: 4, minimum: 70),
        StarBand(stars: 5, minimum: 90),
    ]

    /// Decision 148/QĐ-TTg (2023): A product and community strength 40, B marketing
    /// capability 25, C product quality incl. export capability 35, plus bonus points.
    ///
    /// Known: the part maxima, the bands, and that bonus points exist (for women, ethnic
    /// minorities, local materials and labour). Assumed, and replaceable as data:
    /// - The per-criterion lists are ILLUSTRATIVE: the official sheets (one per product
    ///   sector) are not in our sources. Codes A1...A7, B1...B5, C1...C5 with plausible names and
    ///   maxima summing to each part's maximum.
    /// - The bonus is one number, capped at 5, added to A + B + C; the total is capped at 100,
    ///   so a bonus can lift a product into a higher band but never past 100.
    public static let qd148_2023 = CriteriaSet(
        id: "QD148-2023",
        decision: "148/QĐ-TTg",
        classificationVersion: "QD148-2023",
        effectiveFrom: .known(2023, 2, 24),
        effectiveUntil: nil,
        parts: [
            CriteriaPart(
                code: "A", name: BilingualText(vi: "Sản phẩm và sức mạnh cộng đồng", en: "Product and community strength"),
                maximum: 40,
                criteria: [
                    Criterion(code: "A1", vi: "Nguồn nguyên liệu", en: "Origin of raw materials", maximum: 8),
                    Criterion(code: "A2", vi: "Gia tăng giá trị", en: "Value added", maximum: 6),
                    Criterion(code: "A3", vi: "Năng lực sản xuất", en: "Production capacity", maximum: 6),
                    Criterion(code: "A4", vi: "Liên kết sản xuất", en: "Production linkage", maximum: 6),
                    Criterion(code: "A5", vi: "Tổ chức sản xuất", en: "Organisation of production", maximum: 6),
                    Criterion(code: "A6", vi: "Bảo vệ môi trường", en: "Environmental protection", maximum: 4),
                    Criterion(code: "A7", vi: "Sự tham gia của cộng đồng", en: "Community participation", maximum: 4),
                ]
            ),
            CriteriaPart(
                code: "B", name: BilingualText(vi: "Khả năng tiếp thị", en: "Marketing capability"),
                maximum: 25,
                criteria: [
                    Criterion(code: "B1", vi: "Kế hoạch kinh doanh", en: "Business plan", maximum: 5),
                    Criterion(code: "B2", vi: "Câu chuyện sản phẩm", en: "Product story", maximum: 5),
                    Criterion(code: "B3", vi: "Bao bì, nhãn hàng hóa", en: "Packaging and labelling", maximum: 5),
                    Criterion(code: "B4", vi: "Xúc tiến thương mại", en: "Trade promotion", maximum: 5),
                    Criterion(code: "B5", vi: "Kênh phân phối", en: "Distribution channels", maximum: 5),
                ]
            ),
            CriteriaPart(
                code: "C", name: BilingualText(vi: "Chất lượng sản phẩm", en: "Product quality"),
                maximum: 35,
                criteria: [
                    Criterion(code: "C1", vi: "Tiêu chuẩn sản phẩm", en: "Product standard", maximum: 10),
                    Criterion(code: "C2", vi: "Chất lượng và an toàn", en: "Quality and safety", maximum: 10),
                    Criterion(code: "C3", vi: "Truy xuất nguồn gốc", en: "Traceability", maximum: 5),
                    Criterion(code: "C4", vi: "Hệ thống quản lý chất lượng", en: "Quality management system", maximum: 5),
                    Criterion(code: "C5", vi: "Khả năng xuất khẩu", en: "Export capability", maximum: 5),
                ]
            ),
        ],
        bonusMaximum: 5,
        maximumTotal: 100,
        starBands: standardStarBands,
        notes: "Part maxima and star bands from Decision 148/QĐ-TTg. Per-criterion lists are illustrative (official sheets not in our sources). Bonus: one number capped at 5 (assumption); total capped at 100."
    )

    /// Decision 1048/QĐ-TTg (2019): A 35, B 25, C 40, no bonus.
    ///
    /// Known: the part maxima and the bands. The per-criterion lists are ILLUSTRATIVE (codes
    /// A1...A6, B1...B5, C1...C5), replaceable as data. No bonus points are modelled for 2019
    /// (``bonusMaximum`` 0): our sources mention bonus points only for 2023.
    public static let qd1048_2019 = CriteriaSet(
        id: "QD1048-2019",
        decision: "1048/QĐ-TTg",
        classificationVersion: "QD1048-2019",
        effectiveFrom: .known(2019, 8, 21),
        effectiveUntil: .known(2023, 2, 23),
        parts: [
            CriteriaPart(
                code: "A", name: BilingualText(vi: "Sản phẩm và sức mạnh cộng đồng", en: "Product and community strength"),
                maximum: 35,
                criteria: [
                    Criterion(code: "A1", vi: "Nguồn nguyên liệu", en: "Origin of raw materials", maximum: 8),
                    Criterion(code: "A2", vi: "Gia tăng giá trị", en: "Value added", maximum: 6),
                    Criterion(code: "A3", vi: "Năng lực sản xuất", en: "Production capacity", maximum: 5),
                    Criterion(code: "A4", vi: "Liên kết sản xuất", en: "Production linkage", maximum: 6),
                    Criterion(code: "A5", vi: "Tổ chức sản xuất", en: "Organisation of production", maximum: 5),
                    Criterion(code: "A6", vi: "Bảo vệ môi trường", en: "Environmental protection", maximum: 5),
                ]
            ),
            CriteriaPart(
                code: "B", name: BilingualText(vi: "Khả năng tiếp thị", en: "Marketing capability"),
                maximum: 25,
                criteria: [
                    Criterion(code: "B1", vi: "Kế hoạch kinh doanh", en: "Business plan", maximum: 5),
                    Criterion(code: "B2", vi: "Câu chuyện sản phẩm", en: "Product story", maximum: 5),
                    Criterion(code: "B3", vi: "Bao bì, nhãn hàng hóa", en: "Packaging and labelling", maximum: 5),
                    Criterion(code: "B4", vi: "Xúc tiến thương mại", en: "Trade promotion", maximum: 5),
                    Criterion(code: "B5", vi: "Kênh phân phối", en: "Distribution channels", maximum: 5),
                ]
            ),
            CriteriaPart(
                code: "C", name: BilingualText(vi: "Chất lượng sản phẩm", en: "Product quality"),
                maximum: 40,
                criteria: [
                    Criterion(code: "C1", vi: "Tiêu chuẩn sản phẩm", en: "Product standard", maximum: 12),
                    Criterion(code: "C2", vi: "Chất lượng và an toàn", en: "Quality and safety", maximum: 12),
                    Criterion(code: "C3", vi: "Truy xuất nguồn gốc", en: "Traceability", maximum: 6),
                    Criterion(code: "C4", vi: "Hệ thống quản lý chất lượng", en: "Quality management system", maximum: 5),
                    Criterion(code: "C5", vi: "Khả năng xuất khẩu", en: "Export capability", maximum: 5),
                ]
            ),
        ],
        bonusMaximum: 0,
        maximumTotal: 100,
        starBands: standardStarBands,
        notes: "Part maxima and star bands from Decision 1048/QĐ-TTg. Per-criterion lists are illustrative. No bonus modelled."
    )
}
