import OCOPModel

/// The SQL both backends use to read what decides a certificate's status on a day — its dated
/// revocation and supersession and, for rows from before dated facts, its successor's issue
/// date — and the one place those columns become a ``OCOPModel/CertificateHistory``. The rules
/// themselves are the model's, not SQL's.
package enum CertificateFacts {
    /// Joins `ev` (first revocation and supersession per certificate) and `s` (first successor's
    /// issue) to a query over `certificates c`. Grouped once, not looked up per row: the
    /// certificates table has no index on `previous_certificate_id`.
    package static let joins = """
        LEFT JOIN (SELECT certificate_id,
                          min(CASE WHEN kind = 'revoked' THEN effective_on END) AS revoked_on,
                          min(CASE WHEN kind = 'superseded' THEN effective_on END) AS superseded_on
                   FROM certificate_events GROUP BY certificate_id) ev ON ev.certificate_id = c.id
        LEFT JOIN (SELECT previous_certificate_id AS replaced, min(issued_on) AS issued_on
                   FROM certificates WHERE previous_certificate_id IS NOT NULL
                   GROUP BY previous_certificate_id) s ON s.replaced = c.id
        """

    /// The tenant a product `p` belonged to on the day bound as `day`: the province it was
    /// moved from by a merger recorded after that day, else its tenant now.
    package static func tenantOnDate(_ day: String) -> String {
        """
        coalesce((SELECT m.from_tenant FROM _tenant_merges m
                  WHERE m.tbl = 'products' AND m.pk = p.id AND m.merged_on >= \(day) ORDER BY m.merged_on LIMIT 1), p.tenant_id)
        """
    }

    /// The history from the columns read (dates as text); nil if a date cannot be read.
    package static func history(
        issuedOn: String?, expiresOn: String?, status: String?, revokedOn: String?, supersededOn: String?, successorOn: String?
    ) -> CertificateHistory? {
        guard let issued = issuedOn.flatMap(LocalDate.init), let expires = expiresOn.flatMap(LocalDate.init) else { return nil }
        return CertificateHistory(
            issuedOn: issued, expiresOn: expires, storedStatus: status.flatMap(CertificateStatus.init(rawValue:)) ?? .active,
            revokedOn: revokedOn.flatMap(LocalDate.init), supersededOn: supersededOn.flatMap(LocalDate.init),
            successorIssuedOn: successorOn.flatMap(LocalDate.init))
    }
}
