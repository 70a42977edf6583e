import Foundation
import OCOPModel

/// A council member's score sheet as the page draws it: the official criteria of the dossier's
/// rules, part by part, each with its maximum; the bonus; the total and the stars it earns.
///
/// The total is computed here (the page shows it without JavaScript once posted) and again in
/// the browser as the member types (`score-sheet.js`, from the same maxima and star bands the
/// page carries); what is saved is always the model's own sum (`CouncilScoreSheet.scoring`).
struct ScoreSheetForm {
    let dossier: Dossier
    let set: CriteriaSet?
    var member = ""
    var date: String
    var bonusText = ""
    var scoreTexts: [String: String] = [:]
    /// Correcting a member's earlier sheet (the page was opened from that sheet).
    var replacing = false
    var errors: [String: String] = [:]
    var problems: [String] = []

    init(dossier: Dossier, sheet: CouncilScoreSheet?, today: LocalDate) {
        self.dossier = dossier
        self.set = ReferenceData.standard.criteriaSet(id: dossier.rules)
        date = "\(sheet?.scoredOn ?? today)"
        if let sheet {
            member = sheet.member
            replacing = true
            bonusText = CriteriaSet.format(sheet.bonus)
            if let scores = try? sheet.scoreSheet().scores {
                scoreTexts = scores.mapValues { CriteriaSet.format($0) }
            }
        }
    }

    var isInvalid: Bool { !errors.isEmpty || !problems.isEmpty }

    /// Takes the posted values, keeping what was typed, and marks what cannot be a score: not a
    /// number (a decimal comma is read as a point), negative, over the criterion's maximum.
    mutating func fill(from form: FormData, _ words: (String) -> String) {
        member = form["member"] ?? ""
        date = form["scored_on"] ?? ""
        bonusText = form["bonus"] ?? ""
        replacing = form["replace"] == "1"
        let trimmedMember = member.trimmedNFC()
        if trimmedMember.isEmpty { errors["member"] = words("required") }
        else if trimmedMember.count > 200 { errors["member"] = "\(words("tooLong")) (≤ 200)" }
        else if trimmedMember.contains("<") || trimmedMember.contains(">") { errors["member"] = words("noMarkup") }
        if (try? LocalDate(parsing: date.trimmedNFC())) == nil { errors["scored_on"] = "\(words("badDate")) (\(date.isEmpty ? "—" : date))" }
        else if let day, day > LocalDate(Date()) { errors["scored_on"] = words("futureDate") }
        for criterion in set?.allCriteria ?? [] {
            let text = form["score_\(criterion.code)"] ?? ""
            scoreTexts[criterion.code] = text
            guard let value = Self.number(text) else {
                errors["score_\(criterion.code)"] = text.trimmedNFC().isEmpty ? words("required") : words("notANumber")
                continue
            }
            if value < 0 || value > criterion.maximum {
                errors["score_\(criterion.code)"] = "\(words("scoreRange")) 0–\(CriteriaSet.format(criterion.maximum))"
            }
        }
        if !bonusText.trimmedNFC().isEmpty {
            if let bonus = Self.number(bonusText) {
                if bonus < 0 || bonus > (set?.bonusMaximum ?? 0) {
                    errors["bonus"] = "\(words("scoreRange")) 0–\(CriteriaSet.format(set?.bonusMaximum ?? 0))"
                }
            } else {
                errors["bonus"] = words("notANumber")
            }
        }
    }

    /// A score as typed: `7`, `7.5` or `7,5`; nil when it is not a finite number.
    static func number(_ text: String) -> Double? {
        let trimmed = text.trimmedNFC().replacingOccurrences(of: ",", with: ".")
        guard !trimmed.isEmpty, trimmed.count <= 12, let value = Double(trimmed), value.isFinite else { return nil }
        return value
    }

    var day: LocalDate? { try? LocalDate(parsing: date.trimmedNFC()) }
    var points: [String: Double] { scoreTexts.compactMapValues(Self.number) }
    var bonus: Double { Self.number(bonusText) ?? 0 }

    /// Puts the model's refusals beside their fields: `criterion_scores[A1]` is `score_A1`.
    mutating func mark(_ refusal: ValidationErrors) {
        for error in refusal.errors {
            var field = error.field
            if field.hasPrefix("criterion_scores["), let code = field.split(separator: "[").last?.dropLast() { field = "score_\(code)" }
            if field == "scored_on" || field == "member" || field == "bonus" || field.hasPrefix("score_") {
                errors[field] = errors[field].map { "\($0) \(error.reason)" } ?? error.reason
            } else {
                problems.append(error.reason)
            }
        }
    }

    /// The total and stars of what is typed, when every criterion holds a number in range.
    var total: (points: Double, stars: Int?)? {
        guard let set, errors.isEmpty, set.allCriteria.allSatisfy({ points[$0.code] != nil }) else { return nil }
        let sum = min(set.maximumTotal, set.allCriteria.reduce(0) { $0 + (points[$1.code] ?? 0) } + bonus)
        return (sum, try? set.stars(forTotal: sum))
    }

    func object(language: Language, words: WorkspaceStrings, in workspaceLanguage: WorkspaceLanguage) -> [String: Any] {
        func field(_ id: String) -> [String: Any] {
            var object: [String: Any] = ["id": id]
            if let error = errors[id] { object["error"] = error }
            return object
        }
        var object: [String: Any] = [
            "member": member, "memberField": field("member"), "date": date, "dateField": field("scored_on"),
            "bonus": bonusText, "bonusField": field("bonus"), "bonusMaximum": CriteriaSet.format(set?.bonusMaximum ?? 0),
            "replacing": replacing, "invalid": isInvalid, "problems": problems,
            "rules": set.map { "\($0.id) · \($0.decision)" } ?? dossier.rules,
            "maximumTotal": CriteriaSet.format(set?.maximumTotal ?? 100),
            // For the live total: the bands as "minimum:stars" pairs, highest first.
            "bands": (set?.starBands ?? []).sorted { $0.minimum > $1.minimum }.map { "\(CriteriaSet.format($0.minimum)):\($0.stars)" }
                .joined(separator: " "),
            "parts": (set?.parts ?? []).map { part -> [String: Any] in
                [
                    "code": part.code, "name": part.name.text(in: language), "maximum": CriteriaSet.format(part.maximum),
                    "criteria": part.criteria.map { criterion -> [String: Any] in
                        var object = field("score_\(criterion.code)")
                        object["code"] = criterion.code
                        object["name"] = criterion.name.text(in: language)
                        object["maximum"] = CriteriaSet.format(criterion.maximum)
                        object["value"] = scoreTexts[criterion.code] ?? ""
                        return object
                    },
                ]
            },
        ]
        if let total {
            object["total"] = CriteriaSet.format(total.points)
            object["stars"] = total.stars.map { $0 >= 1 ? String(repeating: "★", count: $0) : "—" } ?? "—"
        } else {
            object["total"] = "—"
            object["stars"] = "—"
        }
        return object
    }
}
