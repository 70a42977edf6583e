import ArgumentParser
import Foundation
import OCOPModel
import OCOPReplica

/// `ocop init`: creates a replica file for a province (its tenant id comes from the central
/// office) or for the central office. Never overwrites an existing file.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a new replica file for a province (--tenant) or the central office (--central).",
        discussion: """
            Refuses to overwrite an existing file (exit 2). Examples:
              ocop init --replica lao-cai.sqlite \\
                --tenant 01900000-0000-7000-8000-000000000015
              ocop init --replica national.sqlite --central
            """
    )

    @OptionGroup var replicaOptions: ReplicaOptions

    @Option(help: ArgumentHelp("The province's tenant id, as given by the central office.", valueName: "uuid"),
            transform: ArgumentParsers.uuid)
    var tenant: UUID?

    @Flag(help: "Create a central-office replica (writes any province's rows; certifies 5★).")
    var central = false

    func validate() throws {
        if tenant == nil && !central {
            throw ArgumentParser.ValidationError("give --tenant TENANT-ID for a province replica, or --central for the central office")
        }
        if tenant != nil && central {
            throw ArgumentParser.ValidationError("give either --tenant or --central, not both")
        }
    }

    func run() throws {
        let path = replicaOptions.path
        if FileManager.default.fileExists(atPath: path) {
            throw CLIError.notFound("\(path) already exists; refusing to overwrite it (choose another --replica path)")
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CLIError.notFound("the directory \(directory) does not exist")
        }
        let replica = try Replica.create(at: path, role: central ? .central : .province, tenantID: tenant)
        if let tenant {
            print("Created a province replica at \(path) for tenant \(tenant.lowercasedString) (replica id \(replica.replicaID)).")
        } else {
            print("Created a central-office replica at \(path) (replica id \(replica.replicaID)).")
        }
    }
}
