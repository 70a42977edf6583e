import Foundation
import OCOPModel
import OCOPSync

/// The national dataset as the sync daemon sees it: accounts, pushes, pulls and cursors.
///
/// A protocol so the embedded SQLite store (``SQLiteNationalStore``) and a PostgreSQL store can
/// sit behind the same daemon; merge and tenancy rules are the same for both. The methods are
/// async and an implementation does its blocking work on threads of its own
/// (``StoreThreads``), never on the caller's: the daemon calls them from its connections' tasks.
public protocol NationalStore: Sendable {
    /// The account a connection authenticates as, or nil if there is none.
    func account(user: String) async throws -> Account?

    /// Registers `replica` for `account` (first contact) and returns where it stands.
    func openSession(replica: ReplicaID, account: Account) async throws -> SessionState

    /// Merges a pushed batch in one durable transaction and returns the acknowledgement.
    /// Refused changes are reported, never applied, and do not stop the rest of the batch.
    func push(_ batch: PushBatch, from principal: Principal) async throws -> PushResult

    /// Changes after `cursor` that `principal` may see, at most `limit` rows; records `cursor`
    /// as durably applied by the principal's replica.
    func pull(after cursor: UInt64, limit: Int, for principal: Principal) async throws -> PullResult

    /// The page after `cursor` read ahead, while the replica is still applying the page before:
    /// nothing is recorded. A page read earlier is an earlier snapshot of the feed; whatever
    /// changed since has a later position and comes in a later page, so serving it is safe.
    func readAhead(after cursor: UInt64, limit: Int, for principal: Principal) async throws -> PullResult

    /// Serves a page read ahead, once the replica asks for it: records `cursor` as durably
    /// applied by the principal's replica and how far it was served, as ``pull(after:limit:for:)`` does.
    func pull(after cursor: UInt64, servingReadAhead page: PullResult, for principal: Principal) async throws -> PullResult
}

/// Which schema versions a national store accepts: every one from 1 to the current one, so
/// provinces upgrade on their own schedule. Versions only ever added tables, so an older replica
/// is simply not sent the newer tables' rows.
public enum SchemaCompatibility {
    public static let current: UInt32 = OCOPSchema.version
    public static let accepted: ClosedRange<UInt32> = 1...current

    /// The tables a replica of schema `version` has: a pull for an older replica leaves the
    /// others out (it fetches them from the start when it upgrades).
    public static func tableNames(upTo version: UInt32) -> Set<String> {
        Set(OCOPSchema.tables(upTo: version).map(\.name))
    }
}

/// Who is connected: a replica acting for an account.
public struct Principal: Sendable, Equatable {
    public var replica: ReplicaID
    public var role: AccountRole
    /// The province for a province account; nil for the central office.
    public var tenantID: UUID?

    /// For a province a merger retired: its own (retired) tenant. The principal then acts for
    /// the survivor (``tenantID``), so the edits it had not synced land there, and it may not pull.
    public var retiredTenantID: UUID?
    /// An inspection office's account (``Account/isInspector``).
    public var isInspector: Bool

    public init(replica: ReplicaID, role: AccountRole, tenantID: UUID?, retiredTenantID: UUID? = nil, isInspector: Bool = false) {
        self.replica = replica
        self.role = role
        self.tenantID = tenantID
        self.retiredTenantID = retiredTenantID
        self.isInspector = isInspector
    }

    /// The principal `replica` acts as for `account`: a retired province acts for the province
    /// that absorbed it.
    public init(replica: ReplicaID, account: Account) {
        if account.role == .province, let survivor = account.mergedInto, let retired = account.tenantID {
            self.init(replica: replica, role: .province, tenantID: survivor, retiredTenantID: retired)
        } else {
            self.init(replica: replica, role: account.role, tenantID: account.tenantID, isInspector: account.isInspector)
        }
    }
}

public enum AccountRole: String, Sendable, Codable {
    case province
    case central

    /// How an inspection office's account is stored in the role column: a province account
    /// that writes inspections and nothing else (see ``Account/isInspector``).
    public static let inspectorText = "inspector"

    /// The role and inspector flag a stored role text stands for.
    public static func parse(_ text: String) -> (role: AccountRole, isInspector: Bool) {
        text == inspectorText ? (.province, true) : (AccountRole(rawValue: text) ?? .province, false)
    }
}

/// What the server stores to check a password-free login: SCRAM keys, never the secret.
///
/// Neither key lets anyone authenticate: a client must prove knowledge of the key whose hash
/// is `storedKey`, and that key is derived from the secret.
public struct CredentialVerifier: Sendable, Hashable {
    public var salt: [UInt8]
    public var iterations: UInt32
    public var storedKey: [UInt8]
    public var serverKey: [UInt8]

    public init(salt: [UInt8], iterations: UInt32, storedKey: [UInt8], serverKey: [UInt8]) {
        self.salt = salt
        self.iterations = iterations
        self.storedKey = storedKey
        self.serverKey = serverKey
    }
}

/// A login: a province (user = its tenant id) or the central office (user "central").
public struct Account: Sendable, Equatable {
    public var user: String
    public var role: AccountRole
    public var tenantID: UUID?
    public var verifier: CredentialVerifier
    public var isEnabled: Bool
    /// A short name for logs and metrics: the province code, or "central".
    public var label: String
    /// The province that absorbed this account's province, once a merger retired it.
    public var mergedInto: UUID?
    /// An inspection office's account: it writes signed inspections of its province and nothing
    /// else, and an ordinary province account may not write inspections at all.
    public var isInspector: Bool

    public init(user: String, role: AccountRole, tenantID: UUID?, verifier: CredentialVerifier, isEnabled: Bool, label: String,
                mergedInto: UUID? = nil, isInspector: Bool = false) {
        self.mergedInto = mergedInto
        self.isInspector = isInspector
        self.user = user
        self.role = role
        self.tenantID = tenantID
        self.verifier = verifier
        self.isEnabled = isEnabled
        self.label = label
    }
}

/// Where a replica stands with the server.
public struct SessionState: Sendable, Equatable {
    /// The replica's local writes up to this counter are durably merged.
    public var acknowledgedThrough: UInt64
    /// The replica said it durably applied the feed up to here.
    public var pulledCursor: UInt64

    /// Every field, so that a backend in another module can return one.
    public init(acknowledgedThrough: UInt64, pulledCursor: UInt64) {
        self.acknowledgedThrough = acknowledgedThrough
        self.pulledCursor = pulledCursor
    }
}

/// An error of the national store that names what is wrong.
public struct StoreError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: Sendable, Equatable {
        case unknownAccount
        case accountDisabled
        case schemaVersionNotSupported
        case invalidArgument
        case storage
    }

    public let code: Code
    public let message: String
    public var description: String { message }

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}
