"""Frames and messages of the OCOP Sync wire protocol, version 1 (Protocol/SPEC.md).

Messages are plain dicts with a ``"type"`` key (``"HELLO"``, ``"PUSH"``, ...) and the fields of the
spec, using native Python types: ints for every integer, ``bytes`` for byte strings,
``uuid.UUID`` for replica ids, and for column values ``None`` / ``int`` / ``float`` / ``str`` /
``bytes`` (SQLite's NULL, INTEGER, REAL, TEXT, BLOB). ``to_json`` / ``from_json`` convert to and
from the JSON mapping used by the test vectors.

Decoding bounds every length and count before allocating and raises ``WireError`` with the
spec's error code; it never raises anything else for bad input.
"""
import math
import os
import struct
import uuid
import zlib

MAGIC = b"OCOP"
HEADER_SIZE = 16
SUPPORTED_VERSIONS = (1,)
FLAG_COMPRESSED = 0x01
COMPRESSION_THRESHOLD = 256

LIMITS = {
    "maxFramePayload": 16 * 1024 * 1024,
    "maxDecompressedPayload": 64 * 1024 * 1024,
    "maxBatchEntries": 100_000,
    "maxTextBytes": 1024 * 1024,
    "maxBlobBytes": 4 * 1024 * 1024,
    "maxNameBytes": 255,
    "maxMessageTextBytes": 4096,
    "maxVectorEntries": 1024,
    "maxColumns": 256,
    "maxStringTable": 4096,
    "maxReplicaTable": 4096,
    "maxFilesPerOffer": 256,
    "maxChunkBytes": 1024 * 1024,
    "maxFileBytes": 32 * 1024 * 1024,
}

MIN_CLIENT_NONCE = 18
MIN_SALT = 8
ITERATIONS_MIN, ITERATIONS_MAX = 4096, 10_000_000
PROOF_SIZE = 32
HASH_SIZE = 32

ERROR_CODES = {
    "BAD_MAGIC": 0x0001, "UNSUPPORTED_VERSION": 0x0002, "UNKNOWN_MESSAGE_TYPE": 0x0003,
    "BAD_FLAGS": 0x0004, "FRAME_TOO_LARGE": 0x0005, "CHECKSUM_MISMATCH": 0x0006,
    "TRUNCATED_FRAME": 0x0007, "DECOMPRESSION_FAILED": 0x0010, "DECOMPRESSED_TOO_LARGE": 0x0011,
    "MALFORMED_PAYLOAD": 0x0012, "INVALID_UTF8": 0x0013, "LIMIT_EXCEEDED": 0x0014,
    "INVALID_VALUE": 0x0015, "UNEXPECTED_MESSAGE": 0x0100, "AUTHENTICATION_FAILED": 0x0101,
    "VERSION_NEGOTIATION_FAILED": 0x0102, "SCHEMA_VERSION_UNSUPPORTED": 0x0103, "FORBIDDEN": 0x0104,
    "BUSY": 0x0105, "FILE_REFUSED": 0x0106, "INTERNAL_ERROR": 0x01FF,
}
ERROR_NAMES = {v: k for k, v in ERROR_CODES.items()}
# Errors after which the session goes on (SPEC "Errors", "continue"); every other code, and every
# unknown code, closes the connection. (Before authentication every error closes.)
CONTINUABLE = {"DECOMPRESSION_FAILED", "MALFORMED_PAYLOAD", "INVALID_UTF8", "LIMIT_EXCEEDED", "INVALID_VALUE",
               "SCHEMA_VERSION_UNSUPPORTED", "FILE_REFUSED"}

MESSAGE_TYPES = {
    "HELLO": 0x01, "CHALLENGE": 0x02, "AUTH_PROOF": 0x03, "AUTH_OK": 0x04,
    "PUSH": 0x10, "PUSH_ACK": 0x11, "PULL": 0x12, "CHANGES": 0x13,
    "FILE_OFFER": 0x20, "FILE_WANT": 0x21, "FILE_CHUNK": 0x22, "FILE_ACK": 0x23,
    "ERROR": 0x7E, "GOODBYE": 0x7F,
}
MESSAGE_NAMES = {v: k for k, v in MESSAGE_TYPES.items()}
# Messages the encoder never tries to compress (SPEC §17: file bytes do not deflate).
UNCOMPRESSED_TYPES = {"FILE_CHUNK"}
FILE_STATES = {"stored": 0, "wanted": 1, "refused": 2}
FILE_STATE_NAMES = {v: k for k, v in FILE_STATES.items()}
FILE_REFUSAL_REASONS = {"notReferenced": 1, "quotaExceeded": 2, "tooLarge": 3}  # unknown codes are accepted
ROLES = {"province": 1, "central": 2}
ROLE_NAMES = {v: k for k, v in ROLES.items()}
CONFLICT_KINDS = {"concurrentUpdate": 1, "updateOfDeletedRow": 2}
CONFLICT_KIND_NAMES = {v: k for k, v in CONFLICT_KINDS.items()}

TAG_NULL, TAG_INTEGER, TAG_REAL, TAG_TEXT, TAG_BLOB = 0, 1, 2, 3, 4
EXISTENCE_ABSENT, EXISTENCE_LIVE, EXISTENCE_DELETED = 0, 1, 2

MASK64 = (1 << 64) - 1


def _load_dictionary():
    here = os.path.dirname(os.path.abspath(__file__))
    for path in (os.path.join(here, "zlib-dictionary.bin"),
                 os.path.join(here, "..", "..", "..", "Protocol", "zlib-dictionary.bin")):
        if os.path.exists(path):
            with open(path, "rb") as f:
                return f.read()
    raise RuntimeError("zlib-dictionary.bin not found (copy Protocol/zlib-dictionary.bin next to wire.py)")


DICTIONARY = _load_dictionary()


