/// AUTH_PROOF (client → server): the SCRAM client proof.
public struct AuthProof: Hashable, Sendable {
    /// `ClientKey XOR ClientSignature`: exactly 32 bytes.
    public var proof: [UInt8]

    public init(proof: [UInt8]) { self.proof = proof }
}
