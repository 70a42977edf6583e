/// One document of an application dossier's checklist (`dossiers.checklist` keys), e.g. the
/// registration form or the product label.
///
/// Codes are short, stable and English (`registration_form`, `label`): they are stored in every
/// dossier and must not change when a label is reworded. Labels are Vietnamese (the original)
/// and English (our translation).
public struct DossierDocument: Sendable, Hashable, Codable {
    public var code: String
    public var name: BilingualText
    /// Whether a dossier is checked complete only with this document present. Documents that are
    /// not required are evidence for the criteria: a council scores lower without them, but the
    /// dossier is not returned for their lack.
    public var isRequired: Bool

    public init(code: String, vi: String, en: String, isRequired: Bool) {
        self.code = code
        self.name = BilingualText(vi: vi, en: en)
        self.isRequired = isRequired
    }
}