class WireError(Exception):
    """A protocol error: ``name`` (e.g. ``CHECKSUM_MISMATCH``), numeric ``code``, ``field`` path."""

    def __init__(self, name, field, message, frame_index=None):
        super().__init__(f"{name}: {message} ({field})")
        self.name = name
        self.code = ERROR_CODES[name]
        self.field = field
        self.message = message
        self.frame_index = frame_index

    @property
    def closes_connection(self):
        return self.name not in CONTINUABLE

    def within(self, prefix):
        field = prefix if not self.field else prefix + "." + self.field
        return WireError(self.name, field, self.message, self.frame_index)


def _truncated(field):
    return WireError("MALFORMED_PAYLOAD", field, "payload ends before this field")


def _limit(field, value, maximum):
    return WireError("LIMIT_EXCEEDED", field, f"{value} is over the limit of {maximum}")


def _invalid(field, message):
    return WireError("INVALID_VALUE", field, message)


# ---------------------------------------------------------------------------------------------
# Writing

def _varint(n, out):
    if n < 0 or n > MASK64:
        raise ValueError(f"varint out of range: {n}")
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)


def _zigzag(v):
    v &= MASK64
    signed = v - (1 << 64) if v >> 63 else v
    return ((signed << 1) ^ (signed >> 63)) & MASK64


def _unzigzag(raw):
    v = (raw >> 1) ^ -(raw & 1)
    return v & MASK64  # as a 64-bit pattern


def _signed64(pattern):
    return pattern - (1 << 64) if pattern >> 63 else pattern


class _Writer:
    def __init__(self, limits):
        self.b = bytearray()
        self.limits = limits

    def u8(self, v):
        self.b.append(v)

    def u16(self, v):
        self.b += struct.pack(">H", v)

    def u32(self, v):
        self.b += struct.pack(">I", v)

    def u64(self, v):
        self.b += struct.pack(">Q", v)

    def varint(self, v):
        _varint(v, self.b)

    def svarint(self, v):
        _varint(_zigzag(v), self.b)

    def lp(self, data):
        _varint(len(data), self.b)
        self.b += data

    def text(self, s, maximum, field):
        data = s.encode("utf-8")
        if len(data) > maximum:
            raise _limit(field, len(data), maximum)
        self.lp(data)

    def name(self, s, field):
        data = s.encode("utf-8")
        if len(data) > self.limits["maxNameBytes"]:
            raise _limit(field, len(data), self.limits["maxNameBytes"])
        if not data:
            raise _invalid(field, "must not be empty")
        self.lp(data)

    def value(self, v, field):
        if v is None:
            self.u8(TAG_NULL)
        elif isinstance(v, bool):
            raise TypeError(f"{field}: bool is not a column value (use 0 or 1)")
        elif isinstance(v, int):
            if not -(1 << 63) <= v < (1 << 63):
                raise _invalid(field, "integer does not fit 64 bits")
            self.u8(TAG_INTEGER)
            self.svarint(v)
        elif isinstance(v, float):
            if math.isnan(v):
                raise _invalid(field, "NaN is not a valid real")
            self.u8(TAG_REAL)
            self.b += struct.pack(">d", v)
        elif isinstance(v, str):
            data = v.encode("utf-8")
            if len(data) > self.limits["maxTextBytes"]:
                raise _limit(field, len(data), self.limits["maxTextBytes"])
            self.u8(TAG_TEXT)
            self.lp(data)
        elif isinstance(v, (bytes, bytearray)):
            if len(v) > self.limits["maxBlobBytes"]:
                raise _limit(field, len(v), self.limits["maxBlobBytes"])
            self.u8(TAG_BLOB)
            self.lp(bytes(v))
        else:
            raise TypeError(f"{field}: unsupported value type {type(v).__name__}")


def _is_identifier(data):
    """Table and column names: printable ASCII 0x21-0x7E (byte equality is the only equality)."""
    return all(0x21 <= b <= 0x7E for b in data)


def _check_length(n, minimum, maximum, field):
    if n > maximum:
        raise _limit(field, n, maximum)
    if n < minimum:
        raise _invalid(field, f"{n} bytes is under the minimum of {minimum}")


def _check_hash(h, field):
    if not isinstance(h, (bytes, bytearray)) or len(h) != HASH_SIZE:
        raise _invalid(field, f"must be {HASH_SIZE} bytes")


def _check_file_count(n, limits, field):
    if n > limits["maxFilesPerOffer"]:
        raise _limit(field, n, limits["maxFilesPerOffer"])
    if n < 1:
        raise _invalid(field, "must name at least one file")


def _check_file_size(size, limits, field):
    if size > limits["maxFileBytes"]:
        raise _limit(field, size, limits["maxFileBytes"])
    if size < 1:
        raise _invalid(field, "a file has at least one byte")


def _check_chunk(n, offset, size, limits, field):
    if n > limits["maxChunkBytes"]:
        raise _limit(field, n, limits["maxChunkBytes"])
    if n < 1:
        raise _invalid(field, "a chunk has at least one byte")
    if offset + n > size:
        raise _invalid(field, f"offset {offset} + {n} bytes is past the file's size {size}")


