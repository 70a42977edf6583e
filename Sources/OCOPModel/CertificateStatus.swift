/// The stored state of a certificate (`certificates.status`).
///
/// `active` and `expired` also follow from the dates (see ``Certificate/effectiveStatus(on:policy:)``);
/// `revoked` and `superseded` are decisions and are final.
public enum CertificateStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// In force (until `expires_on` inclusive).
    case active
    /// Lapsed at the end of its validity without re-evaluation.
    case expired
    /// Withdrawn by the issuer; stays revoked.
    case revoked
    /// Replaced by a newer certificate (re-evaluation) that refers to it.
    case superseded
}
