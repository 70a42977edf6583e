import ArgumentParser
import Foundation
import OCOPModel
import OCOPReplica
import OCOPStore

/// `--replica PATH`, shared by every command that works on a replica.
///
/// The path is `--replica`, else the environment variable `OCOP_REPLICA`, else `ocop.sqlite`
/// in the current directory.
struct ReplicaOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp("The replica file (default: $OCOP_REPLICA, else ./ocop.sqlite).", valueName: "path")
    )
    var replica: String?

    /// The environment variable naming the replica when `--replica` is not given.
    static let environmentVariable = "OCOP_REPLICA"
    static let defaultPath = "ocop.sqlite"

    /// The replica path the command works on.
    var path: String {
        if let replica, !replica.isEmpty { return replica }
        if let fromEnvironment = ProcessInfo.processInfo.environment[Self.environmentVariable], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        return Self.defaultPath
    }

    /// Opens the replica; a missing or foreign file is "not found" (exit 2) with a hint.
    func open() throws -> Replica {
        let path = path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CLIError.notFound("no replica at \(path): run `ocop init --replica \(path) --tenant TENANT-ID` to create one, or give --replica PATH (or set \(Self.environmentVariable))")
        }
        guard !isDirectory.boolValue else {
            throw CLIError.notFound("\(path) is a directory, not a replica file")
        }
        do {
            // The national store is a central replica too: the central office may record on it
            // directly, its writes numbered in the feed like any other.
            if try Replica.keepsFeed(at: path) { return try SQLiteNationalStore.open(at: path).replica }
            return try Replica.open(at: path)
        } catch let error as ReplicaError {
            throw CLIError.notFound(error.description)
        } catch {
            throw CLIError.notFound("\(path) is not an OCOP replica (\(error)); run `ocop init` to create one")
        }
    }
}

extension Replica {
    /// Who records decisions made on this machine: `--decided-by`, else the operating-system user.
    static func decider(_ option: String?) -> String {
        option?.trimmedNFCOrNil() ?? ProcessInfo.processInfo.environment["USER"]?.trimmedNFCOrNil() ?? "ocop"
    }

    /// The tenant a new top-level row (producer, material area, import) belongs to: the
    /// province's own tenant, or `--tenant` on a central-office replica.
    func tenantForNewRows(option: UUID?) throws -> UUID {
        if let tenantID {
            if let option, option != tenantID {
                throw CLIError.badData("tenant_id: this province replica writes only rows of its own tenant \(tenantID.lowercasedString)")
            }
            return tenantID
        }
        guard let option else {
            throw CLIError.usage("a central-office replica needs --tenant TENANT-ID to say which province the row belongs to")
        }
        return option
    }
}

extension UUID {
    /// The id as written everywhere by `ocop`: lowercase (RFC 9562).
    var lowercasedString: String { uuidString.lowercased() }
}

/// Parsers for option values, reporting a reason ArgumentParser shows as a usage error.
enum ArgumentParsers {
    static func uuid(_ text: String) throws -> UUID {
        guard let id = UUID(uuidString: text.trimmingCharacters(in: .whitespaces)) else {
            throw ArgumentParser.ValidationError("\"\(text)\" is not a UUID (expected e.g. 01900000-0000-7000-8000-000000000001)")
        }
        return id
    }

    static func date(_ text: String) throws -> LocalDate {
        do {
            return try LocalDate(parsing: text.trimmingCharacters(in: .whitespaces))
        } catch {
            throw ArgumentParser.ValidationError("\(error) (expected YYYY-MM-DD)")
        }
    }

    /// A number, accepting a decimal comma as Vietnamese users write it (`7,5`).
    static func number(_ text: String) throws -> Double {
        let cleaned = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ".")
        guard let value = Double(cleaned), value.isFinite else {
            throw ArgumentParser.ValidationError("\"\(text)\" is not a number")
        }
        return value
    }
}

extension ProducerType: ExpressibleByArgument {
    /// Accepts the stored values and the Vietnamese names (`HTX`, `hộ kinh doanh`...).
    public init?(argument: String) { self.init(lenient: argument) }
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

extension ProductStatus: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.trimmingCharacters(in: .whitespaces).lowercased()) }
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

extension CouncilLevel: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.trimmingCharacters(in: .whitespaces).lowercased()) }
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

/// Today in Vietnam (UTC+7): the default date of an evaluation.
func today() -> LocalDate { LocalDate(Date()) }