def _encode_batch(w, changes, conflicts, limits):
    if len(changes) > limits["maxBatchEntries"]:
        raise _limit("changes", len(changes), limits["maxBatchEntries"])
    if len(conflicts) > limits["maxBatchEntries"]:
        raise _limit("conflicts", len(conflicts), limits["maxBatchEntries"])
    strings, string_list = {}, []
    replicas, replica_list = {}, []
    body = _Writer(limits)
    prev = {"stamp": None, "millis": 0}
    last_vv = {}

    def string_index(name, field):
        if name in strings:
            return strings[name]
        data = name.encode("utf-8")
        if len(data) > limits["maxNameBytes"]:
            raise _limit(field, len(data), limits["maxNameBytes"])
        if not data:
            raise _invalid(field, "must not be empty")
        if not _is_identifier(data):
            raise _invalid(field, "table and column names must be printable ASCII without spaces")
        if len(string_list) >= limits["maxStringTable"]:
            raise _limit("strings", len(string_list) + 1, limits["maxStringTable"])
        strings[name] = len(string_list)
        string_list.append(name)
        return strings[name]

    def replica_index(rid):
        if rid in replicas:
            return replicas[rid]
        if len(replica_list) >= limits["maxReplicaTable"]:
            raise _limit("replicas", len(replica_list) + 1, limits["maxReplicaTable"])
        replicas[rid] = len(replica_list)
        replica_list.append(rid)
        return replicas[rid]

    def stamp(s, base):
        if prev["stamp"] == s:
            body.u8(0)
            return
        body.varint(replica_index(s["replica"]) + 1)
        millis, logical = s["hlc"] >> 16, s["hlc"] & 0xFFFF
        body.svarint((millis - prev["millis"]) & MASK64)
        body.varint(logical)
        body.svarint((base - s["counter"]) & MASK64)
        prev["millis"] = millis
        prev["stamp"] = dict(s)

    for i, ch in enumerate(changes):
        body.varint(string_index(ch["table"], f"changes[{i}].table"))
        body.value(ch["key"], f"changes[{i}].key")
        vv = {r: c for r, c in ch.get("versionVector", {}).items() if c > 0}
        if len(vv) > limits["maxVectorEntries"]:
            raise _limit(f"changes[{i}].versionVector", len(vv), limits["maxVectorEntries"])
        body.varint(len(vv))
        for rid in sorted(vv, key=lambda r: r.bytes):
            index = replica_index(rid)
            body.varint(index)
            body.svarint((vv[rid] - last_vv.get(index, 0)) & MASK64)
            last_vv[index] = vv[rid]
        ex = ch.get("existence")
        if ex is None:
            body.u8(EXISTENCE_ABSENT)
        else:
            body.u8(EXISTENCE_DELETED if ex["isDeleted"] else EXISTENCE_LIVE)
            stamp(ex["stamp"], vv.get(ex["stamp"]["replica"], 0))
        cols = ch.get("columns", {})
        if len(cols) > limits["maxColumns"]:
            raise _limit(f"changes[{i}].columns", len(cols), limits["maxColumns"])
        body.varint(len(cols))
        for name in sorted(cols, key=lambda n: n.encode("utf-8")):
            write = cols[name]
            body.varint(string_index(name, f"changes[{i}].columns.{name}"))
            body.value(write["value"], f"changes[{i}].columns.{name}.value")
            stamp(write["stamp"], vv.get(write["stamp"]["replica"], 0))
    conflicts_offset = len(body.b)
    for i, cf in enumerate(conflicts):
        body.varint(string_index(cf["table"], f"conflicts[{i}].table"))
        body.value(cf["key"], f"conflicts[{i}].key")
        body.varint(string_index(cf["column"], f"conflicts[{i}].column"))
        body.u8(CONFLICT_KINDS[cf["kind"]])
        body.value(cf["losingValue"], f"conflicts[{i}].losingValue")
        stamp(cf["losingStamp"], 0)

    w.varint(len(string_list))
    for s in string_list:
        w.lp(s.encode("utf-8"))
    w.varint(len(replica_list))
    for rid in replica_list:
        w.b += rid.bytes
    w.varint(len(changes))
    w.b += body.b[:conflicts_offset]
    w.varint(len(conflicts))
    w.b += body.b[conflicts_offset:]


