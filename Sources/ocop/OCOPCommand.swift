import ArgumentParser
import Foundation

/// `ocop`: the province (and central office) user's command-line tool.
///
/// **Adding a command** (`sync`, `demo`, `query`, `report`, `admin`...): put it in its own file
/// in `Sources/ocop/`, add its type to `subcommands` below, and reuse ``ReplicaOptions`` for the
/// replica path. Throw ``CLIError`` for problems the user can act on (its status is the exit
/// code); other errors are mapped by ``CLIError/report(_:)``. Commands may be
/// `ParsableCommand` or `AsyncParsableCommand`.
@main
struct OCOPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ocop",
        abstract: "Work with an OCOP replica: producers, products, evaluations, certificates, sync state.",
        discussion: """
            The replica is --replica PATH, else $OCOP_REPLICA, else ./ocop.sqlite; create it with \
            `ocop init`. Text is stored in Unicode NFC whatever the keyboard sends.

            Exit codes: 0 success; 1 bad data (validation or CSV; nothing was changed); \
            2 not found or bad state (no replica, unknown id, unreadable file); 64 usage error; \
            70 internal error. Errors go to stderr, one per line. `ocop sync` adds its own \
            (see `ocop sync --help`).
            """,
        version: "ocop \(OCOPVersion.current)",
        // The one list of top-level commands, in the order `ocop --help` shows them.
        subcommands: [
            InitCommand.self,
            ProducerCommand.self,
            ProductCommand.self,
            MaterialAreaCommand.self,
            LotCommand.self,
            ClassificationCommand.self,
            EvaluateCommand.self,
            CertifyCommand.self,
            CertificateCommand.self,
            DossierCommand.self,
            InspectionCommand.self,
            AttachCommand.self,
            AttachmentsCommand.self,
            ImportCommand.self,
            PendingCommand.self,
            ConflictsCommand.self,
            RejectedCommand.self,
            SyncCommand.self,
            ServeCommand.self,
            ExportCommand.self,
            VerifyFeedCommand.self,
            DemoCommand.self,
            QueryCommand.self,
            ReportCommand.self,
            CentralCommand.self,
            AdminCommand.self,
        ]
    )

    /// Parses, runs, and exits with the documented status (see ``ExitStatus``).
    static func main() async {
        let command: any ParsableCommand
        do {
            command = try await asyncParseAsRoot(GroupFlagOrder.normalised(Array(CommandLine.arguments.dropFirst())))
        } catch {
            exit(withError: error)
        }
        do {
            var command = command
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            guard let report = CLIError.report(error) else { exit(withError: error) }
            report.printToStandardError()
            exit(withError: ExitCode(report.status.rawValue))
        }
    }
}
