/// Everything the central daemon needs of a national store: sync, administration, central
/// writes and reads. A backend (SQLite today, PostgreSQL next) implements all four.
public typealias NationalBackend = NationalStore & NationalAdministration & CentralOffice & NationalReads