def encode_payload(msg, limits=LIMITS):
    """The uncompressed payload bytes of ``msg``."""
    w = _Writer(limits)
    t = msg["type"]
    try:
        if t == "HELLO":
            if msg["minVersion"] > msg["maxVersion"]:
                raise _invalid("maxVersion", "maxVersion is below minVersion")
            w.u8(msg["minVersion"])
            w.u8(msg["maxVersion"])
            w.varint(msg["schemaVersion"])
            w.b += msg["replica"].bytes
            w.name(msg["user"], "user")
            _check_length(len(msg["clientNonce"]), MIN_CLIENT_NONCE, limits["maxNameBytes"], "clientNonce")
            w.lp(msg["clientNonce"])
            w.text(msg["software"], limits["maxNameBytes"], "software")
        elif t == "CHALLENGE":
            w.u8(msg["version"])
            _check_length(len(msg["salt"]), MIN_SALT, limits["maxNameBytes"], "salt")
            w.lp(msg["salt"])
            if not ITERATIONS_MIN <= msg["iterations"] <= ITERATIONS_MAX:
                raise _invalid("iterations", "out of range")
            w.varint(msg["iterations"])
            _check_length(len(msg["nonce"]), 2 * MIN_CLIENT_NONCE, 2 * limits["maxNameBytes"], "nonce")
            w.lp(msg["nonce"])
        elif t == "AUTH_PROOF":
            if len(msg["proof"]) != PROOF_SIZE:
                raise _invalid("proof", "must be 32 bytes")
            w.b += msg["proof"]
        elif t == "AUTH_OK":
            if len(msg["serverSignature"]) != PROOF_SIZE:
                raise _invalid("serverSignature", "must be 32 bytes")
            w.b += msg["serverSignature"]
            w.u8(ROLES[msg["role"]])
            w.name(msg["tenant"], "tenant")
            w.varint(msg["acknowledgedCounter"])
            w.varint(msg["pullCursor"])
        elif t == "PUSH":
            w.varint(msg["schemaVersion"])
            w.varint(msg["firstCounter"])
            w.varint(msg["lastCounter"])
            _encode_batch(w, msg.get("changes", []), msg.get("conflicts", []), limits)
        elif t == "PUSH_ACK":
            w.varint(msg["lastAcknowledged"])
            w.varint(msg["applied"])
            rejections = msg.get("rejections", [])
            if len(rejections) > limits["maxBatchEntries"]:
                raise _limit("rejections", len(rejections), limits["maxBatchEntries"])
            w.varint(len(rejections))
            for i, r in enumerate(rejections):
                w.varint(r["index"])
                w.name(r["table"], f"rejections[{i}].table")
                w.value(r["key"], f"rejections[{i}].key")
                w.varint(r["reason"])
                w.text(r["message"], limits["maxMessageTextBytes"], f"rejections[{i}].message")
        elif t == "PULL":
            if not 1 <= msg["maxChanges"] <= limits["maxBatchEntries"]:
                raise _invalid("maxChanges", "out of range")
            w.varint(msg["cursor"])
            w.varint(msg["maxChanges"])
        elif t == "CHANGES":
            w.varint(msg["schemaVersion"])
            w.varint(msg["nextCursor"])
            w.u8(1 if msg["hasMore"] else 0)
            _encode_batch(w, msg.get("changes", []), msg.get("conflicts", []), limits)
        elif t == "ERROR":
            w.u16(msg["code"])
            w.text(msg["message"], limits["maxMessageTextBytes"], "message")
            if msg.get("detail") is None:
                w.u8(0)
            else:
                w.u8(1)
                w.text(msg["detail"], limits["maxMessageTextBytes"], "detail")
        elif t == "FILE_OFFER":
            files = msg["files"]
            _check_file_count(len(files), limits, "files")
            w.varint(len(files))
            for i, f in enumerate(files):
                _check_hash(f["sha256"], f"files[{i}].sha256")
                _check_file_size(f["size"], limits, f"files[{i}].size")
                w.b += f["sha256"]
                w.varint(f["size"])
        elif t == "FILE_WANT":
            files = msg["files"]
            _check_file_count(len(files), limits, "files")
            w.varint(len(files))
            for i, f in enumerate(files):
                _check_hash(f["sha256"], f"files[{i}].sha256")
                state = FILE_STATES.get(f["state"]) if isinstance(f["state"], str) else None
                if state is None:
                    raise _invalid(f"files[{i}].state", f"must be stored, wanted or refused, not {f['state']!r}")
                w.b += f["sha256"]
                w.u8(state)
                if state == 1:
                    w.varint(f["received"])
                elif state == 2:
                    if not 0 <= f["reason"] <= 0xFFFF:
                        raise _invalid(f"files[{i}].reason", "does not fit 16 bits")
                    w.varint(f["reason"])
                    w.text(f["message"], limits["maxMessageTextBytes"], f"files[{i}].message")
        elif t == "FILE_CHUNK":
            _check_hash(msg["sha256"], "sha256")
            _check_file_size(msg["size"], limits, "size")
            _check_chunk(len(msg["data"]), msg["offset"], msg["size"], limits, "data")
            _check_hash(msg["dataSHA256"], "dataSHA256")
            w.b += msg["sha256"]
            w.varint(msg["size"])
            w.varint(msg["offset"])
            w.lp(bytes(msg["data"]))
            w.b += msg["dataSHA256"]
        elif t == "FILE_ACK":
            _check_hash(msg["sha256"], "sha256")
            if msg["complete"] not in (True, False):  # also 1 and 0
                raise _invalid("complete", "must be true or false")
            w.b += msg["sha256"]
            w.varint(msg["received"])
            w.u8(1 if msg["complete"] else 0)
        elif t == "GOODBYE":
            w.varint(msg.get("reason", 0))
            w.text(msg.get("message", ""), limits["maxMessageTextBytes"], "message")
        else:
            raise ValueError(f"unknown message type {t!r}")
    except WireError as e:
        raise e.within(t)
    return bytes(w.b)


def compress(payload):
    c = zlib.compressobj(6, zlib.DEFLATED, 15, 8, zlib.Z_DEFAULT_STRATEGY, zdict=DICTIONARY)
    return c.compress(payload) + c.flush()


def encode_frame(msg, limits=LIMITS, compression_threshold=COMPRESSION_THRESHOLD, version=1):
    """The frame bytes carrying ``msg`` (compressed when at least the threshold and it pays off)."""
    payload = encode_payload(msg, limits)
    if len(payload) > limits["maxDecompressedPayload"]:
        raise WireError("DECOMPRESSED_TOO_LARGE", "payload", "payload over the limit")
    flags, body = 0, payload
    if len(payload) >= compression_threshold and msg["type"] not in UNCOMPRESSED_TYPES:
        z = compress(payload)
        if len(z) + 4 < len(payload):
            body = struct.pack(">I", len(payload)) + z
            flags |= FLAG_COMPRESSED
    if len(body) > limits["maxFramePayload"]:
        raise WireError("FRAME_TOO_LARGE", "header.length", "frame over the limit")
    return make_frame(MESSAGE_TYPES[msg["type"]], body, flags=flags, version=version)


def make_frame(type_byte, body, flags=0, version=1, reserved=0, magic=MAGIC, length=None, crc=None):
    """A frame around raw ``body`` bytes; the keyword arguments allow building invalid frames."""
    head = magic + bytes([version, type_byte, flags, reserved]) + struct.pack(">I", len(body) if length is None else length)
    if crc is None:
        crc = zlib.crc32(body, zlib.crc32(head))
    return head + struct.pack(">I", crc) + body


# ---------------------------------------------------------------------------------------------
# Reading

