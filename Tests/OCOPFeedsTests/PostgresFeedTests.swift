import Foundation
import OCOPFeeds
import OCOPModel
import OCOPPostgres
import OCOPStore
import OCOPTestSupport
import Testing

/// Partners reach whichever daemon a load balancer picks: the feed must be the same bytes (and
/// so the same ETag) from every daemon over one PostgreSQL database, and the same as SQLite's
/// for the same dataset.
@Suite("Feeds on PostgreSQL", .enabled(if: TestPostgres.server != nil, "needs OCOP_TEST_POSTGRES (.ci/start-postgres)"))
struct PostgresFeedTests {
    @Test func twoDaemonsAndSQLiteRenderTheSameBytes() async throws {
        var rng = SplitMix64(state: 23)
        let data = try Dataset()
        try data.fill(count: 30, rng: &rng)
        let database = try await TestPostgres.newDatabase()
        let loader = try await PostgresNationalStore.open(database)
        try await loader.load(try await data.store.contents())
        await loader.close()
        let first = try await PostgresNationalStore.open(database)
        let second = try await PostgresNationalStore.open(database)
        for format in [FeedFormat.jsonld, .csv] {
            for profile in [FeedProfile.asean, .iocop] {
                var renderings: [RenderedExport] = []
                for store in [first, second] as [any NationalReads] + [data.store] {
                    let snapshot = try await FeedSnapshot.read(store: store, profile: profile, since: nil, asOf: date("2025-10-01"),
                                                               links: FeedLinks(base: "https://ocop.example.gov.vn"))
                    renderings.append(try FeedExporter.render(snapshot, format: format, signingKey: testKey))
                }
                #expect(renderings[0].counts.upserts > 5)
                for other in renderings.dropFirst() {
                    #expect(other.files.map(\.path) == renderings[0].files.map(\.path))
                    for (a, b) in zip(renderings[0].files, other.files) {
                        #expect(a.data == b.data, "\(profile.id) \(format) \(a.path) differs between stores")
                    }
                }
            }
        }
        await first.close()
        await second.close()
    }
}
