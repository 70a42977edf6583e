extension DossierChecklist {
    /// The documents of a dossier, shared by both rules versions (see the sources on
    /// ``qd148_2023`` and ``qd1048_2019``).
    private static let standardDocuments: [DossierDocument] = [
        DossierDocument(code: "registration_form", vi: "Phiếu đăng ký sản phẩm", en: "Product registration form", isRequired: true),
        DossierDocument(code: "business_plan", vi: "Phương án, kế hoạch hoặc báo cáo sản xuất kinh doanh",
                        en: "Business plan or report", isRequired: true),
        DossierDocument(code: "legal_papers", vi: "Giấy đăng ký kinh doanh, đăng ký hợp tác xã của chủ thể",
                        en: "Producer's legal papers (business or cooperative registration)", isRequired: true),
        DossierDocument(code: "product_standard", vi: "Tiêu chuẩn sản phẩm, bản tự công bố chất lượng",
                        en: "Product standard or quality declaration", isRequired: false),
        DossierDocument(code: "food_safety", vi: "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm hoặc bản cam kết",
                        en: "Food-safety certificate or commitment", isRequired: false),
        DossierDocument(code: "label", vi: "Nhãn hàng hóa", en: "Product label", isRequired: false),
        DossierDocument(code: "trade_mark", vi: "Nhãn hiệu, chứng nhận sở hữu trí tuệ", en: "Trade mark (intellectual property)", isRequired: false),
        DossierDocument(code: "material_origin", vi: "Nguồn gốc nguyên liệu", en: "Origin of raw materials", isRequired: false),
        DossierDocument(code: "test_results", vi: "Phiếu kết quả kiểm nghiệm", en: "Test results", isRequired: false),
        DossierDocument(code: "product_story", vi: "Câu chuyện sản phẩm", en: "Product story", isRequired: false),
    ]

    /// Dossiers evaluated under Decision 148/QĐ-TTg (2023).
    ///
    /// Assumed to be the 2019 list (``qd1048_2019``): the sources at hand describe the 2019
    /// dossier only, and nothing we read says the 2023 decision changed what the producer files.
    /// Replaceable as data when the 2023 list is confirmed.
    public static let qd148_2023 = DossierChecklist(
        rules: "QD148-2023", documents: standardDocuments,
        source: "Assumed equal to the QD1048-2019 list: our sources describe the 2019 dossier only."
    )

    /// Dossiers evaluated under Decision 1048/QĐ-TTg (2019).
    ///
    /// Source: the dossier requirements of Decision 1048/QĐ-TTg as published by provinces (Hải
    /// Dương, "Yêu cầu về hồ sơ đánh giá sản phẩm OCOP", baohaiduong.vn, 1 June 2021; An Giang's
    /// OCOP portal, "Hướng dẫn thủ tục hồ sơ đăng ký sản phẩm OCOP"). Required ("yêu cầu bắt
    /// buộc"): the registration form, the business plan, the introduction of the producer's
    /// organisation, the business registration and five product samples. Everything else
    /// (quality declaration and standard, food-safety papers, test results, label, trade mark,
    /// origin of materials, product story...) is supplementary evidence for the criteria.
    /// Choices: samples are goods, not documents, and the organisation's introduction is checked
    /// with the business plan, so neither is an item of its own.
    public static let qd1048_2019 = DossierChecklist(
        rules: "QD1048-2019", documents: standardDocuments,
        source: "Decision 1048/QĐ-TTg dossier requirements as published by Hải Dương (baohaiduong.vn, 2021-06-01) and An Giang's OCOP portal: registration form, business plan, organisation, business registration and samples required; the rest is evidence. Samples are not documents; the organisation's introduction is checked with the business plan."
    )
}

extension DossierProcedure {
    /// The procedure of the two-level local administration (provinces and communes, no
    /// districts): Decision 148/QĐ-TTg, Appendix II §1, as amended by Decision 1489/QĐ-TTg of
    /// 6 July 2025 (in force that day), which removed the district level and moved 3★ to the
    /// province.
    ///
    /// - The commune's People's Committee receives the dossier, checks its form, assesses the
    ///   local criteria (origin of the product and its materials, local labour, origin of the
    ///   idea, local identity) in a report, and asks the province in writing to evaluate it.
    /// - The province's chairperson sets up the evaluation council and its advisory team (Tổ tư
    ///   vấn), which prepares the dossiers for the council.
    /// - The council scores the product; the province's People's Committee approves the results
    ///   and issues certificates for 3★ and 4★; products of 90 points or more are proposed to
    ///   the Ministry of Agriculture and Environment for 5★.
    ///
    /// Days are OUR CHOICE: the decisions set none. Councils meet in rounds ("đợt"; e.g. Phú
    /// Thọ's first round of 2025 met on 28 November 2025 for 71 products from 29 communes), so a
    /// dossier waits for the next round: 15 days for the commune, 30 for the province office to
    /// put it before the council, 30 for the council and the decision. Dossiers still open from
    /// before 6 July 2025 are measured by the same steps: the reform moved them to the province.
    ///
    /// Quorum: the council decides with at least 5 members' sheets. The council's working rules
    /// (quy chế hoạt động) are issued by each province's chairperson and are not in our sources,
    /// and the council's size is not recorded, so the check is a fixed minimum: 5 is two thirds
    /// of a 7-member council. Our choice, replaceable as data.
    public static let twoLevel2025 = DossierProcedure(
        name: "148/QĐ-TTg Appendix II as amended by 1489/QĐ-TTg (2025-07-06)",
        effectiveFrom: .known(2025, 7, 6),
        steps: [
            DossierStep(
                code: "commune_check",
                name: BilingualText(vi: "Tiếp nhận, kiểm tra hồ sơ và đề nghị cấp tỉnh đánh giá",
                                    en: "Receive and check the dossier, ask the province to evaluate it"),
                actor: BilingualText(vi: "UBND cấp xã", en: "Commune People's Committee"),
                stage: .received, days: 15,
                source: "Decision 1489/QĐ-TTg (2025), amending Decision 148/QĐ-TTg Appendix II §1(a); days: our choice"
            ),
            DossierStep(
                code: "province_review",
                name: BilingualText(vi: "Tổ tư vấn rà soát hồ sơ, trình Hội đồng cấp tỉnh",
                                    en: "Advisory team reviews the dossier and puts it before the council"),
                actor: BilingualText(vi: "Cơ quan thường trực OCOP cấp tỉnh, Tổ tư vấn", en: "Province OCOP office and advisory team"),
                stage: .checked, days: 30,
                source: "Decision 148/QĐ-TTg Appendix II §1(c) as amended by 1489/QĐ-TTg; days: our choice"
            ),
            DossierStep(
                code: "council_decision",
                name: BilingualText(vi: "Hội đồng cấp tỉnh đánh giá, phân hạng; UBND cấp tỉnh quyết định công nhận",
                                    en: "Province council scores the product; People's Committee decides"),
                actor: BilingualText(vi: "Hội đồng OCOP cấp tỉnh, UBND cấp tỉnh", en: "Province council and People's Committee"),
                stage: .atCouncil, days: 30,
                source: "Decision 148/QĐ-TTg Appendix II §1(c) as amended by 1489/QĐ-TTg; days: our choice"
            ),
        ],
        minimumSheets: 5,
        quorumSource: "Council working rules are each province's and not in our sources; the council's size is not recorded: at least 5 members' sheets (two thirds of a 7-member council), our choice."
    )
}
