/// The version `ocop --version` prints. Bump it with each release given to the provinces, so the
/// central office can tell which tool an office runs.
enum OCOPVersion {
    static let current = "1.0.0"
}
