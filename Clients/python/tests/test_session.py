"""Session logic against a tiny fake server on 127.0.0.1."""
import hashlib
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
    from a fixed list of changes in pages, files as SPEC §17 says (``allowed``: sha256 -> size of the
    files an attachments row names), GOODBYE. Options break it in the ways a client must notice."""

    def __init__(self, bad_signature=False, bad_nonce=False, feed=(), allowed=None, damage_chunks=(),
                 after_offer=None, no_files=False):
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
        self.allowed = dict(allowed or {})
        self.stored = {}       # sha256 -> the whole file
        self.partial = {}      # sha256 -> bytes kept from an interrupted upload
        self.chunks = []       # (offset, length) of every FILE_CHUNK received
        self.damage_chunks = set(damage_chunks)  # indexes in self.chunks arriving damaged in transit
        self.after_offer = after_offer  # called after FILE_WANT is sent (another machine at work)
        self.no_files = no_files  # a server that predates files
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
            elif m["type"] in ("FILE_OFFER", "FILE_CHUNK") and self.no_files:
                send({"type": "ERROR", "code": wire.ERROR_CODES["UNKNOWN_MESSAGE_TYPE"], "message": "type 0x20", "detail": None})
                return
            elif m["type"] == "FILE_OFFER":
                send({"type": "FILE_WANT", "files": [self.want(f["sha256"], f["size"]) for f in m["files"]]})
                if self.after_offer:
                    self.after_offer(self)
            elif m["type"] == "FILE_CHUNK":
                send(self.chunk(m))
            else:
                send({"type": "ERROR", "code": wire.ERROR_CODES["UNEXPECTED_MESSAGE"], "message": m["type"], "detail": None})
                return


    def want(self, sha, size):
        if sha in self.stored:
            return {"sha256": sha, "state": "stored"}
        if self.allowed.get(sha) != size:
            return {"sha256": sha, "state": "refused", "reason": 1, "message": "không có hàng nào trỏ tới tệp này"}
        return {"sha256": sha, "state": "wanted", "received": len(self.partial.get(sha, b""))}

    def chunk(self, m):
        def refused(message):
            return {"type": "ERROR", "code": wire.ERROR_CODES["FILE_REFUSED"], "message": message, "detail": None}
        sha, data = m["sha256"], m["data"]
        self.chunks.append((m["offset"], len(data)))
        if len(self.chunks) - 1 in self.damage_chunks:
            data = bytes([data[0] ^ 1]) + data[1:]
        if self.allowed.get(sha) != m["size"]:
            return refused("no row names this file")
        if hashlib.sha256(data).digest() != m["dataSHA256"]:
            return refused("dataSHA256 does not match data")
        if sha in self.stored:
            return {"type": "FILE_ACK", "sha256": sha, "received": m["size"], "complete": True}
        kept = self.partial.get(sha, b"")
        if m["offset"] != len(kept):
            return {"type": "FILE_ACK", "sha256": sha, "received": len(kept), "complete": False}
        kept += data
        if len(kept) < m["size"]:
            self.partial[sha] = kept
            return {"type": "FILE_ACK", "sha256": sha, "received": len(kept), "complete": False}
        self.partial.pop(sha, None)
        if hashlib.sha256(kept).digest() != sha:
            return refused("does not match its SHA-256")
        self.stored[sha] = kept
        return {"type": "FILE_ACK", "sha256": sha, "received": len(kept), "complete": True}


def file_bytes(n, seed=b"photo"):
    return hashlib.shake_256(seed).digest(n)


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
        first = self.session(server)
        try:
            first.connect()
            first.close()
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
        for request in (lambda: s.offer_files([(bytes(32), 1)]), lambda: s.send_chunk(bytes(32), 1, 0, b"x"),
                        lambda: s.send_file(b"x")):
            with self.assertRaises(SyncError):
                request()


class FileSessionTests(unittest.TestCase):
    def session(self, server):
        return Session("127.0.0.1", server.port, user=TENANT, secret=SECRET, replica=REPLICA, timeout=10)

    def test_send_file_in_one_mebibyte_chunks(self):
        photo = file_bytes(2 * 1024 * 1024 + 5)
        sha = hashlib.sha256(photo).digest()
        server = FakeServer(allowed={sha: len(photo)})
        try:
            with self.session(server) as s:
                result = s.send_file(photo)
                self.assertEqual(result, {"sha256": sha, "size": len(photo), "state": "wanted",
                                          "sent": len(photo), "complete": True})
                self.assertEqual(server.chunks, [(0, 1 << 20), (1 << 20, 1 << 20), (2 << 20, 5)])
                self.assertEqual(server.stored[sha], photo)
                # Offered again (by anyone): stored, nothing is sent.
                again = s.send_file(photo)
                self.assertEqual((again["state"], again["sent"], again["complete"]), ("stored", 0, True))
                self.assertEqual(len(server.chunks), 3)
        finally:
            server.stop()

    def test_offer_files_answers_in_order(self):
        a, b, c = file_bytes(10, b"a"), file_bytes(20, b"b"), file_bytes(30, b"c")
        sha = [hashlib.sha256(x).digest() for x in (a, b, c)]
        server = FakeServer(allowed={sha[0]: 10, sha[1]: 20})
        server.stored[sha[1]] = b
        server.partial[sha[0]] = a[:4]
        try:
            with self.session(server) as s:
                want = s.offer_files([(sha[0], 10), (sha[1], 20), (sha[2], 30)])
                self.assertEqual(want["type"], "FILE_WANT")
                self.assertEqual([f["state"] for f in want["files"]], ["wanted", "stored", "refused"])
                self.assertEqual(want["files"][0]["received"], 4)
                self.assertEqual(want["files"][2]["reason"], 1)
                ack = s.send_chunk(sha[0], 10, 4, a[4:])
                self.assertEqual((ack["received"], ack["complete"]), (10, True))
        finally:
            server.stop()

    def test_an_interrupted_upload_resumes_at_received(self):
        photo = file_bytes(100)
        sha = hashlib.sha256(photo).digest()
        server = FakeServer(allowed={sha: 100})
        server.partial[sha] = photo[:40]
        try:
            with self.session(server) as s:
                result = s.send_file(photo, chunk_size=32)
            self.assertEqual((result["sent"], result["complete"]), (60, True))
            self.assertEqual(server.chunks, [(40, 32), (72, 28)])
        finally:
            server.stop()

    def test_the_client_follows_the_ack_s_received(self):
        photo = file_bytes(100)
        sha = hashlib.sha256(photo).digest()

        def another_machine(server):  # sends the first 64 bytes between our offer and our chunk
            server.partial[sha] = photo[:64]
        server = FakeServer(allowed={sha: 100}, after_offer=another_machine)
        try:
            with self.session(server) as s:
                result = s.send_file(photo, chunk_size=32)
            self.assertTrue(result["complete"])
            self.assertEqual(server.chunks, [(0, 32), (64, 32), (96, 4)])
            self.assertEqual(result["sent"], 68)
            self.assertEqual(server.stored[sha], photo)
        finally:
            server.stop()

    def test_file_refused_raises_and_the_session_goes_on(self):
        photo = file_bytes(100)
        sha = hashlib.sha256(photo).digest()
        server = FakeServer(allowed={sha: 100}, damage_chunks={1})
        try:
            with self.session(server) as s:
                with self.assertRaises(SyncError) as caught:
                    s.send_file(photo, chunk_size=32)
                self.assertEqual(caught.exception.name, "FILE_REFUSED")
                self.assertEqual(caught.exception.code, 0x0106)
                self.assertIsNotNone(s.sock)  # not a closing error
                self.assertEqual(server.partial[sha], photo[:32])
                result = s.send_file(photo, chunk_size=32)  # resumes at 32
                self.assertEqual((result["sent"], result["complete"]), (68, True))
                with self.assertRaises(SyncError) as caught:  # no row names this file
                    s.send_chunk(hashlib.sha256(b"other").digest(), 5, 0, b"other")
                self.assertEqual(caught.exception.name, "FILE_REFUSED")
                self.assertEqual(s.pull(0)["changes"], [])
        finally:
            server.stop()

    def test_a_refused_file_is_returned_not_raised(self):
        server = FakeServer()
        try:
            with self.session(server) as s:
                result = s.send_file(b"not attached")
            self.assertEqual((result["state"], result["sent"], result["complete"], result["reason"]),
                             ("refused", 0, False, 1))
            self.assertEqual(server.chunks, [])
        finally:
            server.stop()

    def test_a_server_that_predates_files_closes(self):
        server = FakeServer(no_files=True)
        try:
            s = self.session(server)
            s.connect()
            with self.assertRaises(SyncError) as caught:
                s.send_file(b"photo")
            self.assertEqual(caught.exception.name, "UNKNOWN_MESSAGE_TYPE")
            self.assertIsNone(s.sock)
        finally:
            server.stop()

    def test_limits_are_refused_before_sending(self):
        server = FakeServer()
        try:
            with self.session(server) as s:
                with self.assertRaises(wire.WireError) as caught:
                    s.offer_files([(bytes(32), 1)] * 257)
                self.assertEqual(caught.exception.name, "LIMIT_EXCEEDED")
                with self.assertRaises(wire.WireError) as caught:
                    s.send_file(b"")
                self.assertEqual(caught.exception.name, "INVALID_VALUE")
                with self.assertRaises(wire.WireError) as caught:
                    s.send_chunk(bytes(32), 4, 2, b"abc")
                self.assertEqual(caught.exception.name, "INVALID_VALUE")
                self.assertEqual(s.pull(0)["changes"], [])  # nothing was sent: the session is in step
        finally:
            server.stop()


if __name__ == "__main__":
    unittest.main()
