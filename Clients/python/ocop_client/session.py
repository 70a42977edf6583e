"""A blocking socket client for the OCOP Sync daemon (Protocol/SPEC.md, "Session").

    from ocop_client.session import Session
    with Session("sync.example.vn", 7443, user=TENANT_ID, secret=SECRET, replica=REPLICA_UUID, tls=True) as s:
        ack = s.push(first_counter=101, last_counter=180, changes=changes)
        cursor = s.pull_all(cursor, apply=lambda batch: store(batch["changes"], batch["conflicts"]))
        result = s.send_file(open("photo.jpg", "rb").read())   # after the PUSH of its attachments row

The client authenticates with SCRAM-SHA-256 and checks the server's signature before it trusts
anything the server says. Errors from the server raise ``SyncError``; protocol violations by the
server raise ``wire.WireError`` or ``SyncError`` and close the connection.
"""
import hashlib
import hmac
import secrets
import socket
import ssl
import uuid

from . import scram, wire

SOFTWARE = "ocop-python/0.1"
CHUNK_SIZE = wire.LIMITS["maxChunkBytes"]  # 1 MiB, the largest FILE_CHUNK (SPEC §11)
MAX_STALLED_CHUNKS = 3  # FILE_ACKs in a row that move nothing forward before we give up on a server


class SyncError(Exception):
    """An ERROR message from the server, or a session rule the server broke."""

    def __init__(self, name, message, detail=None, code=None):
        super().__init__(f"{name}: {message}" + (f" ({detail})" if detail else ""))
        self.name = name
        self.code = wire.ERROR_CODES.get(name, code)
        self.message = message
        self.detail = detail


