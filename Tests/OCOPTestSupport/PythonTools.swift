import Foundation

/// The repository's root, found from this file's path.
public let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// What a tool printed and how it exited.
public struct ToolRun: Sendable {
    public var status: Int32
    public var output: String
    public var errors: String
}

public struct ToolError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Runs a program found on PATH with `arguments` and waits for it to exit, off the cooperative
/// pool (see `ChildProcess`).
public func runTool(_ name: String, _ arguments: [String]) async throws -> ToolRun {
    try await ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"), [name] + arguments)
}

/// Validates every JSON document of a feed export in `directory` against the JSON Schemas in
/// `Protocol/feeds/` with Python's `jsonschema` (an independent validator,
/// `Protocol/tools/validate_feed.py`). Returns the complaints, "" if none; throws if the
/// validator cannot run.
public func validateFeedDocuments(_ directory: URL) async throws -> String {
    let run = try await runTool("python3", [
        repositoryRoot.appendingPathComponent("Protocol/tools/validate_feed.py").path,
        repositoryRoot.appendingPathComponent("Protocol/feeds").path, directory.path,
    ])
    if run.status == 3 { throw ToolError("JSON Schema validation cannot run: \(run.errors)") }
    return run.status == 0 ? "" : (run.errors.isEmpty ? "python3 exited \(run.status)" : run.errors)
}

/// The published standards beside the checkout (`../shared/standards`: schema.org's release
/// files, GS1's EPCIS 2.0 JSON Schema and context), used from tests, never copied in.
public var sharedStandards: URL? {
    let url = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/standards")
    return FileManager.default.fileExists(atPath: url.path) ? url : nil
}

/// Validates the EPCIS document in `file` against GS1's published EPCIS 2.0 JSON Schema with
/// Python's `jsonschema` (Draft 7, formats checked). Returns the complaints, "" if none.
public func validateEPCISDocument(_ file: URL, schema: URL) async throws -> String {
    let script = """
        import json, sys, jsonschema
        schema = json.load(open(sys.argv[1], encoding="utf-8"))
        document = json.load(open(sys.argv[2], encoding="utf-8"))
        validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        for error in errors[:20]:
            print("/".join(str(p) for p in error.absolute_path) + ": " + error.message[:300], file=sys.stderr)
        sys.exit(1 if errors else 0)
        """
    let run = try await runTool("python3", ["-c", script, schema.path, file.path])
    return run.status == 0 ? "" : (run.errors.isEmpty ? "python3 exited \(run.status)" : run.errors)
}

/// Runs Python in `Clients/python` (so `ocop_client` imports) with stdout and stderr together:
/// the stdlib client a stranger wrote from the spec, driven by a test.
public func runPythonClient(_ arguments: [String]) async throws -> (status: Int32, output: String) {
    let run = try await ChildProcess.run(
        URL(fileURLWithPath: "/usr/bin/env"), ["python3"] + arguments,
        directory: repositoryRoot.appendingPathComponent("Clients/python"), mergeErrors: true
    )
    return (run.status, run.output)
}

/// Expands each JSON-LD file with Python's pyld against schema.org's published context and checks
/// every term, type and property against its published vocabulary
/// (`Protocol/tools/check_jsonld_vocabulary.py`). Returns the complaints, "" if none; `nil`
/// when the standards are not beside the checkout (a test requires them under CI).
public func checkJSONLDVocabulary(_ files: [URL]) async throws -> String? {
    guard let standards = sharedStandards else { return nil }
    let run = try await runTool("python3", [
        repositoryRoot.appendingPathComponent("Protocol/tools/check_jsonld_vocabulary.py").path,
        standards.appendingPathComponent("schemaorg/schemaorgcontext.jsonld").path,
        standards.appendingPathComponent("schemaorg/schemaorg-current-https.jsonld").path,
    ] + files.map(\.path))
    if run.status == 3 { throw ToolError("the JSON-LD check cannot run: \(run.errors)") }
    return run.status == 0 ? "" : (run.errors.isEmpty ? "python3 exited \(run.status)" : run.errors)
}

/// Reads an export's `products.csv` with Python's csv module and the `csvw` package through its
/// CSVW metadata (`Protocol/tools/check_csv_feed.py`). Returns the complaints, "" if none.
public func checkCSVFeed(_ directory: URL) async throws -> String {
    let run = try await runTool("python3", [
        repositoryRoot.appendingPathComponent("Protocol/tools/check_csv_feed.py").path, directory.path,
    ])
    if run.status == 3 { throw ToolError("the CSV check cannot run: \(run.errors)") }
    return run.status == 0 ? "" : (run.errors.isEmpty ? "python3 exited \(run.status)" : run.errors)
}
