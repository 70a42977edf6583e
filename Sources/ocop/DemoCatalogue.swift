import OCOPModel

/// Realistic sample products for the demo, per province code.
enum DemoCatalogue {
    struct Entry {
        var producer: String
        var type: ProducerType
        var commune: String
        var representative: String
        var classification: String
        var nameVi: String
        var nameEn: String
        var descriptionVi: String
        var score: Double
    }

    static let entries: [String: [Entry]] = [
        "01": [
            Entry(producer: "Hợp tác xã Ô mai Hàng Đường", type: .cooperative, commune: "Hoàn Kiếm", representative: "",
                  classification: "1.3.c", nameVi: "Ô mai mơ Hàng Đường", nameEn: "Hang Duong salted apricots",
                  descriptionVi: "Ô mai mơ làm thủ công theo công thức gia truyền phố cổ.", score: 78),
            Entry(producer: "Hộ kinh doanh Nguyễn Văn An", type: .household, commune: "Bát Tràng", representative: "Nguyễn Văn An",
                  classification: "4.1", nameVi: "Bình gốm men lam Bát Tràng", nameEn: "Bat Trang blue-glazed vase",
                  descriptionVi: "Gốm men lam vẽ tay.", score: 64),
        ],
        "46": [
            Entry(producer: "Công ty TNHH Mè xửng Thiên Hương", type: .enterprise, commune: "Phú Hội", representative: "",
                  classification: "1.3.b", nameVi: "Mè xửng Huế", nameEn: "Hue sesame candy",
                  descriptionVi: "Kẹo mè xửng dẻo truyền thống xứ Huế.", score: 72),
            Entry(producer: "Tổ hợp tác Nón lá Tây Hồ", type: .cooperativeGroup, commune: "Phú Hồ", representative: "",
                  classification: "4.1", nameVi: "Nón bài thơ", nameEn: "Poem conical hat",
                  descriptionVi: "Nón lá có lồng bài thơ.", score: 55),
        ],
        "68": [
            Entry(producer: "Hợp tác xã Chè Cầu Đất", type: .cooperative, commune: "Xuân Trường", representative: "",
                  classification: "1.5.a", nameVi: "Trà Ô long Cầu Đất", nameEn: "Cau Dat oolong tea",
                  descriptionVi: "Trà Ô long trồng ở độ cao 1.650 m.", score: 92),
            Entry(producer: "Hợp tác xã Cà phê Cầu Đất", type: .cooperative, commune: "Xuân Trường", representative: "",
                  classification: "1.6", nameVi: "Cà phê Arabica Cầu Đất", nameEn: "Cau Dat Arabica coffee",
                  descriptionVi: "Cà phê Arabica rang mộc.", score: 81),
        ],
        "96": [
            Entry(producer: "Hộ kinh doanh Trần Thị Bé", type: .household, commune: "Năm Căn", representative: "Trần Thị Bé",
                  classification: "1.3.d", nameVi: "Khô cá dứa Năm Căn", nameEn: "Nam Can dried pangasius",
                  descriptionVi: "Khô cá dứa một nắng.", score: 68),
            Entry(producer: "Hợp tác xã Mật ong U Minh", type: .cooperative, commune: "U Minh", representative: "",
                  classification: "1.2.b", nameVi: "Mật ong rừng U Minh", nameEn: "U Minh forest honey",
                  descriptionVi: "Mật ong khai thác từ rừng tràm U Minh.", score: 74),
        ],
    ]

    /// A QD148-2023 score sheet totalling `total` points: every criterion scored at the same
    /// fraction of its maximum.
    static func sheet(total: Double) -> ScoreSheet {
        let set = ReferenceData.standard.criteriaSet(id: "QD148-2023")!
        var scores: [String: Double] = [:]
        for criterion in set.allCriteria { scores[criterion.code] = criterion.maximum * total / 100 }
        return ScoreSheet(criteriaSetID: set.id, scores: scores)
    }
}