class _Reader:
    __slots__ = ("b", "i", "limits")

    def __init__(self, data, limits):
        self.b = data
        self.i = 0
        self.limits = limits

    def remaining(self):
        return len(self.b) - self.i

    def u8(self, field):
        if self.i >= len(self.b):
            raise _truncated(field)
        v = self.b[self.i]
        self.i += 1
        return v

    def u16(self, field):
        if self.remaining() < 2:
            raise _truncated(field)
        v = struct.unpack_from(">H", self.b, self.i)[0]
        self.i += 2
        return v

    def u64(self, field):
        if self.remaining() < 8:
            raise _truncated(field)
        v = struct.unpack_from(">Q", self.b, self.i)[0]
        self.i += 8
        return v

    def varint(self, field):
        value, shift, i = 0, 0, self.i
        while True:
            if i >= len(self.b):
                raise _truncated(field)
            byte = self.b[i]
            i += 1
            if shift == 63 and byte > 1:
                raise WireError("MALFORMED_PAYLOAD", field, "varint overflows 64 bits")
            value |= (byte & 0x7F) << shift
            if byte < 0x80:
                if byte == 0 and shift > 0:
                    raise WireError("MALFORMED_PAYLOAD", field, "varint is not minimally encoded")
                self.i = i
                return value
            shift += 7

    def svarint(self, field):
        return _unzigzag(self.varint(field))  # 64-bit pattern

    def varint_max(self, field, bits):
        v = self.varint(field)
        if v >= 1 << bits:
            raise _invalid(field, f"{v} does not fit {bits} bits")
        return v

    def count(self, field, maximum, min_size):
        v = self.varint(field)
        if v > maximum:
            raise _limit(field, v, maximum)
        if v > self.remaining() // max(min_size, 1):
            raise _truncated(field)
        return v

    def view(self, n, field):
        if n > self.remaining():
            raise _truncated(field)
        v = self.b[self.i:self.i + n]
        self.i += n
        return v

    def lp(self, field, maximum):
        n = self.varint(field)
        if n > maximum:
            raise _limit(field, n, maximum)
        return bytes(self.view(n, field))

    def string(self, field, maximum):
        data = self.lp(field, maximum)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise WireError("INVALID_UTF8", field, "not valid UTF-8") from None

    def name(self, field):
        s = self.string(field, self.limits["maxNameBytes"])
        if not s:
            raise _invalid(field, "must not be empty")
        return s

    def value(self, field):
        tag = self.u8(field)
        if tag == TAG_NULL:
            return None
        if tag == TAG_INTEGER:
            return _signed64(self.svarint(field))
        if tag == TAG_REAL:
            v = struct.unpack(">d", bytes(self.view(8, field)))[0]
            if math.isnan(v):
                raise _invalid(field, "NaN is not a valid real")
            return v
        if tag == TAG_TEXT:
            return self.string(field, self.limits["maxTextBytes"])
        if tag == TAG_BLOB:
            return self.lp(field, self.limits["maxBlobBytes"])
        raise _invalid(field, f"unknown value tag {tag}")


def _decode_batch(r, limits):
    n = r.count("strings", limits["maxStringTable"], 2)
    strings, seen = [], set()
    for i in range(n):
        s = r.name(f"strings[{i}]")
        if not _is_identifier(s.encode("utf-8")):
            raise _invalid(f"strings[{i}]", "table and column names must be printable ASCII without spaces")
        if s in seen:
            raise _invalid(f"strings[{i}]", "duplicate string table entry")
        seen.add(s)
        strings.append(s)
    n = r.count("replicas", limits["maxReplicaTable"], 16)
    replicas, seen_r = [], set()
    for i in range(n):
        if r.remaining() < 16:
            raise _truncated(f"replicas[{i}]")
        rid = uuid.UUID(bytes=bytes(r.view(16, f"replicas[{i}]")))
        if rid in seen_r:
            raise _invalid(f"replicas[{i}]", "duplicate replica table entry")
        seen_r.add(rid)
        replicas.append(rid)
    prev = {"stamp": None, "millis": 0}
    last_vv = [0] * len(replicas)

    def stamp(vv, field):
        ref = r.varint(field + ".replica")
        if ref == 0:
            if prev["stamp"] is None:
                raise _invalid(field + ".replica", "no previous stamp to repeat")
            return dict(prev["stamp"])
        if ref > len(replicas):
            raise _invalid(field + ".replica", f"replica reference {ref} is out of range")
        rid = replicas[ref - 1]
        millis = (prev["millis"] + r.svarint(field + ".millis")) & MASK64
        if millis >> 48:
            raise _invalid(field + ".millis", "clock milliseconds do not fit 48 bits")
        logical = r.varint_max(field + ".logical", 16)
        cdelta = r.svarint(field + ".counter")
        result = {"hlc": (millis << 16) | logical, "replica": rid, "counter": (vv.get(rid, 0) - cdelta) & MASK64}
        prev["millis"] = millis
        prev["stamp"] = result
        return dict(result)

    def string_at(field):
        idx = r.varint(field)
        if idx >= len(strings):
            raise _invalid(field, f"string index {idx} is out of range")
        return idx

    n = r.count("changes", limits["maxBatchEntries"], 5)
    changes = []
    for i in range(n):
        table = strings[string_at(f"changes[{i}].table")]
        key = r.value(f"changes[{i}].key")
        m = r.count(f"changes[{i}].versionVector", limits["maxVectorEntries"], 2)
        vv, prev_rid = {}, None
        for e in range(m):
            f = f"changes[{i}].versionVector[{e}]"
            idx = r.varint(f + ".replica")
            if idx >= len(replicas):
                raise _invalid(f + ".replica", f"replica index {idx} is out of range")
            rid = replicas[idx]
            if prev_rid is not None and not prev_rid.bytes < rid.bytes:
                raise _invalid(f + ".replica", "entries must be in ascending replica id order without repeats")
            prev_rid = rid
            c = (last_vv[idx] + r.svarint(f + ".counter")) & MASK64
            if c == 0:
                raise _invalid(f + ".counter", "counter must be at least 1")
            last_vv[idx] = c
            vv[rid] = c
        tag = r.u8(f"changes[{i}].existence")
        if tag == EXISTENCE_ABSENT:
            existence = None
        elif tag in (EXISTENCE_LIVE, EXISTENCE_DELETED):
            existence = {"isDeleted": tag == EXISTENCE_DELETED, "stamp": stamp(vv, f"changes[{i}].existence.stamp")}
        else:
            raise _invalid(f"changes[{i}].existence", f"unknown existence tag {tag}")
        m = r.count(f"changes[{i}].columns", limits["maxColumns"], 3)
        columns, prev_name = {}, None
        for c in range(m):
            f = f"changes[{i}].columns[{c}]"
            name = strings[string_at(f + ".name")]
            if prev_name is not None and not prev_name.encode() < name.encode():
                raise _invalid(f + ".name", "columns must be in ascending UTF-8 order without repeats")
            prev_name = name
            value = r.value(f + ".value")
            columns[name] = {"value": value, "stamp": stamp(vv, f + ".stamp")}
        changes.append({"table": table, "key": key, "versionVector": vv, "existence": existence, "columns": columns})
    n = r.count("conflicts", limits["maxBatchEntries"], 6)
    conflicts = []
    for i in range(n):
        f = f"conflicts[{i}]"
        table = strings[string_at(f + ".table")]
        key = r.value(f + ".key")
        column = strings[string_at(f + ".column")]
        kind = r.u8(f + ".kind")
        if kind not in CONFLICT_KIND_NAMES:
            raise _invalid(f + ".kind", f"unknown conflict kind {kind}")
        losing = r.value(f + ".losingValue")
        conflicts.append({"table": table, "key": key, "column": column, "kind": CONFLICT_KIND_NAMES[kind],
                          "losingValue": losing, "losingStamp": stamp({}, f + ".losingStamp")})
    return changes, conflicts


