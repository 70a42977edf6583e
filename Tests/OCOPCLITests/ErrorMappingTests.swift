import OCOPModel
import Testing
@testable import ocop

/// How errors thrown by commands become exit statuses (the subprocess tests cover the paths a
/// user can reach; these cover the rest, such as internal errors).
@Suite("ocop error mapping")
struct ErrorMappingTests {
    struct Unexpected: Error {}

    @Test func statuses() {
        #expect(CLIError.report(Unexpected())?.status == .internalError)
        #expect(CLIError.report(Unexpected())?.lines.first?.hasPrefix("error: internal error: ") == true)
        let invalid = ValidationErrors([
            OCOPModel.ValidationError(record: "products", field: "name_vi", reason: "must not be empty"),
            OCOPModel.ValidationError(record: "products", field: "gtin", reason: "\"12\" is not a GTIN"),
        ])
        #expect(CLIError.report(invalid)?.status == .badData)
        #expect(CLIError.report(invalid)?.lines == ["error: products.name_vi: must not be empty", "error: products.gtin: \"12\" is not a GTIN"])
        #expect(CLIError.report(CSVImportFailure(errors: [CSVImportError(line: 3, column: "phone", reason: "bad")]))?.status == .badData)
        #expect(CLIError.report(CLIError.notFound("no product has id x"))?.status == .notFound)
        // ArgumentParser's own errors (usage 64, help 0) are covered by BasicsTests.
    }
}
