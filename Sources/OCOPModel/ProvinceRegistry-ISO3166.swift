/// ISO 3166-2:VN subdivision codes.
///
/// Source: ISO 3166-2:VN as maintained by the ISO 3166 Maintenance Agency, which defines codes
/// for the 58 provinces and 5 centrally-run cities in force before 1 July 2025 (`VN-03` Hà
/// Giang, `VN-HN` Hà Nội…). ISO had not published codes for the 34 units of the 2025 merger
/// when this table was written; until it does, a 2025 unit is given the code of the former unit
/// whose name it kept (Tuyên Quang `08` → `VN-07`, Lào Cai `15` → `VN-02`, Huế `46` → `VN-26`).
/// That choice is ours, documented in `Sources/OCOPModel/README.md`; replace these entries when
/// ISO publishes the new list.
extension ProvinceRegistry {
    /// Government unit code (before 1 July 2025) → ISO 3166-2:VN code.
    static let isoCodesBefore2025: [String: String] = [
        "01": "VN-HN", "02": "VN-03", "04": "VN-04", "06": "VN-53", "08": "VN-07", "10": "VN-02", "11": "VN-71",
        "12": "VN-01", "14": "VN-05", "15": "VN-06", "17": "VN-14", "19": "VN-69", "20": "VN-09", "22": "VN-13",
        "24": "VN-54", "25": "VN-68", "26": "VN-70", "27": "VN-56", "30": "VN-61", "31": "VN-HP", "33": "VN-66",
        "34": "VN-20", "35": "VN-63", "36": "VN-67", "37": "VN-18", "38": "VN-21", "40": "VN-22", "42": "VN-23",
        "44": "VN-24", "45": "VN-25", "46": "VN-26", "48": "VN-DN", "49": "VN-27", "51": "VN-29", "52": "VN-31",
        "54": "VN-32", "56": "VN-34", "58": "VN-36", "60": "VN-40", "62": "VN-28", "64": "VN-30", "66": "VN-33",
        "67": "VN-72", "68": "VN-35", "70": "VN-58", "72": "VN-37", "74": "VN-57", "75": "VN-39", "77": "VN-43",
        "79": "VN-SG", "80": "VN-41", "82": "VN-46", "83": "VN-50", "84": "VN-51", "86": "VN-49", "87": "VN-45",
        "89": "VN-44", "91": "VN-47", "92": "VN-CT", "93": "VN-73", "94": "VN-52", "95": "VN-55", "96": "VN-59",
    ]

    /// Government unit code (from 1 July 2025) → the ISO code of the former unit whose name it kept.
    static let isoCodesFrom2025: [String: String] = [
        "01": "VN-HN", "04": "VN-04", "08": "VN-07", "11": "VN-71", "12": "VN-01", "14": "VN-05", "15": "VN-02",
        "19": "VN-69", "20": "VN-09", "22": "VN-13", "24": "VN-56", "25": "VN-68", "31": "VN-HP", "33": "VN-66",
        "37": "VN-18", "38": "VN-21", "40": "VN-22", "42": "VN-23", "44": "VN-25", "46": "VN-26", "48": "VN-DN",
        "51": "VN-29", "52": "VN-30", "56": "VN-34", "66": "VN-33", "68": "VN-35", "75": "VN-39", "79": "VN-SG",
        "80": "VN-37", "82": "VN-45", "86": "VN-49", "91": "VN-44", "92": "VN-CT", "96": "VN-59",
    ]

    /// The ISO 3166-2:VN code of the unit `code` meant on `date`, or nil if it meant none.
    public func isoCode(code: String, on date: LocalDate) -> String? {
        guard let unit = province(code: code, on: date) else { return nil }
        return unit.validUntil == nil ? Self.isoCodesFrom2025[unit.code] : Self.isoCodesBefore2025[unit.code]
    }

    /// The unit a province tenant whose code is `code` stands for on `date`: the unit the code
    /// meant then or, when the reference data says the code was retired by then (a merger not
    /// yet recorded in the dataset), the unit that absorbed it. Nil if the code meant nothing.
    public func unit(ofTenantCode code: String, on date: LocalDate) -> Province? {
        if let unit = province(code: code, on: date) { return unit }
        guard isRetired(code: code, on: date), let succession = succession(ofOldCode: code) else { return nil }
        return province(code: succession.newCode, on: date)
    }
}