def decode_payload(type_name, payload, limits=LIMITS):
    """Decodes an uncompressed payload of the given message type."""
    r = _Reader(memoryview(payload), limits)
    try:
        msg = _decode_fields(type_name, r, limits)
        if r.remaining():
            raise WireError("MALFORMED_PAYLOAD", "", f"{r.remaining()} bytes after the last field")
    except WireError as e:
        raise e.within(type_name)
    return msg


def _decode_fields(t, r, limits):
    if t == "HELLO":
        lo = r.u8("minVersion")
        hi = r.u8("maxVersion")
        if lo > hi:
            raise _invalid("maxVersion", "maxVersion is below minVersion")
        schema = r.varint_max("schemaVersion", 32)
        rid = uuid.UUID(bytes=bytes(r.view(16, "replica")))
        user = r.name("user")
        nonce = r.lp("clientNonce", limits["maxNameBytes"])
        if len(nonce) < MIN_CLIENT_NONCE:
            raise _invalid("clientNonce", "too short")
        software = r.string("software", limits["maxNameBytes"])
        return {"type": t, "minVersion": lo, "maxVersion": hi, "schemaVersion": schema, "replica": rid,
                "user": user, "clientNonce": nonce, "software": software}
    if t == "CHALLENGE":
        version = r.u8("version")
        salt = r.lp("salt", limits["maxNameBytes"])
        if len(salt) < MIN_SALT:
            raise _invalid("salt", "too short")
        iterations = r.varint_max("iterations", 32)
        if not ITERATIONS_MIN <= iterations <= ITERATIONS_MAX:
            raise _invalid("iterations", f"{iterations} is out of range")
        nonce = r.lp("nonce", 2 * limits["maxNameBytes"])
        if len(nonce) < 2 * MIN_CLIENT_NONCE:
            raise _invalid("nonce", "too short")
        return {"type": t, "version": version, "salt": salt, "iterations": iterations, "nonce": nonce}
    if t == "AUTH_PROOF":
        return {"type": t, "proof": bytes(r.view(PROOF_SIZE, "proof"))}
    if t == "AUTH_OK":
        sig = bytes(r.view(PROOF_SIZE, "serverSignature"))
        role = r.u8("role")
        if role not in ROLE_NAMES:
            raise _invalid("role", f"unknown role {role}")
        tenant = r.name("tenant")
        acked = r.varint("acknowledgedCounter")
        cursor = r.varint("pullCursor")
        return {"type": t, "serverSignature": sig, "role": ROLE_NAMES[role], "tenant": tenant,
                "acknowledgedCounter": acked, "pullCursor": cursor}
    if t == "PUSH":
        schema = r.varint_max("schemaVersion", 32)
        first = r.varint("firstCounter")
        last = r.varint("lastCounter")
        changes, conflicts = _decode_batch(r, limits)
        return {"type": t, "schemaVersion": schema, "firstCounter": first, "lastCounter": last,
                "changes": changes, "conflicts": conflicts}
    if t == "PUSH_ACK":
        last = r.varint("lastAcknowledged")
        applied = r.varint_max("applied", 32)
        n = r.count("rejections", limits["maxBatchEntries"], 5)
        rejections = []
        for i in range(n):
            f = f"rejections[{i}]"
            index = r.varint_max(f + ".index", 32)
            table = r.name(f + ".table")
            key = r.value(f + ".key")
            reason = r.varint_max(f + ".reason", 16)
            message = r.string(f + ".message", limits["maxMessageTextBytes"])
            rejections.append({"index": index, "table": table, "key": key, "reason": reason, "message": message})
        return {"type": t, "lastAcknowledged": last, "applied": applied, "rejections": rejections}
    if t == "PULL":
        cursor = r.varint("cursor")
        mx = r.varint_max("maxChanges", 32)
        if not 1 <= mx <= limits["maxBatchEntries"]:
            raise _invalid("maxChanges", f"{mx} is out of range")
        return {"type": t, "cursor": cursor, "maxChanges": mx}
    if t == "CHANGES":
        schema = r.varint_max("schemaVersion", 32)
        nxt = r.varint("nextCursor")
        more = r.u8("hasMore")
        if more > 1:
            raise _invalid("hasMore", "must be 0 or 1")
        changes, conflicts = _decode_batch(r, limits)
        return {"type": t, "schemaVersion": schema, "nextCursor": nxt, "hasMore": more == 1,
                "changes": changes, "conflicts": conflicts}
    if t == "ERROR":
        code = r.u16("code")
        message = r.string("message", limits["maxMessageTextBytes"])
        has = r.u8("hasDetail")
        if has > 1:
            raise _invalid("hasDetail", "must be 0 or 1")
        detail = r.string("detail", limits["maxMessageTextBytes"]) if has else None
        return {"type": t, "code": code, "message": message, "detail": detail}
    if t == "FILE_OFFER":
        n = r.count("files", limits["maxFilesPerOffer"], HASH_SIZE + 1)
        if n < 1:
            raise _invalid("files", "must name at least one file")
        files = []
        for i in range(n):
            sha = bytes(r.view(HASH_SIZE, f"files[{i}].sha256"))
            size = r.varint(f"files[{i}].size")
            _check_file_size(size, limits, f"files[{i}].size")
            files.append({"sha256": sha, "size": size})
        return {"type": t, "files": files}
    if t == "FILE_WANT":
        n = r.count("files", limits["maxFilesPerOffer"], HASH_SIZE + 1)
        if n < 1:
            raise _invalid("files", "must name at least one file")
        files = []
        for i in range(n):
            f = f"files[{i}]"
            sha = bytes(r.view(HASH_SIZE, f + ".sha256"))
            state = r.u8(f + ".state")
            if state not in FILE_STATE_NAMES:
                raise _invalid(f + ".state", f"must be 0, 1 or 2, not {state}")
            entry = {"sha256": sha, "state": FILE_STATE_NAMES[state]}
            if state == 1:
                entry["received"] = r.varint(f + ".received")
            elif state == 2:
                entry["reason"] = r.varint_max(f + ".reason", 16)
                entry["message"] = r.string(f + ".message", limits["maxMessageTextBytes"])
            files.append(entry)
        return {"type": t, "files": files}
    if t == "FILE_CHUNK":
        sha = bytes(r.view(HASH_SIZE, "sha256"))
        size = r.varint("size")
        _check_file_size(size, limits, "size")
        offset = r.varint("offset")
        data = r.lp("data", limits["maxChunkBytes"])
        _check_chunk(len(data), offset, size, limits, "data")
        data_sha = bytes(r.view(HASH_SIZE, "dataSHA256"))
        return {"type": t, "sha256": sha, "size": size, "offset": offset, "data": data, "dataSHA256": data_sha}
    if t == "FILE_ACK":
        sha = bytes(r.view(HASH_SIZE, "sha256"))
        received = r.varint("received")
        complete = r.u8("complete")
        if complete > 1:
            raise _invalid("complete", f"must be 0 or 1, not {complete}")
        return {"type": t, "sha256": sha, "received": received, "complete": complete == 1}
    if t == "GOODBYE":
        reason = r.varint_max("reason", 16)
        message = r.string("message", limits["maxMessageTextBytes"])
        return {"type": t, "reason": reason, "message": message}
    raise AssertionError(t)


