"""A blocking socket client for the OCOP Sync daemon (Protocol/SPEC.md, "Session").

    from ocop_client.session import Session
    with Session("sync.example.vn", 7443, user=TENANT_ID, secret=SECRET, replica=REPLICA_UUID, tls=True) as s:
        ack = s.push(first_counter=101, last_counter=180, changes=changes)
        cursor = s.pull_all(cursor, apply=lambda batch: store(batch["changes"], batch["conflicts"]))

The client authenticates with SCRAM-SHA-256 and checks the server's signature before it trusts
anything the server says. Errors from the server raise ``SyncError``; protocol violations by the
server raise ``wire.WireError`` or ``SyncError`` and close the connection.
"""
import hmac
import secrets
import socket
import ssl
import uuid

from . import scram, wire

SOFTWARE = "ocop-python/0.1"


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
