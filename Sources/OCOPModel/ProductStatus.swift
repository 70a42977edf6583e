/// Where a product stands in the register, stored as text in `products.status`.
///
/// Certification is not a product status: it lives in certificates (a product can hold an
/// expired 3★ and an active 4★ certificate in its history). This is only the register's view.
public enum ProductStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Being entered; not yet submitted for evaluation.
    case draft
    /// Registered with the province OCOP office (may be evaluated and certified).
    case registered
    /// No longer produced or withdrawn by the producer; kept for history.
    case discontinued
}
