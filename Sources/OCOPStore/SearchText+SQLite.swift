import GRDB

// Free-text matching as an SQLite function, so a lookup filters names inside SQLite before
// its joins; the matching itself is SearchText's, the same for every backend.
extension SearchText {
    /// An SQL function `ocop_search_N(a, b, ...)`: 1 if every word starts a word of the
    /// arguments (NULLs ignored).
    static func function(_ words: [Substring]) -> DatabaseFunction {
        DatabaseFunction("ocop_search_\(words.count)", argumentCount: nil, pure: true) { values in
            matches(words, in: values.compactMap { String.fromDatabaseValue($0) })
        }
    }
}