def _inflate(stream, expected):
    d = zlib.decompressobj(15, zdict=DICTIONARY)
    try:
        out = d.decompress(stream, expected + 1)
    except zlib.error as e:
        raise WireError("DECOMPRESSION_FAILED", "payload", f"zlib stream is corrupt ({e})") from None
    if len(out) > expected:
        raise WireError("DECOMPRESSED_TOO_LARGE", "payload", f"stream inflates to more than the declared {expected} bytes")
    if not d.eof:
        raise WireError("DECOMPRESSION_FAILED", "payload", "zlib stream is truncated")
    if len(out) < expected:
        raise WireError("DECOMPRESSION_FAILED", "payload", f"stream inflates to only {len(out)} bytes")
    if d.unused_data:
        raise WireError("DECOMPRESSION_FAILED", "payload", "bytes after the end of the zlib stream")
    return out


class FrameDecoder:
    """Streaming decoder: ``feed(bytes)``, then ``next()`` until it returns None; ``finish()`` at EOF.

    A framing error (``closes_connection``) leaves the decoder failed; a payload error consumes
    only its frame.
    """

    def __init__(self, limits=LIMITS):
        self.limits = limits
        self.buf = bytearray()
        self.failure = None
        self.frame_index = 0

    def feed(self, data):
        self.buf += data

    def _fail(self, name, field, message):
        self.failure = WireError(name, field, message, self.frame_index)
        return self.failure

    def next(self):
        if self.failure:
            raise self.failure
        b = self.buf
        for i in range(min(4, len(b))):
            if b[i] != MAGIC[i]:
                raise self._fail("BAD_MAGIC", "header.magic", "frame does not start with OCOP")
        if len(b) < HEADER_SIZE:
            return None
        version, type_byte, flags, reserved = b[4], b[5], b[6], b[7]
        if version not in SUPPORTED_VERSIONS:
            raise self._fail("UNSUPPORTED_VERSION", "header.version", f"protocol version {version} is not supported")
        if type_byte not in MESSAGE_NAMES:
            raise self._fail("UNKNOWN_MESSAGE_TYPE", "header.type", f"message type {type_byte:#x} is not defined")
        if flags & ~FLAG_COMPRESSED or reserved:
            raise self._fail("BAD_FLAGS", "header.flags", "undefined flags or reserved byte")
        length, crc = struct.unpack_from(">II", b, 8)
        if length > self.limits["maxFramePayload"]:
            raise self._fail("FRAME_TOO_LARGE", "header.length", f"payload of {length} bytes is over the limit")
        if len(b) < HEADER_SIZE + length:
            return None
        body = bytes(b[HEADER_SIZE:HEADER_SIZE + length])
        if zlib.crc32(body, zlib.crc32(bytes(b[:12]))) != crc:
            raise self._fail("CHECKSUM_MISMATCH", "header.crc", "CRC-32 does not match the frame")
        del self.buf[:HEADER_SIZE + length]
        index = self.frame_index
        self.frame_index += 1
        try:
            if flags & FLAG_COMPRESSED:
                if len(body) < 4:
                    raise WireError("DECOMPRESSION_FAILED", "payload", "compressed payload is shorter than its length field")
                declared = struct.unpack_from(">I", body, 0)[0]
                if declared > self.limits["maxDecompressedPayload"]:
                    raise WireError("DECOMPRESSED_TOO_LARGE", "payload", "declared decompressed size is over the limit")
                body = _inflate(body[4:], declared)
            return decode_payload(MESSAGE_NAMES[type_byte], body, self.limits)
        except WireError as e:
            e.frame_index = index
            if e.closes_connection:
                self.failure = e
            raise

    def finish(self):
        if self.failure:
            raise self.failure
        if self.buf:
            raise WireError("TRUNCATED_FRAME", "frame", f"stream ended {len(self.buf)} bytes into a frame", self.frame_index)


