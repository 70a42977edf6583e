import OCOPModel

/// One field of a form as a template draws it: its label, what the user typed, and what is wrong.
struct FormField {
    enum Kind { case input, select, textArea, checkbox }
    var id: String
    var label: String
    var value: String = ""
    var kind = Kind.input
    var type = "text"
    var required = false
    var readonly = false
    var options: [(value: String, label: String)] = []
    var autocomplete: String?
    var error: String?
    /// Longest value taken: a name or a code is short, a description a few paragraphs.
    var maximumLength = 300

    var object: [String: Any] {
        var object: [String: Any] = [
            "id": id, "label": label, "value": value, "type": type, "required": required, "readonly": readonly,
            "isInput": kind == .input, "isSelect": kind == .select, "isTextArea": kind == .textArea,
            "isCheckbox": kind == .checkbox, "checked": kind == .checkbox && value == "on",
        ]
        object["options"] = options.map { ["value": $0.value, "label": $0.label, "selected": $0.value == value] as [String: Any] }
        if let autocomplete { object["autocomplete"] = autocomplete }
        if let error { object["error"] = error }
        return object
    }
}

/// A form's fields in groups (a fieldset each), with the problems found when it was posted.
struct RecordForm {
    struct Group {
        var legend: String?
        var note: String?
        var personal = false
        var fields: [FormField]
    }
    var groups: [Group]
    /// Problems not tied to one field.
    var problems: [String] = []

    var fields: [FormField] { groups.flatMap(\.fields) }
    var isInvalid: Bool { !problems.isEmpty || fields.contains { $0.error != nil } }

    /// Takes the posted values into the fields, keeping what the user typed.
    mutating func fill(from form: FormData) {
        for group in groups.indices {
            for field in groups[group].fields.indices where !groups[group].fields[field].readonly {
                groups[group].fields[field].value = form[groups[group].fields[field].id] ?? ""
            }
        }
    }

    /// Marks what the workspace refuses before the model looks: values too long, and markup in
    /// text (it would be shown escaped, but a name with `<script>` is a mistake or an attack).
    mutating func checkInput(_ words: (String) -> String) {
        for group in groups.indices {
            for index in groups[group].fields.indices {
                let field = groups[group].fields[index]
                if field.value.count > field.maximumLength {
                    groups[group].fields[index].error = "\(words("tooLong")) (≤ \(field.maximumLength))"
                } else if field.value.contains("<") || field.value.contains(">") {
                    groups[group].fields[index].error = words("noMarkup")
                } else if field.required, field.value.trimmedNFC().isEmpty {
                    groups[group].fields[index].error = words("required")
                } else if field.kind == .select, !field.value.isEmpty, !field.options.contains(where: { $0.value == field.value }) {
                    groups[group].fields[index].error = words("badChoice")
                }
            }
        }
    }

    /// Reads field `id` as a day (`YYYY-MM-DD`, as a date input sends it), marking the field
    /// when it is not a real day (2025-02-30) or is after `latest` (a step is recorded once done).
    mutating func date(_ id: String, latest: LocalDate, _ words: (String) -> String) -> LocalDate? {
        for group in groups.indices {
            guard let index = groups[group].fields.firstIndex(where: { $0.id == id }) else { continue }
            let text = groups[group].fields[index].value.trimmedNFC()
            guard groups[group].fields[index].error == nil else { return nil }
            guard let day = try? LocalDate(parsing: text) else {
                groups[group].fields[index].error = "\(words("badDate")) (\(text.isEmpty ? "—" : text))"
                return nil
            }
            if day > latest {
                groups[group].fields[index].error = "\(words("futureDate")) (\(latest))"
                return nil
            }
            return day
        }
        return nil
    }

    /// Every problem as one line each, field problems named by their label: for a page whose
    /// small forms are not drawn from this one.
    var messages: [String] {
        problems + fields.compactMap { field in field.error.map { "\(field.label): \($0)" } }
    }

    /// Puts the model's reasons next to the fields they name (by column); others go on top.
    /// `fieldID` maps a model field to a form field where their names differ
    /// (`criterion_scores[A1]` is the score sheet's `score_A1`).
    mutating func mark(_ errors: ValidationErrors, fieldID: (String) -> String? = { _ in nil }) {
        for error in errors.errors {
            let column = fieldID(error.field) ?? error.field.split(separator: "[").first.map(String.init) ?? error.field
            var placed = false
            for group in groups.indices {
                if let index = groups[group].fields.firstIndex(where: { $0.id == column }) {
                    let existing = groups[group].fields[index].error
                    groups[group].fields[index].error = existing.map { "\($0) \(error.reason)" } ?? error.reason
                    placed = true
                }
            }
            if !placed { problems.append(error.description) }
        }
    }

    var object: [String: Any] {
        [
            "invalid": isInvalid,
            "problems": problems,
            "groups": groups.map { group -> [String: Any] in
                var object: [String: Any] = ["personal": group.personal, "fields": group.fields.map(\.object)]
                if let legend = group.legend { object["legend"] = legend }
                if let note = group.note { object["note"] = note }
                return object
            },
            "fields": fields.map(\.object),
        ]
    }
}

/// The small form of a step on a record's page (a dossier's move, its decision, a revocation):
/// the step's day, which must be a real day not after today, and a few texts, checked as every
/// form of the workspace is. Its problems are lines for the page; `kept` is what was typed.
struct StepForm {
    /// A text of the step: its field, the word that labels it, whether it is required, its limit.
    struct Text {
        var id: String
        var label: String
        var required = false
        var maximumLength: Int
    }

    let day: LocalDate?
    let problems: [String]
    let kept: [String: String]

    init(_ values: FormData, texts: [Text], today: LocalDate, words: (String) -> String) {
        var form = RecordForm(groups: [.init(fields: [FormField(id: "date", label: words("date"), value: values["date"] ?? "", maximumLength: 10)]
            + texts.map { FormField(id: $0.id, label: words($0.label), value: values[$0.id] ?? "", required: $0.required, maximumLength: $0.maximumLength) })])
        form.checkInput(words)
        let day = form.date("date", latest: today, words)
        self.day = form.isInvalid ? nil : day
        problems = form.messages
        kept = Dictionary(uniqueKeysWithValues: form.fields.map { ($0.id, values[$0.id] ?? "") })
    }
}
