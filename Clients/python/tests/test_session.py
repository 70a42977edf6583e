"""Session logic against a tiny fake server on 127.0.0.1."""
import os
import socket
import threading
import unittest
import uuid

from ocop_client import scram, wire
from ocop_client.session import Session, SyncError

TENANT = "7d1c9e0a-3b5f-4c2d-8e6f-1a2b3c4d5e6f"
SECRET = "mật-khẩu Hà Giang 2025"
REPLICA = uuid.UUID("0190f3a2-7c4e-7b1a-9d2e-3f4a5b6c7d8e")
CENTRAL = uuid.UUID("0190f3a2-0000-7000-8000-000000000001")


def stamp(counter, replica=CENTRAL, ms=0):
    return {"hlc": (1_763_856_000_000 + ms) << 16, "replica": replica, "counter": counter}


def change(i, replica=CENTRAL, table="products"):
    s = stamp(i, replica, i)
    return {"table": table, "key": bytes([i]) * 16, "versionVector": {replica: i},
            "existence": {"isDeleted": False, "stamp": s},
            "columns": {"name_vi": {"value": f"Nước mắm Phú Quốc {i}", "stamp": s}, "status": {"value": "certified", "stamp": s}}}


class FakeServer:
    """Serves one connection at a time: SCRAM, PUSH (tables named 'forbidden' are rejected), PULL
    from a fixed list of changes in pages, GOODBYE. Options break it in the ways a client must notice."""

    def __init__(self, bad_signature=False, bad_nonce=False, feed=()):
        self.verifier = scram.make_verifier(SECRET, salt=os.urandom(16))
        self.bad_signature = bad_signature
        self.bad_nonce = bad_nonce
        self.feed = list(feed)
        self.pushed = []
        self.cursors = []
        self.acknowledged = 0
        self.proofs = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(10)
        self.port = self.listener.getsockname()[1]
        self.errors = []
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        try:
            while True:
                try:
                    conn, _ = self.listener.accept()
                except OSError:
                    return
                with conn:
                    conn.settimeout(10)
                    try:
                        self.handle(conn)
                    except (OSError, wire.WireError) as e:
                        self.errors.append(e)
        finally:
            self.listener.close()

    def stop(self):
        self.listener.close()

    def handle(self, conn):
        decoder = wire.FrameDecoder()

        def receive():
            while True:
                m = decoder.next()
                if m is not None:
                    return m
                data = conn.recv(65536)
                if not data:
                    return None
                decoder.feed(data)

        def send(m):
            conn.sendall(wire.encode_frame(m))

        hello = receive()
        if hello is None or hello["type"] != "HELLO":
            return
        server_nonce = os.urandom(24)
        nonce = (os.urandom(24) if self.bad_nonce else hello["clientNonce"]) + server_nonce
        challenge = {"type": "CHALLENGE", "version": 1, "salt": self.verifier["salt"],
                     "iterations": self.verifier["iterations"], "nonce": nonce}
        send(challenge)
        proof = receive()
        if proof is None or proof["type"] != "AUTH_PROOF":
            return
        self.proofs.append((hello, proof["proof"]))
        am = scram.auth_message(hello, challenge)
        if not scram.verify_proof(self.verifier, proof["proof"], am):
            send({"type": "ERROR", "code": wire.ERROR_CODES["AUTHENTICATION_FAILED"], "message": "authentication failed", "detail": None})
            return
        signature = scram.server_signature(self.verifier, am)
        if self.bad_signature:
            signature = bytes(32)
        send({"type": "AUTH_OK", "serverSignature": signature, "role": "province", "tenant": TENANT,
              "acknowledgedCounter": self.acknowledged, "pullCursor": self.cursors[-1] if self.cursors else 0})
        while True:
            m = receive()
            if m is None or m["type"] == "GOODBYE":
                return
            if m["type"] == "PUSH":
                rejections = [{"index": i, "table": c["table"], "key": c["key"], "reason": 1, "message": "not your tenant"}
                              for i, c in enumerate(m["changes"]) if c["table"] == "forbidden"]
                self.pushed.extend(c for c in m["changes"] if c["table"] != "forbidden")
                self.acknowledged = m["lastCounter"]
                send({"type": "PUSH_ACK", "lastAcknowledged": m["lastCounter"],
                      "applied": len(m["changes"]) - len(rejections), "rejections": rejections})
            elif m["type"] == "PULL":
                self.cursors.append(m["cursor"])
                page = self.feed[m["cursor"]:m["cursor"] + m["maxChanges"]]
                nxt = m["cursor"] + len(page)
                send({"type": "CHANGES", "schemaVersion": 1, "nextCursor": nxt, "hasMore": nxt < len(self.feed),
                      "changes": page, "conflicts": []})
            else:
                send({"type": "ERROR", "code": wire.ERROR_CODES["UNEXPECTED_MESSAGE"], "message": m["type"], "detail": None})
                return


