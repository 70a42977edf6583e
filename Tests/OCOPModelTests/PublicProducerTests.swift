import Foundation
import OCOPModel
import Testing

/// The one rule for what leaves the national store about a producer (``PublicProducer``), on
/// the names provinces really record: Kinh and ethnic-minority owners, with and without
/// diacritics, in the household's name, product names and descriptions.
@Suite struct PublicProducerTests {
    static let tenant = UUID()

    static func household(_ name: String, owner: String?, commune: String? = "Xã Sín Chéng") -> Producer {
        Producer(tenantID: tenant, name: name, type: .household, commune: commune, representative: owner)
    }

    @Test(arguments: [
        ("Hộ kinh doanh Nguyễn Văn An", "Nguyễn Văn An"),
        ("HKD Lò Thị Mai", "Lò Thị Mai"),
        ("Cơ sở Bánh chưng bà Hoàng Thị Lan", "Hoàng Thị Lan"),
        ("Ho kinh doanh Nguyen Van An", "Nguyen Van An"),
        ("Hộ sản xuất Sùng A Páo", "Sùng A Páo"),
        ("Cơ sở sản xuất Mật ong Giàng Seo Chứ", "Giàng Seo Chứ"),
    ])
    func aHouseholdIsShownUnderItsNeutralLabel(name: String, owner: String) {
        let face = PublicProducer(Self.household(name, owner: owner), provinceName: "Lào Cai")
        #expect(face.name == "Hộ sản xuất tại Xã Sín Chéng, Lào Cai")
        #expect(face.isNeutralLabel && face.type == .household)
    }

    @Test func theLabelLeavesOutWhatIsNotKnown() {
        #expect(PublicProducer.neutralLabel(commune: nil, provinceName: "Lào Cai") == "Hộ sản xuất tại Lào Cai")
        #expect(PublicProducer.neutralLabel(commune: "  ", provinceName: "") == "Hộ sản xuất")
        #expect(PublicProducer.neutralLabel(commune: "Xa\u{0300} Pả Vi", provinceName: "") == "Hộ sản xuất tại Xà Pả Vi")
    }

    @Test func consentToTheTradingNameKeepsItAndTheBrand() {
        let producer = Self.household("Cơ sở Bánh chưng bà Hoàng Thị Lan", owner: "Hoàng Thị Lan")
        let face = PublicProducer(producer, provinceName: "Hà Nội", tradingNameConsent: true)
        #expect(face.name == "Cơ sở Bánh chưng bà Hoàng Thị Lan" && !face.isNeutralLabel)
        #expect(face.productName("Bánh chưng bà Hoàng Thị Lan") == "Bánh chưng bà Hoàng Thị Lan")
        // Consent covers the name, not free text about the person.
        #expect(face.descriptions(vi: "Bà Lan gói bánh từ năm 1985.", en: nil) == (nil, nil))
    }

    @Test func aRecordedConsentPublishesItsNameOnlyWhileItHolds() {
        let producer = Self.household("Hộ kinh doanh Giàng Seo Chứ", owner: "Giàng Seo Chứ")
        let consent = ProducerConsent(tenantID: Self.tenant, producerID: producer.id, publicName: "Mật ong Giàng Seo Chứ",
                                      consentedOn: LocalDate("2026-03-01")!, withdrawnOn: LocalDate("2026-09-01")!, recordedBy: "Cán bộ xã")
        let other = ProducerConsent(tenantID: Self.tenant, producerID: UUID(), publicName: "Người khác", consentedOn: LocalDate("2020-01-01")!,
                                    recordedBy: "x")
        func name(on date: String) -> String {
            PublicProducer(producer, provinceName: "Lào Cai", consents: [consent, other], on: LocalDate(date)!).name
        }
        #expect(name(on: "2026-02-28") == "Hộ sản xuất tại Xã Sín Chéng, Lào Cai", "not yet given")
        #expect(name(on: "2026-03-01") == "Mật ong Giàng Seo Chứ")
        #expect(name(on: "2026-08-31") == "Mật ong Giàng Seo Chứ")
        #expect(name(on: "2026-09-01") == "Hộ sản xuất tại Xã Sín Chéng, Lào Cai", "withdrawn")
        var backwards = consent
        backwards.withdrawnOn = consent.consentedOn
        #expect(backwards.validationErrors(reference: .standard).map(\.field) == ["withdrawn_on"])
    }

    @Test func organisationsPassUnchangedEvenWhenNamedAfterAPerson() {
        let cooperative = Producer(tenantID: Self.tenant, name: "Hợp tác xã Sùng A Páo", type: .cooperative, representative: "Sùng A Páo")
        let face = PublicProducer(cooperative, provinceName: "Lào Cai")
        #expect(face.name == "Hợp tác xã Sùng A Páo" && !face.isNeutralLabel)
        #expect(face.productName("Chè Sùng A Páo") == "Chè Sùng A Páo")
        #expect(face.descriptions(vi: "Ông Sùng A Páo là giám đốc.", en: "Run by Mr Sung A Pao.") == ("Ông Sùng A Páo là giám đốc.", "Run by Mr Sung A Pao."))
        #expect(!face.mentionsOwner("Ông Sùng A Páo"))
    }

