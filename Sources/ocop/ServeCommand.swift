import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NIOSSL
import OCOPNetwork
import OCOPReplica
import OCOPWorkspace
import ServiceLifecycle

/// `ocop serve`: the province workspace, a web app over this replica for the province's officers.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Open the province workspace: a web app over this replica, in Vietnamese, that works with the network down.",
        discussion: """
            Listens on 127.0.0.1:8470 (this machine only); open the address it prints in a browser. \
            The first visit creates the first account. To let other machines of the office in, \
            give --listen 0.0.0.0:8470 with --tls-cert and --tls-key: it never listens beyond this \
            machine without TLS. "Đồng bộ ngay" syncs with the daemon given as for `ocop sync` \
            (--server, --user, --secret-file, --tls, or OCOP_SERVER, OCOP_USER, OCOP_SECRET_FILE); \
            without a server the page says so.
            """
    )

    @OptionGroup var replicaOptions: ReplicaOptions

    @Option(help: ArgumentHelp("Where to listen, HOST:PORT.", valueName: "host:port"))
    var listen = "127.0.0.1:8470"

    @Option(help: ArgumentHelp("TLS certificate chain (PEM), for listening beyond this machine.", valueName: "path"))
    var tlsCert: String?

    @Option(help: ArgumentHelp("The certificate's private key (PEM).", valueName: "path"))
    var tlsKey: String?

    @OptionGroup(title: "Sync (\"Đồng bộ ngay\")") var target: SyncTargetOptions

    @Option(help: ArgumentHelp("A file to write the port to once listening (for scripts and tests).", valueName: "path"))
    var portFile: String?

    func run() async throws {
        let replica = try replicaOptions.open()
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]) else {
            throw CLIError.usage("--listen must be HOST:PORT, got '\(listen)'")
        }
        let host = String(listen[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        var configuration = WorkspaceConfiguration(host: host, port: port, sync: try target.configuration(for: replica, at: replicaOptions.path, required: false))
        switch (tlsCert, tlsKey) {
        case (let cert?, let key?):
            do {
                configuration.tls = TLSConfiguration.makeServerConfiguration(
                    certificateChain: try NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) },
                    privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
            } catch {
                throw CLIError.badData("\(cert), \(key): cannot read the TLS certificate and key: \(error)")
            }
        case (nil, nil): break
        default: throw CLIError.usage("give both --tls-cert and --tls-key")
        }
        guard WorkspaceConfiguration.isLoopback(host) || configuration.tls != nil else {
            throw CLIError.usage("the workspace listens beyond this machine (\(host)) only with TLS: add --tls-cert and --tls-key")
        }
        var logger = Logger(label: "ocop.workspace")
        logger.logLevel = .notice
        let server = try await WorkspaceServer(replica: replica, configuration: configuration, logger: logger)
        let scheme = configuration.tls == nil ? "http" : "https"
        let portFile = self.portFile
        let application = try server.application { channel in
            let bound = channel.localAddress?.port ?? port
            print("Phần mềm quản lý OCOP / OCOP workspace: \(scheme)://\(WorkspaceConfiguration.isLoopback(host) ? "127.0.0.1" : host):\(bound)/")
            print("Nhấn Ctrl+C để dừng. Press Ctrl+C to stop.")
            fflush(nil)
            if let portFile { try? "\(bound)\n".write(toFile: portFile, atomically: true, encoding: .utf8) }
        }
        let group = ServiceGroup(services: [application], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
    }
}
