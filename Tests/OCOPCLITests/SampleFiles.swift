import Foundation

/// Realistic Vietnamese CSV files in the format `CSVImport` reads (the same as
/// `Tests/OCOPModelTests/Fixtures`), kept as literals so the test target needs no resources.
enum SampleFiles {
    /// Four producers: one of each type; a BOM as Excel writes it; one household name in NFD
    /// (as macOS keyboards send it), which must be stored NFC.
    static let producers = "\u{FEFF}" + #"""
        name,type,tax_code,commune,representative,national_id,phone,address
        Hợp tác xã Chè Shan tuyết Suối Giàng,HTX,5200123456,Xã Suối Giàng,Giàng A Páo,,0912 345 678,"Thôn Pang Cáng, xã Suối Giàng"
        Công ty TNHH Nước mắm Thanh Hà,doanh nghiệp,1700234567-001,Đặc khu Phú Quốc,,,0297 3846 123,"Số 12, đường Nguyễn Trung Trực"
        \#("Hộ kinh doanh Lò Văn Minh".decomposedStringWithCanonicalMapping),hộ kinh doanh,,Xã Mường Phăng,Lò Văn Minh,011089004567,+84 987 654 321,"Bản Phăng 2, xã Mường Phăng"
        Tổ hợp tác Dệt thổ cẩm Lùng Tám,tổ hợp tác,,Xã Lùng Tám,,,,"Thôn Lùng Tám Cao, ""làng lanh"""

        """#

    /// Four products of those producers (by tax code and by name), one with a multi-line
    /// description, one tied to a material area by its growing-area code.
    static let products = #"""
        name_vi,name_en,classification_code,classification_version,producer,description_vi,description_en,gtin,material_area,status
        Chè Shan tuyết Suối Giàng,Suoi Giang Shan Tuyet tea,1.5.a,QD148-2023,5200123456,"Chè cổ thụ, hái từ cây hàng trăm năm tuổi.
        Sao thủ công trên chảo gang.","Tea from centuries-old trees,
        roasted by hand in cast-iron pans.",8934567890120,VN-YBOR-0021,registered
        Nước mắm Thanh Hà 40 độ đạm,Thanh Ha fish sauce 40°N,1.4.a,,Công ty TNHH Nước mắm Thanh Hà,Ủ chượp cá cơm trong thùng gỗ 12 tháng.,,,,

        Khăn thổ cẩm Lùng Tám,Lung Tam brocade scarf,4.2,,tổ hợp tác dệt thổ cẩm lùng tám,,,,,draft
        Gạo nếp Tú Lệ,Tu Le sticky rice,1.2.a,,Hộ kinh doanh Lò Văn Minh,"Nếp ""Tan"" Tú Lệ, thơm dẻo.",,,,

        """#

    /// Producers with exactly one bad row (line 3: a phone number that is not one).
    static let producersOneBadRow = #"""
        name,type,tax_code,commune,representative,national_id,phone,address
        Hợp tác xã Mận Bắc Hà,HTX,5300111222,Xã Bản Phố,,,,
        Hộ sản xuất Thào Seo Chứ,hộ sản xuất,,Xã Bản Phố,Thào Seo Chứ,,12345,
        Công ty Cổ phần Tam Nông,enterprise,5300111333,Xã Bảo Nhai,,,,

        """#

    /// Products with several problems: line 2 names an unknown producer and a non-leaf
    /// classification, line 4 has a wrong GTIN check digit, line 5 an unknown status.
    static let productsBad = #"""
        name_vi,name_en,classification_code,classification_version,producer,description_vi,description_en,gtin,material_area,status
        Mật ong bạc hà Đồng Văn,Dong Van mint honey,1.2,,Hợp tác xã Mật ong Đồng Văn,,,,,
        Rượu ngô Bắc Hà,Bac Ha corn spirit,2.1.a,,5200123456,,,,,
        Cà phê Arabica Sơn La,Son La Arabica coffee,1.6,,5200123456,,,8934567890123,,
        Bánh chưng Tranh Khúc,Tranh Khuc rice cake,1.3.b,,5200123456,,,,,sold

        """#
}
