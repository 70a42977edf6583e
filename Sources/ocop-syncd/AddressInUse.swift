import Foundation
import NIOCore
import OCOPNetwork

/// Turns "bind(descriptor:ptr:bytes:): Address already in use (errno: 98)" into what an
/// operator needs: which address, that another process holds it, and which setting to change.
enum AddressInUse {
    static func naming<T>(_ endpoint: ServerConfiguration.Endpoint, setting: String, flag: String?,
                          _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw ConfigurationError(message: message(endpoint, setting: setting, flag: flag))
        } catch let error as IOError where error.errnoCode == EADDRNOTAVAIL {
            throw ConfigurationError(message: "\(endpoint.display) is not an address of this machine; change \(setting).host")
        } catch where "\(error)".contains("Address already in use") {
            // Hummingbird may wrap the socket error; its text still says what happened.
            throw ConfigurationError(message: message(endpoint, setting: setting, flag: flag))
        }
    }

    static func message(_ endpoint: ServerConfiguration.Endpoint, setting: String, flag: String?) -> String {
        "\(endpoint.display) is already in use by another process (another ocop-syncd?); stop it, or change \(setting).port in the configuration"
            + (flag.map { " or give \($0)" } ?? "") + ". To see who holds it: ss -ltnp 'sport = :\(endpoint.port)'"
    }
}
