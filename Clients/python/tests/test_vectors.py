"""Runs every vector of Protocol/vectors in both directions against the Python client."""
import glob
import json
import os
import unittest

from ocop_client import scram, wire

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
VECTORS = sorted(glob.glob(os.path.join(ROOT, "Protocol", "vectors", "*.json")))


def decode_all(data):
    """Messages of ``data`` or the WireError the decoder raises (also at end of stream)."""
    d = wire.FrameDecoder()
    d.feed(data)
    out = []
    while True:
        m = d.next()
        if m is None:
            break
        out.append(m)
    d.finish()
    return out


class VectorTests(unittest.TestCase):
    def test_there_are_enough_vectors(self):
        self.assertGreaterEqual(len(VECTORS), 30)
        names = {os.path.basename(p) for p in VECTORS}
        types = set()
        for p in VECTORS:
            with open(p, encoding="utf-8") as f:
                v = json.load(f)
            if "message" in v:
                types.add(v["message"]["type"])
        self.assertEqual(types, set(wire.MESSAGE_TYPES), names)

    def test_every_vector(self):
        for path in VECTORS:
            name = os.path.basename(path)
            with self.subTest(vector=name):
                with open(path, encoding="utf-8") as f:
                    v = json.load(f)
                data = bytes.fromhex(v["hex"])
                if "message" in v:
                    expected = wire.from_json(v["message"])
                    messages = decode_all(data)
                    self.assertEqual(len(messages), 1)
                    self.assertEqual(messages[0], expected)
                    self.assertEqual(wire.to_json(messages[0]), v["message"])
                    self.assertEqual(wire.encode_frame(expected).hex(), v["hex"])
                else:
                    with self.assertRaises(wire.WireError) as caught:
                        decode_all(data)
                    self.assertEqual(caught.exception.name, v["error"]["name"], str(caught.exception))
                    self.assertEqual(caught.exception.code, v["error"]["code"])

    def test_byte_at_a_time_streaming(self):
        for path in VECTORS:
            with open(path, encoding="utf-8") as f:
                v = json.load(f)
            if "message" not in v or len(v["hex"]) > 20000:
                continue
            data = bytes.fromhex(v["hex"])
            d = wire.FrameDecoder()
            got = []
            for i in range(len(data)):
                d.feed(data[i:i + 1])
                m = d.next()
                if m is not None:
                    got.append(m)
            d.finish()
            self.assertEqual(got, [wire.from_json(v["message"])], path)

    def test_scram_known_answer(self):
        with open(os.path.join(ROOT, "Protocol", "vectors", "scram", "001-scram-sha-256.json"), encoding="utf-8") as f:
            v = json.load(f)
        hello, challenge = wire.from_json(v["hello"]), wire.from_json(v["challenge"])
        self.assertEqual(scram.salted_password(v["secret"], bytes.fromhex(v["salt"]), v["iterations"]).hex(), v["saltedPassword"])
        am = scram.auth_message(hello, challenge)
        self.assertEqual(am.hex(), v["authMessage"])
        proof, signature = scram.client_proof(v["secret"], hello, challenge)
        self.assertEqual(proof.hex(), v["clientProof"])
        self.assertEqual(signature.hex(), v["serverSignature"])
        verifier = scram.make_verifier(v["secret"], bytes.fromhex(v["salt"]), v["iterations"])
        self.assertEqual(verifier["storedKey"].hex(), v["storedKey"])
        self.assertEqual(verifier["serverKey"].hex(), v["serverKey"])
        self.assertTrue(scram.verify_proof(verifier, proof, am))
        self.assertFalse(scram.verify_proof(verifier, bytes([proof[0] ^ 1]) + proof[1:], am))
        self.assertEqual(scram.server_signature(verifier, am), signature)
        # The proof and signature match the AUTH_PROOF and AUTH_OK vectors.
        with open(os.path.join(ROOT, "Protocol", "vectors", "004-auth-proof.json"), encoding="utf-8") as f:
            self.assertEqual(json.load(f)["message"]["proof"], v["clientProof"])
        with open(os.path.join(ROOT, "Protocol", "vectors", "005-auth-ok-province.json"), encoding="utf-8") as f:
            self.assertEqual(json.load(f)["message"]["serverSignature"], v["serverSignature"])

    def test_generator_reproduces_committed_vectors(self):
        import subprocess
        import sys
        result = subprocess.run([sys.executable, os.path.join(ROOT, "Protocol", "tools", "gen_vectors.py"), "--check"],
                                capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)


if __name__ == "__main__":
    unittest.main()
