/// The result of ``CertificationPolicy/issue(id:number:for:issuer:issuedOn:replacing:reference:)``:
/// the new certificate and, if one was replaced, the previous certificate with its new status.
/// Both are to be saved together.
public struct CertificateIssuance: Sendable, Hashable {
    public var certificate: Certificate
    /// The replaced certificate, now `superseded` (or still `revoked`); `nil` for a first one.
    public var previous: Certificate?

    public init(certificate: Certificate, previous: Certificate?) {
        self.certificate = certificate
        self.previous = previous
    }

    /// What a ledger decision that issued a certificate did: the new certificate and the one
    /// it replaced (with its new status), if any.
    public init(_ decision: CertificateLedger.Decision) {
        self.init(certificate: decision.issued ?? decision.certificates[0], previous: decision.replaced)
    }
}