    @Test(arguments: [
        // Full name, with or without diacritics or an honorific, in either language.
        ("Lò Thị Mai", "Mật ong do bà Lò Thị Mai nuôi."),
        ("Lò Thị Mai", "Mat ong cua ba Lo Thi Mai."),
        ("Lò Thị Mai", "Honey kept by Ms. LO THI MAI."),
        // Surname and given name without the middle name.
        ("Giàng Seo Chứ", "Chè của anh Giàng Chứ."),
        // An honorific and the given name (or the last two names).
        ("Sùng A Páo", "Mật ong của ông Páo."),
        ("Sùng A Páo", "Anh A Páo dậy từ 4 giờ sáng."),
        ("Vàng Thị Dợ", "Thổ cẩm chị Do dệt tay."),
        ("Mùa A Chứ", "Ruou ngo cua ong Chu."),
        ("Hà Văn Khánh", "Sản phẩm của gia đình bác Khánh ở bản Lác."),
        ("Nguyen Van An", "Nhà ông An làm gốm đã bốn đời."),
    ])
    func aDescriptionNamingTheOwnerIsWithheldInBothLanguages(owner: String, description: String) {
        let face = PublicProducer(Self.household("HKD \(owner)", owner: owner), provinceName: "Lào Cai")
        #expect(face.mentionsOwner(description))
        #expect(face.descriptions(vi: description, en: "Handmade.") == (nil, nil))
        #expect(face.descriptions(vi: "Làm thủ công.", en: description) == (nil, nil))
    }

    @Test(arguments: [
        // The given name alone is also a word (mai: apricot blossom; lan: orchid; an toàn: safe).
        "Mứt mai và trà lan, an toàn cho sức khỏe.",
        // A lower-case word after a folded honorific is not a name ("có lan" is "has orchids").
        "Vườn có lan rừng và có mai vàng.",
        // Another person, and a place that looks like a name.
        "Gốm Bát Tràng, nghệ nhân Trần Văn Bình hướng dẫn. Giao hàng về Hồ Chí Minh.",
    ])
    func aDescriptionThatDoesNotNameTheOwnerIsKept(description: String) {
        for owner in ["Lò Thị Mai", "Hoàng Thị Lan", "Nguyễn Văn An"] {
            let face = PublicProducer(Self.household("Hộ kinh doanh \(owner)", owner: owner), provinceName: "Hà Nội")
            #expect(!face.mentionsOwner(description), "\(owner) in \"\(description)\"")
            #expect(face.descriptions(vi: description, en: nil) == (description, nil))
        }
    }

    @Test(arguments: [
        ("Bánh chưng bà Hoàng Thị Lan", "Bánh chưng"),
        ("Mật ong bạc hà - Lò Thị Mai", "Mật ong bạc hà"),
        ("Mint honey by Ms. Lo Thi Mai", "Mint honey"),
        ("Rượu ngô Mùa A Chứ (Bắc Hà)", "Rượu ngô (Bắc Hà)"),
        ("Chè Shan tuyết Sín Chéng", "Chè Shan tuyết Sín Chéng"),
        ("Bà Hoàng Thị Lan", "Sản phẩm của hộ sản xuất"),
    ])
    func productNamesLoseTheOwnersName(name: String, published: String) {
        let owners = ["Hoàng Thị Lan", "Lò Thị Mai", "Mùa A Chứ"]
        let producer = Self.household("Hộ kinh doanh Hoàng Thị Lan", owner: owners.first { VietnameseFolding.fold(name).contains(VietnameseFolding.fold($0)) } ?? "Hoàng Thị Lan")
        #expect(PublicProducer(producer, provinceName: "Lào Cai").productName(name) == published)
    }

    @Test func theHouseholdNameNamesTheOwnerEvenWhenTheRepresentativeIsSomeoneElse() {
        // The household is named after the wife; the husband is recorded as its head.
        let producer = Self.household("Cơ sở Thịt trâu gác bếp bà Lường Thị Xuân", owner: "Cầm Văn Tủa")
        let face = PublicProducer(producer, provinceName: "Sơn La")
        #expect(face.mentionsOwner("Thịt trâu do bà Xuân sấy."))
        #expect(face.mentionsOwner("Công thức của Luong Thi Xuan."))
        #expect(face.mentionsOwner("Anh Cam Van Tua gác bếp."))
        #expect(face.productName("Thịt trâu gác bếp bà Lường Thị Xuân") == "Thịt trâu gác bếp")
    }

    @Test func placesInAHouseholdsNameAreNotTakenForItsOwner() {
        // "Hà Nội" starts with a family name (Hà), but it is a province.
        let producer = Self.household("Hộ kinh doanh Bánh cốm Hà Nội", owner: "Nguyễn Thị Hằng", commune: "Phường Hàng Than")
        let face = PublicProducer(producer, provinceName: "Hà Nội")
        #expect(face.productName("Bánh cốm Hà Nội") == "Bánh cốm Hà Nội")
        #expect(!face.mentionsOwner("Đặc sản Hà Nội."))
        #expect(face.mentionsOwner("Cốm của chị Hằng."))
    }

    @Test func oddInputIsHandled() {
        // A household recorded without its head (refused by validation, but a feed must still
        // be safe), a one-word owner, text in decomposed Unicode.
        let noOwner = PublicProducer(Self.household("Hộ kinh doanh", owner: nil, commune: nil), provinceName: "Lào Cai")
        #expect(noOwner.name == "Hộ sản xuất tại Lào Cai")
        #expect(noOwner.productName("") == "")
        #expect(noOwner.descriptions(vi: nil, en: nil) == (nil, nil))
        let oneWord = PublicProducer(Self.household("Hộ Páo", owner: "Páo"), provinceName: "Lào Cai")
        #expect(oneWord.mentionsOwner("Mật ong của ông Páo."))
        #expect(!oneWord.mentionsOwner("Páo là tên một loài chim."))
        let decomposed = PublicProducer(Self.household("HKD Lò Thị Mai", owner: "Lò Thị Mai"), provinceName: "Lào Cai")
        #expect(decomposed.mentionsOwner("ba\u{0300} Lo\u{0300} Thi\u{0323} Mai"))
    }
}
