import Foundation

/// The languages the workspace speaks: Vietnamese first, English on request.
public enum WorkspaceLanguage: String, Sendable, CaseIterable {
    case vi, en
}

/// The workspace's words in each language (`Resources/strings.json`), loaded once.
struct WorkspaceStrings: Sendable {
    let table: [WorkspaceLanguage: [String: String]]

    static func load() throws -> WorkspaceStrings {
        guard let url = Bundle.module.url(forResource: "strings", withExtension: "json", subdirectory: "Resources") else {
            throw WorkspaceSetupError("the workspace's strings.json is missing from its resources")
        }
        let decoded = try JSONDecoder().decode([String: [String: String]].self, from: Data(contentsOf: url))
        var table: [WorkspaceLanguage: [String: String]] = [:]
        for language in WorkspaceLanguage.allCases {
            guard let words = decoded[language.rawValue] else { throw WorkspaceSetupError("strings.json has no '\(language.rawValue)'") }
            table[language] = words
        }
        // Every word exists in every language, so a page never shows a key.
        let keys = table.values.map { Set($0.keys) }
        guard Set(keys).count == 1 else { throw WorkspaceSetupError("strings.json: the languages do not have the same words") }
        return WorkspaceStrings(table: table)
    }

    func words(_ language: WorkspaceLanguage) -> [String: String] { table[language] ?? [:] }

    /// The word `key` in `language` with `{{name}}` placeholders filled in.
    func text(_ key: String, _ language: WorkspaceLanguage, _ values: [String: String] = [:]) -> String {
        var text = words(language)[key] ?? key
        for (name, value) in values { text = text.replacingOccurrences(of: "{{\(name)}}", with: value) }
        return text
    }
}

/// The workspace cannot start: its resources or settings are wrong.
public struct WorkspaceSetupError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