class Session:
    def __init__(self, host, port, user, secret, replica, schema_version=1, software=SOFTWARE,
                 tls=None, server_hostname=None, timeout=60.0, versions=(1, 1)):
        """``tls``: None/False for plain TCP, True for TLS with the system's trust store, or an
        ``ssl.SSLContext``. ``replica``: the replica's UUID (``uuid.UUID`` or text)."""
        self.host, self.port = host, port
        self.user, self.secret = user, secret
        self.replica = replica if isinstance(replica, uuid.UUID) else uuid.UUID(str(replica))
        self.schema_version = schema_version
        self.software = software
        self.tls = tls
        self.server_hostname = server_hostname or host
        self.timeout = timeout
        self.versions = versions
        self.sock = None
        self.decoder = None
        self.auth = None  # the AUTH_OK message once authenticated

    # -- connection ---------------------------------------------------------------------------

    def connect(self):
        """Opens the connection and authenticates; returns the AUTH_OK message (role, tenant,
        acknowledgedCounter, pullCursor)."""
        raw = socket.create_connection((self.host, self.port), timeout=self.timeout)
        if self.tls:
            context = self.tls if isinstance(self.tls, ssl.SSLContext) else ssl.create_default_context()
            raw = context.wrap_socket(raw, server_hostname=self.server_hostname)
        self.sock = raw
        self.decoder = wire.FrameDecoder()
        try:
            return self._authenticate()
        except BaseException:
            self.close()
            raise

    def _authenticate(self):
        hello = {"type": "HELLO", "minVersion": self.versions[0], "maxVersion": self.versions[1],
                 "schemaVersion": self.schema_version, "replica": self.replica, "user": self.user,
                 "clientNonce": secrets.token_bytes(24), "software": self.software}
        self._send(hello)
        challenge = self._expect("CHALLENGE")
        if not self.versions[0] <= challenge["version"] <= self.versions[1]:
            raise self._abort("VERSION_NEGOTIATION_FAILED", f"server chose version {challenge['version']}")
        nonce = challenge["nonce"]
        if not nonce.startswith(hello["clientNonce"]) or len(nonce) < len(hello["clientNonce"]) + 18:
            raise self._abort("AUTHENTICATION_FAILED", "the server nonce does not extend the client nonce")
        proof, expected_signature = scram.client_proof(self.secret, hello, challenge)
        self._send({"type": "AUTH_PROOF", "proof": proof})
        ok = self._expect("AUTH_OK")
        if not hmac.compare_digest(ok["serverSignature"], expected_signature):
            raise self._abort("AUTHENTICATION_FAILED", "the server's signature is wrong: it does not know our verifier")
        self.auth = ok
        return ok

    def close(self):
        if self.sock is not None:
            try:
                self.sock.close()
            finally:
                self.sock = None

    def __enter__(self):
        self.connect()
        return self

    def __exit__(self, kind, value, traceback):
        try:
            if kind is None and self.sock is not None:
                self.goodbye()
        finally:
            self.close()

    # -- requests -----------------------------------------------------------------------------

    def push(self, first_counter, last_counter, changes, conflicts=(), schema_version=None):
        """Sends local changes; returns PUSH_ACK once the server has durably committed them.
        Advance the local acknowledged counter to ``ack["lastAcknowledged"]`` only then; park the
        rows of ``ack["rejections"]`` for the user."""
        self._require_auth()
        self._send({"type": "PUSH", "schemaVersion": schema_version or self.schema_version,
                    "firstCounter": first_counter, "lastCounter": last_counter,
                    "changes": list(changes), "conflicts": list(conflicts)})
        return self._expect("PUSH_ACK")

    def pull(self, cursor, max_changes=5000):
        """Asks for changes after ``cursor`` (everything up to it is durably applied); returns CHANGES."""
        self._require_auth()
        self._send({"type": "PULL", "cursor": cursor, "maxChanges": max_changes})
        return self._expect("CHANGES")

    def pull_all(self, cursor, apply, max_changes=5000):
        """Pulls until the server has nothing more, calling ``apply(changes_message)`` for each
        batch; ``apply`` must make the batch durable before it returns. Returns the last cursor."""
        while True:
            batch = self.pull(cursor, max_changes)
            apply(batch)
            cursor = batch["nextCursor"]
            if not batch["hasMore"]:
                return cursor

    # -- files (SPEC §17) ------------------------------------------------------------------------

    def offer_files(self, files):
        """Offers files, a list of ``(sha256_bytes, size)``, after the PUSH of the ``attachments``
        rows naming them was acknowledged (at most 256 per offer). Returns FILE_WANT: its ``files``
        answer the offer in order, each ``{"sha256", "state"}`` with ``state`` ``"stored"`` (send
        nothing), ``"wanted"`` (plus ``"received"``: send from that offset) or ``"refused"`` (plus
        ``"reason"`` and ``"message"``)."""
        self._require_auth()
        offered = [{"sha256": bytes(sha), "size": size} for sha, size in files]
        self._send({"type": "FILE_OFFER", "files": offered})
        want = self._expect("FILE_WANT")
        if [f["sha256"] for f in want["files"]] != [f["sha256"] for f in offered]:
            raise self._abort("UNEXPECTED_MESSAGE", "FILE_WANT does not answer the files offered, in their order")
        return want

    def send_chunk(self, sha256, size, offset, data):
        """Sends ``data``, the bytes at ``offset`` of the file ``sha256`` of ``size`` bytes (at most
        1 MiB), and returns the FILE_ACK: ``received`` is where to continue (it may differ from
        ``offset + len(data)`` when the server kept other bytes), ``complete`` is true once the
        whole file is stored. A refused chunk raises ``SyncError`` ``FILE_REFUSED``; the session
        goes on."""
        self._require_auth()
        data = bytes(data)
        self._send({"type": "FILE_CHUNK", "sha256": bytes(sha256), "size": size, "offset": offset,
                    "data": data, "dataSHA256": hashlib.sha256(data).digest()})
        ack = self._expect("FILE_ACK")
        if ack["sha256"] != bytes(sha256):
            raise self._abort("UNEXPECTED_MESSAGE", "FILE_ACK names another file than the chunk sent")
        if ack["received"] > size or ack["complete"] and ack["received"] != size:
            raise self._abort("UNEXPECTED_MESSAGE", f"FILE_ACK says {ack['received']} bytes of a {size}-byte file"
                              + (" are complete" if ack["complete"] else ""))
        return ack

    def send_file(self, data, chunk_size=CHUNK_SIZE):
        """Offers the file ``data`` (bytes) and, if the server wants it, sends it in chunks of
        ``chunk_size`` (at most 1 MiB) from the offset the server gives, following each FILE_ACK's
        ``received``. Returns ``{"sha256", "size", "state", "sent", "complete"}`` (``sent``: bytes
        sent in this call; ``complete``: the server now has the whole file) and, for a refused file,
        ``"reason"`` and ``"message"``. A FILE_REFUSED error raises ``SyncError`` (the session goes
        on: a damaged chunk may be sent again, a file whose SHA-256 did not match is sent from 0)."""
        if not 1 <= chunk_size <= CHUNK_SIZE:
            raise ValueError(f"chunk_size must be 1 to {CHUNK_SIZE}")
        data = bytes(data)
        sha, size = hashlib.sha256(data).digest(), len(data)
        entry = self.offer_files([(sha, size)])["files"][0]
        result = {"sha256": sha, "size": size, "state": entry["state"], "sent": 0, "complete": entry["state"] == "stored"}
        if entry["state"] == "refused":
            result.update(reason=entry["reason"], message=entry["message"])
        if entry["state"] != "wanted":
            return result
        offset, stalled = entry["received"], 0
        if offset >= size:
            raise self._abort("UNEXPECTED_MESSAGE", f"FILE_WANT wants a {size}-byte file from offset {offset}")
        while True:
            chunk = data[offset:offset + chunk_size]
            ack = self.send_chunk(sha, size, offset, chunk)
            result["sent"] += len(chunk)
            if ack["complete"]:
                result["complete"] = True
                return result
            if ack["received"] >= size:
                raise self._abort("UNEXPECTED_MESSAGE", "FILE_ACK has every byte of the file but not complete")
            # SPEC §17: continue from the server's received, whatever we sent.
            stalled = stalled + 1 if ack["received"] <= offset else 0
            if stalled >= MAX_STALLED_CHUNKS:
                raise self._abort("UNEXPECTED_MESSAGE", f"{stalled} FILE_ACKs in a row without progress")
            offset = ack["received"]

    def goodbye(self, reason=0, message=""):
        self._send({"type": "GOODBYE", "reason": reason, "message": message})
        self.close()

    # -- plumbing -----------------------------------------------------------------------------

    def _require_auth(self):
        if self.auth is None or self.sock is None:
            raise SyncError("UNEXPECTED_MESSAGE", "not connected and authenticated")

    def _send(self, message):
        self.sock.sendall(wire.encode_frame(message))

    def _receive(self):
        while True:
            message = self.decoder.next()
            if message is not None:
                return message
            data = self.sock.recv(65536)
            if not data:
                self.decoder.finish()
                raise SyncError("UNEXPECTED_MESSAGE", "the server closed the connection")
            self.decoder.feed(data)

    def _expect(self, type_name):
        try:
            message = self._receive()
        except wire.WireError as error:
            self._report(error)
            raise
        if message["type"] == "ERROR":
            name = wire.ERROR_NAMES.get(message["code"], f"ERROR_{message['code']}")
            if name not in wire.CONTINUABLE:
                self.close()
            raise SyncError(name, message["message"], message["detail"], code=message["code"])
        if message["type"] == "GOODBYE":
            self.close()
            raise SyncError("UNEXPECTED_MESSAGE", f"the server said goodbye: {message['message']}")
        if message["type"] != type_name:
            raise self._abort("UNEXPECTED_MESSAGE", f"expected {type_name}, got {message['type']}")
        return message

    def _report(self, error):
        """Tells the server what was wrong with its frame; closes if the error says so."""
        try:
            detail = (f"frame {error.frame_index}: " if error.frame_index is not None else "") + error.field
            self._send({"type": "ERROR", "code": error.code, "message": error.message[:1000], "detail": detail[:1000]})
        except OSError:
            pass
        if error.closes_connection:
            self.close()

    def _abort(self, name, message):
        try:
            self._send({"type": "ERROR", "code": wire.ERROR_CODES[name], "message": message, "detail": None})
        except OSError:
            pass
        self.close()
        return SyncError(name, message)
