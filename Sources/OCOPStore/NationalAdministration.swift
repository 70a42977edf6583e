import Foundation
import OCOPModel
import OCOPSync

/// What an operator does to a national store: provinces and accounts, API tokens, housekeeping.
///
/// Separate from ``NationalStore`` so that the sync path stays small and a tool that only
/// administers (ocop-syncd's subcommands) asks for no more than it uses.
public protocol NationalAdministration: Sendable {
    /// Adds a province whose code and name were checked against the table in force on `date`
    /// (``ProvinceAdmission``); returns the tenant id, which is also the account's user name.
    func addCheckedProvince(code: String, name: String?, verifier: CredentialVerifier, on date: LocalDate) async throws -> UUID

    /// Adds a province checking only the form of its code (tests, data migrations); returns the
    /// tenant id.
    func addProvince(code: String, name: String, verifier: CredentialVerifier, id: UUID, validFrom: LocalDate) async throws -> UUID

    /// Adds the central office's account (user "central").
    func addCentralAccount(verifier: CredentialVerifier) async throws

    /// Adds an inspection office's account for a current province: it writes signed inspections
    /// of that province and nothing else.
    func addInspectorAccount(user: String, tenantID: UUID, verifier: CredentialVerifier) async throws

    /// Replaces an account's verifier; the old secret stops working at once.
    func rotateSecret(user: String, verifier: CredentialVerifier) async throws

    /// Enables or disables an account; a disabled account cannot log in.
    func setEnabled(user: String, _ enabled: Bool) async throws

    /// Every account with its province and last sync.
    func accounts() async throws -> [AccountSummary]

    /// Every replica the server has met, with its cursors and counters.
    func replicaStatuses() async throws -> [ReplicaStatus]

    /// The current (not merged, not ended) tenants with a province code: an operator types
    /// codes, the store keys by tenant id.
    func currentTenants(code: String) async throws -> [UUID]

    /// Forgets a replica the server met, so it no longer holds back tombstone collection.
    func forgetReplica(_ id: ReplicaID) async throws

    /// Removes tombstones every replica of every enabled account has pulled past; returns how
    /// many.
    @discardableResult
    func collectTombstones() async throws -> Int

    /// Writes a consistent copy of the national dataset to `path` while the daemon keeps running.
    func backup(to path: String) async throws

    /// Issues an HTTP API token; the full token is returned once, the store keeps only a digest.
    func issueAPIToken(name: String, scope: APIScope) async throws -> (token: String, record: APIToken)

    /// The token a bearer presented, or nil if it is malformed, unknown, revoked or wrong.
    func authenticateAPIToken(_ token: String) async throws -> APIToken?

    /// Every token, oldest first, revoked ones included.
    func apiTokens() async throws -> [APIToken]

    /// Revokes a token by its id; it stops working at once.
    func revokeAPIToken(id: String) async throws
}

extension NationalAdministration {
    /// ``addCheckedProvince(code:name:verifier:on:)`` as of today in Viet Nam.
    public func addCheckedProvince(code: String, name: String?, verifier: CredentialVerifier) async throws -> UUID {
        try await addCheckedProvince(code: code, name: name, verifier: verifier, on: LocalDate(Date()))
    }

    /// ``addProvince(code:name:verifier:id:validFrom:)`` with a new id, valid from today.
    public func addProvince(code: String, name: String, verifier: CredentialVerifier) async throws -> UUID {
        try await addProvince(code: code, name: name, verifier: verifier, id: UUID(), validFrom: LocalDate(Date()))
    }
}
