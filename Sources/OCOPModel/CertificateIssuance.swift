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
}
