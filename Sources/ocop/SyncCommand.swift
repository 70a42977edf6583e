import ArgumentParser
import Foundation
import Logging
import OCOPNetwork
import OCOPReplica

/// `ocop sync`: push local changes to the central daemon, then pull what this replica may see.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Sync the replica with the central daemon: push local changes, then pull.",
        discussion: """
            Safe to run again after any failure: nothing is applied twice and nothing acknowledged \
            is lost. Settings may come from the environment: OCOP_SERVER, OCOP_USER, OCOP_SECRET_FILE.

            Exit codes: 0 synced; 3 the daemon is unreachable (retry later); 4 authentication \
            failed (fix the credentials); 5 protocol or server error (retry later); 6 synced, but \
            some changes were refused and are parked (see `ocop rejected`).
            """
    )

    @OptionGroup var replicaOptions: ReplicaOptions

    @OptionGroup var target: SyncTargetOptions

    @Flag(help: "Print the summary as JSON.")
    var json = false

    @Flag(help: "Log each protocol step to stderr.")
    var verbose = false

    func run() async throws {
        let replica = try replicaOptions.open()
        guard let configuration = try target.configuration(for: replica, at: replicaOptions.path) else { return }

        let showProgress = isatty(STDERR_FILENO) != 0 && !json && !verbose
        var logger = Logger(label: "ocop.sync")
        logger.logLevel = verbose ? .debug : .warning
        let summary: SyncSummary
        do {
            summary = try await SyncClient.sync(replica, configuration: configuration, logger: logger, progress: { progress in
                guard showProgress else { return }
                switch progress {
                case .pushed(let changes, let remaining): StandardError.write("\rpushed \(changes) changes, \(remaining) writes to go…   ")
                case .pulled(let changes, _): StandardError.write("\rpulled \(changes) changes…                    ")
                }
            })
        } catch let error as SyncClientError {
            if showProgress { StandardError.write("\n") }
            let status: Int32 = switch error.kind {
            case .unreachable: 3
            case .authentication: 4
            case .protocolFailure: 5
            }
            StandardError.print("error: \(error)")
            throw ExitCode(status)
        }
        if showProgress { StandardError.write("\r\u{1B}[K") }
        let parked = try replica.parkedRejections()
        let report = summary.report
        let seconds = Double(summary.duration.components.seconds) + Double(summary.duration.components.attoseconds) / 1e18
        if json {
            // snake_case, like the reports and the HTTP API.
            let object: [String: Any] = [
                "changes_sent": report.changesPushed, "changes_received": report.changesPulled, "changes_applied": report.changesApplied,
                "changes_refused": report.changesRefused, "parked": parked.count, "conflicts": report.conflictsRecorded,
                "bytes_sent": summary.bytesSent, "bytes_received": summary.bytesReceived, "seconds": seconds,
                "files_sent": summary.files?.sent ?? 0, "file_bytes_sent": summary.files?.bytesSent ?? 0,
                "files_pending": summary.files?.pending ?? 0, "file_bytes_pending": summary.files?.pendingBytes ?? 0,
            ]
            print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
        } else {
            print("sent \(report.changesPushed) changes in \(report.batchesPushed) batches, received \(report.changesPulled) (\(report.changesApplied) new)")
            print("bytes on the wire: \(summary.bytesSent) sent, \(summary.bytesReceived) received; conflicts recorded: \(report.conflictsRecorded); \(String(format: "%.2f", seconds)) s")
            if report.changesRefused > 0 || !parked.isEmpty {
                print("refused: \(report.changesRefused) this time, \(parked.count) parked in all — see `ocop rejected`")
            }
            if let files = summary.files, files.sent + files.pending + files.alreadyStored > 0 {
                print("files: \(files.sent) sent (\(byteText(files.bytesSent))), \(files.pending) still to send (\(byteText(files.pendingBytes)))"
                      + (files.alreadyStored > 0 ? ", \(files.alreadyStored) already at the server" : ""))
                for refusal in files.refusals { print("  not sent: \(refusal)") }
            }
        }
        if !parked.isEmpty { throw ExitCode(6) }
    }
}

extension StandardError {
    /// Writes without a newline (progress lines).
    static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
