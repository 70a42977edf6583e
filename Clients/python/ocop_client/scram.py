"""SCRAM-SHA-256 computations of the OCOP Sync protocol (Protocol/SPEC.md, "Authentication").

RFC 5802 / RFC 7677 arithmetic with our own AuthMessage byte string. The secret never crosses the
wire; the server stores only a verifier (salt, iterations, StoredKey, ServerKey).
"""
import hashlib
import hmac
import secrets
import struct
import unicodedata

AUTH_MESSAGE_LABEL = b"OCOP-SCRAM-SHA-256/1"
DEFAULT_ITERATIONS = 4096


def _secret_bytes(secret):
    if isinstance(secret, str):
        return unicodedata.normalize("NFC", secret).encode("utf-8")
    return bytes(secret)


def _lp16(data):
    return struct.pack(">H", len(data)) + data


def salted_password(secret, salt, iterations):
    return hashlib.pbkdf2_hmac("sha256", _secret_bytes(secret), salt, iterations, 32)


def _hmac(key, data):
    return hmac.new(key, data, hashlib.sha256).digest()


def make_verifier(secret, salt=None, iterations=DEFAULT_ITERATIONS):
    """What a server stores for a user: dict(salt, iterations, storedKey, serverKey)."""
    salt = secrets.token_bytes(16) if salt is None else salt
    sp = salted_password(secret, salt, iterations)
    client_key = _hmac(sp, b"Client Key")
    return {"salt": salt, "iterations": iterations,
            "storedKey": hashlib.sha256(client_key).digest(), "serverKey": _hmac(sp, b"Server Key")}


def auth_message(hello, challenge):
    """The AuthMessage byte string built from HELLO and CHALLENGE message dicts."""
    return (AUTH_MESSAGE_LABEL
            + bytes([hello["minVersion"], hello["maxVersion"]])
            + struct.pack(">I", hello["schemaVersion"])
            + hello["replica"].bytes
            + _lp16(hello["user"].encode("utf-8"))
            + _lp16(hello["clientNonce"])
            + _lp16(hello["software"].encode("utf-8"))
            + bytes([challenge["version"]])
            + _lp16(challenge["salt"])
            + struct.pack(">I", challenge["iterations"])
            + _lp16(challenge["nonce"]))


def client_proof(secret, hello, challenge):
    """Returns (proof, expected_server_signature) for the client."""
    sp = salted_password(secret, challenge["salt"], challenge["iterations"])
    client_key = _hmac(sp, b"Client Key")
    stored_key = hashlib.sha256(client_key).digest()
    am = auth_message(hello, challenge)
    signature = _hmac(stored_key, am)
    proof = bytes(a ^ b for a, b in zip(client_key, signature))
    return proof, _hmac(_hmac(sp, b"Server Key"), am)


def verify_proof(verifier, proof, am):
    """Server side: whether ``proof`` is valid for the AuthMessage ``am`` (constant time)."""
    if len(proof) != 32:
        return False
    signature = _hmac(verifier["storedKey"], am)
    client_key = bytes(a ^ b for a, b in zip(proof, signature))
    return hmac.compare_digest(hashlib.sha256(client_key).digest(), verifier["storedKey"])


def server_signature(verifier, am):
    return _hmac(verifier["serverKey"], am)