class SessionTests(unittest.TestCase):
    def session(self, server, secret=SECRET):
        return Session("127.0.0.1", server.port, user=TENANT, secret=secret, replica=REPLICA, timeout=10)

    def test_full_sync(self):
        server = FakeServer(feed=[change(i) for i in range(1, 12)])
        try:
            applied = []
            with self.session(server) as s:
                self.assertEqual(s.auth["role"], "province")
                self.assertEqual(s.auth["tenant"], TENANT)
                ack = s.push(1, 3, [change(1, REPLICA), change(2, REPLICA, table="forbidden"), change(3, REPLICA)])
                self.assertEqual(ack["lastAcknowledged"], 3)
                self.assertEqual(ack["applied"], 2)
                self.assertEqual([(r["index"], r["reason"]) for r in ack["rejections"]], [(1, 1)])
                cursor = s.pull_all(0, lambda batch: applied.extend(batch["changes"]), max_changes=4)
            self.assertEqual(cursor, 11)
            self.assertEqual(applied, server.feed)
            self.assertEqual(server.cursors, [0, 4, 8])
            self.assertEqual(len(server.pushed), 2)
            # Resuming: the server reports what it acknowledged and where the replica's cursor is.
            with self.session(server) as s:
                self.assertEqual(s.auth["acknowledgedCounter"], 3)
                self.assertEqual(s.auth["pullCursor"], 8)
                self.assertEqual(s.pull(11)["changes"], [])
        finally:
            server.stop()

    def test_wrong_secret_is_refused(self):
        server = FakeServer()
        try:
            with self.assertRaises(SyncError) as caught:
                self.session(server, secret="sai mật khẩu").connect()
            self.assertEqual(caught.exception.name, "AUTHENTICATION_FAILED")
        finally:
            server.stop()

    def test_a_server_without_the_verifier_is_not_trusted(self):
        server = FakeServer(bad_signature=True)
        try:
            with self.assertRaises(SyncError) as caught:
                self.session(server).connect()
            self.assertIn("signature", caught.exception.message)
        finally:
            server.stop()

    def test_a_server_nonce_that_ignores_ours_is_refused(self):
        server = FakeServer(bad_nonce=True)
        try:
            with self.assertRaises(SyncError) as caught:
                self.session(server).connect()
            self.assertEqual(caught.exception.name, "AUTHENTICATION_FAILED")
            self.assertEqual(server.proofs, [])  # no proof was ever sent
        finally:
            server.stop()

    def test_a_replayed_proof_is_refused(self):
        server = FakeServer()
        try:
            self.session(server).connect()
            hello, proof = server.proofs[0]
            # An eavesdropper replays the same HELLO and AUTH_PROOF on a new connection.
            with socket.create_connection(("127.0.0.1", server.port), timeout=10) as conn:
                conn.sendall(wire.encode_frame(hello))
                decoder = wire.FrameDecoder()
                messages = []
                conn.sendall(wire.encode_frame({"type": "AUTH_PROOF", "proof": proof}))
                while len(messages) < 2:
                    data = conn.recv(65536)
                    if not data:
                        break
                    decoder.feed(data)
                    while (m := decoder.next()) is not None:
                        messages.append(m)
            self.assertEqual([m["type"] for m in messages], ["CHALLENGE", "ERROR"])
            self.assertEqual(messages[1]["code"], wire.ERROR_CODES["AUTHENTICATION_FAILED"])
        finally:
            server.stop()

    def test_requests_need_authentication(self):
        s = Session("127.0.0.1", 9, user=TENANT, secret=SECRET, replica=REPLICA)
        with self.assertRaises(SyncError):
            s.pull(0)


if __name__ == "__main__":
    unittest.main()
