import Foundation
import Testing

/// `ocop --version`, and `ocop demo` pointing only at files that still exist.
@Suite("ocop --version and demo output", .serialized)
struct VersionAndDemoTests {
    @Test func versionIsPrinted() async throws {
        let result = try await Workspace().run(["--version"])
        #expect(result.status == 0, "\(result)")
        #expect(result.output.hasPrefix("ocop "), "\(result)")
        #expect(result.output.split(separator: " ").last?.split(separator: ".").count == 3, "\(result)")
    }

    @Test func demoWithoutKeepPrintsNoDeletedPathAndSuggestsANextStep() async throws {
        let result = try await Workspace().run(["demo"])
        #expect(result.status == 0, "\(result)")
        #expect(!result.stdout.contains("ocop-demo-"), "a temporary path that is deleted at the end: \(result.stdout)")
        #expect(!result.stdout.contains(FileManager.default.temporaryDirectory.path), "\(result.stdout)")
        let last = try #require(result.stdout.split(separator: "\n").last)
        #expect(last.contains("ocop demo --keep"), "\(last)")
    }

    @Test func demoWithKeepSuggestsACommandThatWorks() async throws {
        let workspace = try Workspace()
        let directory = workspace.path("demo")
        let result = try await workspace.run(["demo", "--keep", directory])
        #expect(result.status == 0, "\(result)")
        let national = directory + "/national.sqlite"
        #expect(result.stdout.contains("ocop report stars --national \(national)"), "\(result.stdout)")
        let next = try await workspace.run(["report", "stars", "--national", national])
        #expect(next.status == 0, "\(next)")
    }
}
