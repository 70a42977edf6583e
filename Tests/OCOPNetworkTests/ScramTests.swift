import OCOPNetwork
import OCOPWire
import Testing

@Suite("SCRAM-SHA-256")
struct ScramTests {
    struct Example {
        var secret: String
        var hello: Hello
        var challenge: Challenge
        var known: [String: Any]
    }

    static func example() throws -> Example {
        let known = try VectorFiles.json("scram/001-scram-sha-256.json")
        guard case .hello(let hello) = try VectorFiles.message("001-hello.json"),
              case .challenge(let challenge) = try VectorFiles.message("003-challenge.json"),
              let secret = known["secret"] as? String
        else { throw VectorFiles.Missing() }
        return Example(secret: secret, hello: hello, challenge: challenge, known: known)
    }

    @Test func knownAnswersMatchTheVectors() throws {
        let e = try Self.example()
        #expect(Scram.secretBytes(e.secret) == (try VectorFiles.field(e.known, "secretHex")))
        let salted = Scram.saltedPassword(secret: Scram.secretBytes(e.secret), salt: e.challenge.salt, iterations: e.challenge.iterations)
        #expect(salted == (try VectorFiles.field(e.known, "saltedPassword")))
        let message = Scram.authMessage(hello: e.hello, challenge: e.challenge)
        #expect(message == (try VectorFiles.field(e.known, "authMessage")))
        let verifier = ScramVerifier(secret: e.secret, salt: e.challenge.salt, iterations: e.challenge.iterations)
        #expect(verifier.storedKey == (try VectorFiles.field(e.known, "storedKey")))
        #expect(verifier.serverKey == (try VectorFiles.field(e.known, "serverKey")))
        let (proof, expectedSignature) = Scram.clientProof(secret: e.secret, hello: e.hello, challenge: e.challenge)
        #expect(proof == (try VectorFiles.field(e.known, "clientProof")))
        #expect(expectedSignature == (try VectorFiles.field(e.known, "serverSignature")))
        #expect(verifier.serverSignature(authMessage: message) == expectedSignature)
        // And they are the bytes of the AUTH_PROOF and AUTH_OK vectors.
        #expect(try VectorFiles.message("004-auth-proof.json") == .authProof(AuthProof(proof: proof)))
        guard case .authOK(let ok) = try VectorFiles.message("005-auth-ok-province.json") else { throw VectorFiles.Missing() }
        #expect(ok.serverSignature == expectedSignature)
    }

    @Test func theServerAcceptsTheRightProofOnly() throws {
        let e = try Self.example()
        let verifier = ScramVerifier(secret: e.secret, salt: e.challenge.salt, iterations: e.challenge.iterations)
        let message = Scram.authMessage(hello: e.hello, challenge: e.challenge)
        let (proof, _) = Scram.clientProof(secret: e.secret, hello: e.hello, challenge: e.challenge)
        #expect(verifier.verify(proof: proof, authMessage: message))
        var flipped = proof
        flipped[31] ^= 0x80
        #expect(!verifier.verify(proof: flipped, authMessage: message))
        #expect(!verifier.verify(proof: Array(proof.prefix(31)), authMessage: message))
        let (wrong, _) = Scram.clientProof(secret: e.secret + "x", hello: e.hello, challenge: e.challenge)
        #expect(!verifier.verify(proof: wrong, authMessage: message))
        // The NFD spelling of the same secret is the same secret.
        let nfd = e.secret.decomposedStringWithCanonicalMapping
        #expect(Array(nfd.utf8) != Array(e.secret.utf8))
        #expect(Scram.clientProof(secret: nfd, hello: e.hello, challenge: e.challenge).proof == proof)
    }

    @Test func aReplayedProofFailsAgainstAFreshServerNonce() throws {
        let e = try Self.example()
        let verifier = ScramVerifier(secret: e.secret, salt: e.challenge.salt, iterations: e.challenge.iterations)
        let (proof, _) = Scram.clientProof(secret: e.secret, hello: e.hello, challenge: e.challenge)
        let fresh = verifier.challenge(version: 1, clientNonce: e.hello.clientNonce, serverNonce: Array(repeating: 7, count: 24))
        #expect(!verifier.verify(proof: proof, authMessage: Scram.authMessage(hello: e.hello, challenge: fresh)))
    }

    @Test func aStolenVerifierDoesNotLogIn() throws {
        let e = try Self.example()
        let verifier = ScramVerifier(secret: e.secret, salt: e.challenge.salt, iterations: e.challenge.iterations)
        let message = Scram.authMessage(hello: e.hello, challenge: e.challenge)
        // An attacker holding storedKey and serverKey can compute ClientSignature but not ClientKey.
        let signature = Scram.clientProof(secret: "", hello: e.hello, challenge: e.challenge).proof  // some 32 bytes
        for guess in [verifier.storedKey, verifier.serverKey, signature] {
            #expect(!verifier.verify(proof: guess, authMessage: message))
        }
    }

    @Test func randomSaltsDiffer() {
        let a = ScramVerifier.make(secret: "s")
        let b = ScramVerifier.make(secret: "s")
        #expect(a.salt.count == 16 && a.salt != b.salt && a.storedKey != b.storedKey)
        #expect(a.iterations == Scram.defaultIterations)
    }
}
