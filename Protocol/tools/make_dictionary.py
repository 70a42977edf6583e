#!/usr/bin/env python3
"""Builds the zlib preset dictionary of protocol version 1.

Writes Protocol/zlib-dictionary.bin and Sources/OCOPWire/WireDictionary.swift (the same bytes,
base64). The committed .bin file is the source of truth; this script documents how it was made.
Run from the repository root: python3 Protocol/tools/make_dictionary.py

zlib finds matches anywhere in the last 32 KiB, but shorter distances cost fewer bits, so the
most frequent material goes last. Everything is UTF-8 text (NFC) except the length-prefix bytes
of the encoded name tables.
"""
import base64
import hashlib
import os
import unicodedata

# Synced tables and their columns (OCOPModel/OCOPSchema.swift, schema version 1), without `id`.
TABLES = {
    "tenants": ["code", "name", "kind", "merged_into", "valid_from", "valid_until"],
    "producers": ["tenant_id", "name", "type", "tax_code", "commune", "representative", "national_id", "phone", "address"],
    "material_areas": ["tenant_id", "name", "growing_area_code", "commune", "area_ha"],
    "evaluations": ["tenant_id", "product_id", "criteria_set", "evaluated_on", "council", "part_a", "part_b", "part_c",
                    "bonus", "total", "stars", "criterion_scores"],
    "certificates": ["tenant_id", "product_id", "evaluation_id", "number", "stars", "issuer", "issued_on", "expires_on",
                     "status", "previous_certificate_id"],
    "batches": ["tenant_id", "product_id", "material_area_id", "lot_code", "produced_on", "quantity", "unit"],
    "products": ["tenant_id", "producer_id", "classification_code", "classification_version", "name_vi", "name_en",
                 "description_vi", "description_en", "material_area_id", "gtin", "status"],
}

# Words and phrases of OCOP records, least frequent first.
ENGLISH = """household business cooperative group enterprise limited company joint stock company
handicraft textile garment ornamental plant flower community tourism eco-tourism essential oil herbal cosmetics
traditional medicine functional food mineral water rice spirit wine syrup cocoa coffee roasted ground beans
dried fruit vegetables nuts cashew pepper ginger garlic chili turmeric cinnamon star anise mushroom
seaweed shrimp squid fish sauce soy paste rice paper vermicelli noodles cake candy jam tea green tea black tea
lotus seed honey bee pollen from the mountains of the province natural pure organic clean agriculture
traditional recipe handmade carefully selected no preservatives produced by the cooperative of the commune
packaged in bottle jar box bag of 100g 200g 250g 500g 1kg 330ml 500ml 750ml specialty product of Vietnam """

VIETNAMESE = """hộ kinh doanh hộ sản xuất tổ hợp tác doanh nghiệp công ty cổ phần Công ty TNHH
thủ công mỹ nghệ dệt may sinh vật cảnh hoa cây cảnh du lịch cộng đồng tinh dầu mỹ phẩm thảo dược
thuốc y học cổ truyền thực phẩm chức năng nước khoáng rượu gạo rượu vang si rô ca cao cà phê rang xay
trái cây sấy rau củ quả hạt điều hạt tiêu gừng tỏi ớt nghệ quế hồi nấm hương nấm linh chi
rong biển tôm khô mực một nắng nước mắm tương bần bánh tráng miến bún phở bánh kẹo mứt chè trà xanh trà shan tuyết
hạt sen mật ong phấn hoa Mèo Vạc Phú Quốc Hà Giang Lào Cai Sơn La Điện Biên Tuyên Quang Thái Nguyên Nghệ An
Hà Tĩnh Quảng Ninh Lâm Đồng Đắk Lắk Gia Lai Cần Thơ An Giang Đồng Tháp Cà Mau Bến Tre Vĩnh Long Hà Nội
được sản xuất từ nguyên liệu tự nhiên thuần khiết hữu cơ nông nghiệp sạch theo công thức truyền thống làm thủ công
tuyển chọn kỹ lưỡng không chất bảo quản của hợp tác xã HTX xã huyện tỉnh vùng nguyên liệu đặc sản
đóng chai hũ hộp túi gói 100g 200g 250g 500g 1kg 330ml 500ml 750ml sản phẩm OCOP Việt Nam
hương vị thơm ngon đậm đà đặc trưng của vùng núi cao Mật ong bạc hà Nước mắm Chè Shan tuyết """

STATUS = """draft submitted under_review evaluated certified potential_5_star active expired revoked superseded
archived rejected withdrawn 3 4 5 sao OCOP 148/QĐ-TTg 1048/QĐ-TTg 2019 2023 2025 1.1.a 1.1.b 1.2.a 1.2.b 1.3.a 1.3.b
1.3.c 1.3.d 1.4.a 1.4.b 1.5.a 1.5.b 1.6 2.1.a 2.1.b 2.2.a 2.2.b 3.1 3.2 3.3 4.1 4.2 5.1 5.2 5.3 6.1 893 """


def varint(n):
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def name_table(table, columns):
    """The string table a batch of this table's rows starts with: table, then columns in byte order."""
    names = [table] + sorted(columns, key=lambda c: c.encode())
    out = varint(len(names))
    for n in names:
        b = n.encode()
        out += varint(len(b)) + b
    return out


def build():
    parts = [unicodedata.normalize("NFC", " ".join(ENGLISH.split())).encode() + b" ",
             unicodedata.normalize("NFC", " ".join(VIETNAMESE.split())).encode() + b" ",
             unicodedata.normalize("NFC", " ".join(STATUS.split())).encode() + b" "]
    for table, columns in TABLES.items():  # products last: the most frequent
        parts.append(name_table(table, columns))
    return b"".join(parts)


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    data = build()
    with open(os.path.join(root, "Protocol", "zlib-dictionary.bin"), "wb") as f:
        f.write(data)
    b64 = base64.b64encode(data).decode()
    lines = [b64[i:i + 100] for i in range(0, len(b64), 100)]
    swift = ("import Foundation\n\n"
             "/// The zlib preset dictionary of protocol version 1: the bytes of `Protocol/zlib-dictionary.bin`\n"
             f"/// ({len(data)} bytes, SHA-256 {hashlib.sha256(data).hexdigest()}).\n"
             "/// Generated by `Protocol/tools/make_dictionary.py`; a test checks it against the file.\n"
             "enum WireDictionary {\n"
             "    static let bytes: [UInt8] = {\n"
             "        let base64 = \"\"\"\n"
             + "".join(f"            {l}\n" for l in lines) +
             "            \"\"\"\n"
             "        return Array(Data(base64Encoded: base64.replacingOccurrences(of: \"\\n\", with: \"\")) ?? Data())\n"
             "    }()\n"
             "}\n")
    with open(os.path.join(root, "Sources", "OCOPWire", "WireDictionary.swift"), "w") as f:
        f.write(swift)
    print(len(data), hashlib.sha256(data).hexdigest())


if __name__ == "__main__":
    main()
