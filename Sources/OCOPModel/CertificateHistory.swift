/// What was true of a certificate on any date, from its dated facts.
///
/// Rules (the choices are documented in `Sources/OCOPModel/README.md`, "Certificates through
/// time"):
/// - Before `issued_on` the certificate did not exist (``status(on:)`` is nil).
/// - A revocation or supersession takes effect on its `effective_on`: from that day on the
///   certificate is revoked or superseded. If both were recorded (a province and the centre
///   deciding concurrently), the earlier one counts; on the same day, revoked wins.
/// - Otherwise it is active through `expires_on` inclusive and expired from the next day. An
///   `expired` event only records that the lapse was noticed: the dates decide.
/// - Rows from before certificate events existed (schema 1) carry a final status without a
///   date. A superseded one ended when its successor was issued; a revoked one with no dated
///   fact is taken as revoked from its issue — the only date known not to overstate what was
///   in force.
public struct CertificateHistory: Sendable, Hashable {
    /// A dated end: revoked or superseded from `effectiveOn`.
    public struct End: Sendable, Hashable {
        public var status: CertificateStatus
        public var effectiveOn: LocalDate

        public init(status: CertificateStatus, effectiveOn: LocalDate) {
            self.status = status
            self.effectiveOn = effectiveOn
        }
    }

    public var issuedOn: LocalDate
    public var expiresOn: LocalDate
    /// The earliest end (revocation or supersession), if any.
    public var end: End?

    /// A history from a certificate's dates, its dated facts and, for rows from before facts
    /// were dated, its stored status and the issue date of the certificate that replaced it.
    public init(issuedOn: LocalDate, expiresOn: LocalDate, storedStatus: CertificateStatus,
                revokedOn: LocalDate?, supersededOn: LocalDate?, successorIssuedOn: LocalDate? = nil) {
        self.issuedOn = issuedOn
        self.expiresOn = expiresOn
        var revoked = revokedOn
        var superseded = supersededOn
        if storedStatus == .revoked && revoked == nil { revoked = issuedOn }
        if storedStatus == .superseded && superseded == nil { superseded = successorIssuedOn ?? issuedOn }
        switch (revoked, superseded) {
        case let (r?, s?): end = r <= s ? End(status: .revoked, effectiveOn: r) : End(status: .superseded, effectiveOn: s)
        case let (r?, nil): end = End(status: .revoked, effectiveOn: r)
        case let (nil, s?): end = End(status: .superseded, effectiveOn: s)
        case (nil, nil): end = nil
        }
    }

    /// The history of `certificate` from its `events` (other certificates' events are ignored).
    public init(_ certificate: Certificate, events: [CertificateEvent], successorIssuedOn: LocalDate? = nil) {
        let mine = events.filter { $0.certificateID == certificate.id }
        self.init(issuedOn: certificate.issuedOn, expiresOn: certificate.expiresOn, storedStatus: certificate.status,
                  revokedOn: mine.filter { $0.kind == .revoked }.map(\.effectiveOn).min(),
                  supersededOn: mine.filter { $0.kind == .superseded }.map(\.effectiveOn).min(),
                  successorIssuedOn: successorIssuedOn)
    }

    /// The status on `date`, or nil before the certificate was issued.
    public func status(on date: LocalDate) -> CertificateStatus? {
        if date < issuedOn { return nil }
        if let end, date >= end.effectiveOn { return end.status }
        return date > expiresOn ? .expired : .active
    }

    /// Whether the certificate was in force on `date`.
    public func isInForce(on date: LocalDate) -> Bool { status(on: date) == .active }
}
