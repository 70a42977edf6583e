import Foundation
import OCOPPostgres
import OCOPTestSupport
import Testing

@Suite struct PostgresAvailabilityTests {
    @Test("in CI the PostgreSQL tests run: a server was started and answers")
    func serverIsThereInCI() async throws {
        guard ProcessInfo.processInfo.environment["CI"] != nil || TestPostgres.server != nil else {
            print(TestPostgres.skipNotice)
            return
        }
        let store = try await TestPostgres.newStore()
        #expect(try await store.accounts().isEmpty)
        await store.close()
    }
}