def decode_frames(data, limits=LIMITS):
    """All messages in ``data``, which must end at a frame boundary."""
    d = FrameDecoder(limits)
    d.feed(data)
    out = []
    while True:
        m = d.next()
        if m is None:
            break
        out.append(m)
    d.finish()
    return out


# ---------------------------------------------------------------------------------------------
# JSON mapping (SPEC "JSON mapping of messages")

_U64_FIELDS = {"firstCounter", "lastCounter", "acknowledgedCounter", "pullCursor", "lastAcknowledged",
               "cursor", "nextCursor", "size", "offset", "received"}
_BYTES_FIELDS = {"clientNonce", "salt", "nonce", "proof", "serverSignature", "sha256", "data", "dataSHA256"}


def value_to_json(v):
    if v is None:
        return None
    if isinstance(v, bool):
        raise TypeError("bool")
    if isinstance(v, int):
        return {"integer": str(v)}
    if isinstance(v, float):
        return {"real": repr(v)}
    if isinstance(v, str):
        return {"text": v}
    return {"blob": bytes(v).hex()}


def value_from_json(j):
    if j is None:
        return None
    (k, v), = j.items()
    if k == "integer":
        return int(v)
    if k == "real":
        return float(v)
    if k == "text":
        return v
    if k == "blob":
        return bytes.fromhex(v)
    raise ValueError(k)


def _stamp_to_json(s):
    return {"hlc": str(s["hlc"]), "replica": str(s["replica"]), "counter": str(s["counter"])}


def _stamp_from_json(j):
    return {"hlc": int(j["hlc"]), "replica": uuid.UUID(j["replica"]), "counter": int(j["counter"])}


def _change_to_json(c):
    return {
        "table": c["table"], "key": value_to_json(c["key"]),
        "versionVector": [{"replica": str(r), "counter": str(n)}
                          for r, n in sorted(c["versionVector"].items(), key=lambda kv: kv[0].bytes)],
        "existence": None if c["existence"] is None else
        {"isDeleted": c["existence"]["isDeleted"], "stamp": _stamp_to_json(c["existence"]["stamp"])},
        "columns": {n: {"value": value_to_json(w["value"]), "stamp": _stamp_to_json(w["stamp"])}
                    for n, w in c["columns"].items()},
    }


def _change_from_json(j):
    return {
        "table": j["table"], "key": value_from_json(j["key"]),
        "versionVector": {uuid.UUID(e["replica"]): int(e["counter"]) for e in j["versionVector"]},
        "existence": None if j["existence"] is None else
        {"isDeleted": j["existence"]["isDeleted"], "stamp": _stamp_from_json(j["existence"]["stamp"])},
        "columns": {n: {"value": value_from_json(w["value"]), "stamp": _stamp_from_json(w["stamp"])}
                    for n, w in j["columns"].items()},
    }


def _conflict_to_json(c):
    return {"table": c["table"], "key": value_to_json(c["key"]), "column": c["column"], "kind": c["kind"],
            "losingValue": value_to_json(c["losingValue"]), "losingStamp": _stamp_to_json(c["losingStamp"])}


def _conflict_from_json(j):
    return {"table": j["table"], "key": value_from_json(j["key"]), "column": j["column"], "kind": j["kind"],
            "losingValue": value_from_json(j["losingValue"]), "losingStamp": _stamp_from_json(j["losingStamp"])}


def to_json(msg):
    """The JSON mapping of a message dict."""
    out = {}
    for k, v in msg.items():
        if k in _U64_FIELDS:
            out[k] = str(v)
        elif k in _BYTES_FIELDS:
            out[k] = bytes(v).hex()
        elif k == "replica":
            out[k] = str(v)
        elif k == "changes":
            out[k] = [_change_to_json(c) for c in v]
        elif k == "conflicts":
            out[k] = [_conflict_to_json(c) for c in v]
        elif k == "rejections":
            out[k] = [dict(r, key=value_to_json(r["key"])) for r in v]
        elif k == "files":
            out[k] = [to_json(f) for f in v]
        else:
            out[k] = v
    return out


def from_json(j):
    """The message dict of a JSON mapping."""
    out = {}
    for k, v in j.items():
        if k in _U64_FIELDS:
            out[k] = int(v)
        elif k in _BYTES_FIELDS:
            out[k] = bytes.fromhex(v)
        elif k == "replica":
            out[k] = uuid.UUID(v)
        elif k == "changes":
            out[k] = [_change_from_json(c) for c in v]
        elif k == "conflicts":
            out[k] = [_conflict_from_json(c) for c in v]
        elif k == "rejections":
            out[k] = [dict(r, key=value_from_json(r["key"])) for r in v]
        elif k == "files":
            out[k] = [from_json(f) for f in v]
        else:
            out[k] = v
    return out
