#!/usr/bin/env python3
"""Generates Protocol/vectors/*.json with the Python reference client (Clients/python).

The committed vectors are the source of truth: both implementations are tested against them.
Re-running this script must reproduce them byte for byte (it is deterministic); a change to the
output is a protocol change. Run from the repository root:

    python3 Protocol/tools/gen_vectors.py            # (re)write the vectors
    python3 Protocol/tools/gen_vectors.py --check    # fail if the committed vectors differ
"""
import hashlib
import json
import os
import struct
import sys
import uuid
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "Clients", "python"))
from ocop_client import scram, wire  # noqa: E402
from ocop_client.wire import _Writer, LIMITS, make_frame, MESSAGE_TYPES  # noqa: E402

OUT = os.path.join(ROOT, "Protocol", "vectors")

PROVINCE = uuid.UUID("0190f3a2-7c4e-7b1a-9d2e-3f4a5b6c7d8e")
CENTRAL = uuid.UUID("0190f3a2-0000-7000-8000-000000000001")
TENANT = "7d1c9e0a-3b5f-4c2d-8e6f-1a2b3c4d5e6f"
MILLIS = 1_763_856_000_000  # 2025-11-23T00:00:00Z
PRODUCT_1 = bytes.fromhex("0193a1b2c3d47e5f8a6b7c8d9e0f1a2b")
PRODUCT_2 = bytes.fromhex("0193a1b2c3d47e5f8a6b7c8d9e0f1a2c")
PRODUCER = bytes.fromhex("0193a0ffeeddcc7b8a99887766554433")

SECRET = "mật-khẩu Hà Giang 2025"
SALT = bytes.fromhex("5f0c3b9e7d1a2c4e8f6a0b1c2d3e4f50")
ITERATIONS = 4096
CLIENT_NONCE = bytes.fromhex("a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718")
SERVER_NONCE = bytes.fromhex("0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a6978")


def hlc(offset_ms=0, logical=0):
    return ((MILLIS + offset_ms) << 16) | logical


def stamp(replica=PROVINCE, counter=1, offset_ms=0, logical=0):
    return {"hlc": hlc(offset_ms, logical), "replica": replica, "counter": counter}


def change(key, columns, counter, replica=PROVINCE, insert=True, table="products", offset_ms=0, vv=None):
    s = stamp(replica, counter, offset_ms)
    return {
        "table": table, "key": key,
        "versionVector": vv if vv is not None else {replica: counter},
        "existence": {"isDeleted": False, "stamp": s} if insert else None,
        "columns": {n: {"value": v, "stamp": s} for n, v in columns.items()},
    }


def push(changes, conflicts=(), first=1, last=None):
    return {"type": "PUSH", "schemaVersion": 1, "firstCounter": first,
            "lastCounter": last if last is not None else max(first, len(changes)),
            "changes": list(changes), "conflicts": list(conflicts)}


# Files of SPEC §17, made deterministically: a 1 MiB + 16-byte "photo" (JPEG markers around
# SHAKE-256 bytes) and a 2.5 MB "PDF". Only their hashes, sizes and a 16-byte piece reach the vectors.
PHOTO = b"\xff\xd8\xff\xe0" + hashlib.shake_256(b"OCOP photo").digest(1_048_592 - 6) + b"\xff\xd9"
PDF = b"%PDF-1.7\n" + hashlib.shake_256(b"OCOP dossier").digest(2_500_000 - 9)
PHOTO_SHA, PDF_SHA = hashlib.sha256(PHOTO).digest(), hashlib.sha256(PDF).digest()
OTHER_SHA = hashlib.sha256(b"a file no attachments row names").digest()
SMALL_PDF = (b"%PDF-1.7\n" + b"0 0 0 RG 0 0 m 100 100 l S\n" * 12)[:300]  # deflates well


def file_chunk(file, offset, length):
    data = file[offset:offset + length]
    return {"type": "FILE_CHUNK", "sha256": hashlib.sha256(file).digest(), "size": len(file), "offset": offset,
            "data": data, "dataSHA256": hashlib.sha256(data).digest()}


HELLO = {"type": "HELLO", "minVersion": 1, "maxVersion": 1, "schemaVersion": 1, "replica": PROVINCE,
         "user": TENANT, "clientNonce": CLIENT_NONCE, "software": "ocop 0.1.0 (Swift)"}
CHALLENGE = {"type": "CHALLENGE", "version": 1, "salt": SALT, "iterations": ITERATIONS,
             "nonce": CLIENT_NONCE + SERVER_NONCE}
PROOF, SERVER_SIGNATURE = scram.client_proof(SECRET, HELLO, CHALLENGE)

vectors = []


def valid(name, description, msg):
    vectors.append((name, {"description": description, "hex": wire.encode_frame(msg).hex(),
                           "message": wire.to_json(msg)}))


def invalid(name, description, frame_bytes, error):
    vectors.append((name, {"description": description, "hex": frame_bytes.hex(),
                           "error": {"name": error, "code": wire.ERROR_CODES[error]}}))


def raw(type_name, payload, **kw):
    return make_frame(MESSAGE_TYPES[type_name], payload, **kw)


def compressed_raw(type_name, payload, declared=None, zdict=wire.DICTIONARY):
    c = zlib.compressobj(6, zlib.DEFLATED, 15, 8, zlib.Z_DEFAULT_STRATEGY, **({"zdict": zdict} if zdict else {}))
    z = c.compress(payload) + c.flush()
    body = struct.pack(">I", len(payload) if declared is None else declared) + z
    return make_frame(MESSAGE_TYPES[type_name], body, flags=wire.FLAG_COMPRESSED)


FULL_STAMP = b"\x01\x00\x00\x00"  # replica reference 1, millis delta 0, logical 0, counter delta 0


def w():
    return _Writer(LIMITS)


def batch_prefix(strings, replicas):
    """PUSH payload start: schema 1, counters 1..1, string table, replica table."""
    x = w()
    x.varint(1); x.varint(1); x.varint(1)
    x.varint(len(strings))
    for s in strings:
        x.lp(s.encode())
    x.varint(len(replicas))
    for r in replicas:
        x.b += r.bytes
    return x


PRODUCT_ROW = {
    "tenant_id": bytes.fromhex(TENANT.replace("-", "")),
    "producer_id": PRODUCER,
    "classification_code": "1.2.b",
    "classification_version": "148/QĐ-TTg 2023",
    "name_vi": "Mật ong bạc hà Mèo Vạc",
    "name_en": "Meo Vac mint honey",
    "description_vi": None,
    "gtin": "8938505974012",
    "status": "certified",
}


def build():
    # ---- handshake -------------------------------------------------------------------------
    valid("001-hello", "HELLO from a province replica; the SCRAM example in scram/001 uses these fields", HELLO)
    valid("002-hello-central-future-client", "HELLO from the central office by a client speaking versions 1 to 3",
          dict(HELLO, maxVersion=3, user="central", replica=CENTRAL, clientNonce=bytes(range(18)), software=""))
    valid("003-challenge", "CHALLENGE answering 001-hello (combined nonce = client nonce + server nonce)", CHALLENGE)
    valid("004-auth-proof", "AUTH_PROOF with the client proof of the SCRAM example (secret in scram/001)",
          {"type": "AUTH_PROOF", "proof": PROOF})
    valid("005-auth-ok-province", "AUTH_OK with the server signature of the SCRAM example; resume state",
          {"type": "AUTH_OK", "serverSignature": SERVER_SIGNATURE, "role": "province", "tenant": TENANT,
           "acknowledgedCounter": 1234, "pullCursor": 987654321})
    valid("006-auth-ok-central-max-counters", "AUTH_OK for the central role with UInt64.max counters",
          {"type": "AUTH_OK", "serverSignature": bytes(32), "role": "central", "tenant": "central",
           "acknowledgedCounter": (1 << 64) - 1, "pullCursor": (1 << 64) - 1})

    # ---- PUSH --------------------------------------------------------------------------------
    valid("007-push-empty", "PUSH with no changes and no conflicts (counters 0..0)", push([], first=0, last=0))
    valid("008-push-product-insert", "PUSH inserting one product: UUID blob key, text, NULL and blob columns",
          push([change(PRODUCT_1, PRODUCT_ROW, 1)]))
    valid("009-push-vietnamese-text", "PUSH with Vietnamese NFC text values",
          push([change(PRODUCT_1, {"name_vi": "Mật ong bạc hà Mèo Vạc", "description_vi": "Đặc sản cao nguyên đá Đồng Văn"}, 7),
                change(PRODUCT_2, {"name_vi": "Nước mắm Phú Quốc", "name_en": "Phu Quoc fish sauce"}, 8, offset_ms=5)],
               first=7, last=8))
    valid("010-push-integer-extremes", "PUSH with Int64.min, Int64.max, 0, -1 and 1 as values; integer key",
          push([change(-1, {"a": -(1 << 63), "b": (1 << 63) - 1, "c": 0, "d": -1, "e": 1}, 3, table="t")]))
    valid("011-push-reals", "PUSH with reals: negative zero, zero, smallest subnormal, largest finite, -1.5, infinities",
          push([change(PRODUCT_1, {"r0": -0.0, "r1": 0.0, "r2": 5e-324, "r3": 1.7976931348623157e308, "r4": -1.5,
                                   "r5": float("inf"), "r6": float("-inf"), "r7": 2.2250738585072014e-308}, 2, table="material_areas")]))
    valid("012-push-blobs", "PUSH with an empty blob, a UUID blob and a blob of all 256 byte values (compressed frame)",
          push([change(bytes(16), {"b0": b"", "b1": PRODUCER, "b2": bytes(range(256))}, 4, table="t")]))
    valid("013-push-null-and-empty", "PUSH with NULL, empty text and empty blob; NULL primary key value",
          push([change(None, {"n": None, "t": "", "b": b""}, 5, table="t")]))
    valid("014-push-delete-tombstone", "PUSH deleting a row: existence register isDeleted, no columns",
          push([{"table": "products", "key": PRODUCT_1, "versionVector": {PROVINCE: 9},
                 "existence": {"isDeleted": True, "stamp": stamp(PROVINCE, 9, 60_000)}, "columns": {}}], first=9, last=9))
    two = {"table": "products", "key": PRODUCT_1,
           "versionVector": {PROVINCE: 12, CENTRAL: 3},
           "existence": {"isDeleted": False, "stamp": stamp(PROVINCE, 2, -86_400_000)},
           "columns": {"status": {"value": "certified", "stamp": stamp(CENTRAL, 3, -3_600_000, 1)},
                       "name_vi": {"value": "Chè Shan tuyết Hà Giang", "stamp": stamp(PROVINCE, 12, 0)},
                       "gtin": {"value": "8938505974029", "stamp": stamp(PROVINCE, 7, -7_200_000)}}}
    valid("015-push-two-replicas", "PUSH of a row written by a province and the central office: two-entry version vector, "
          "stamps below the vector (counter deltas), decreasing clocks (negative HLC deltas)", push([two], first=12, last=12))
    conflicts = [
        {"table": "products", "key": PRODUCT_1, "column": "name_vi", "kind": "concurrentUpdate",
         "losingValue": "Mật ong Mèo Vạc", "losingStamp": stamp(CENTRAL, 4, -10)},
        {"table": "products", "key": PRODUCT_2, "column": "_exists", "kind": "concurrentUpdate",
         "losingValue": 1, "losingStamp": stamp(PROVINCE, 11, 20)},
        {"table": "products", "key": PRODUCT_2, "column": "gtin", "kind": "updateOfDeletedRow",
         "losingValue": None, "losingStamp": stamp(PROVINCE, 10, 15)},
    ]
    valid("016-push-conflicts", "PUSH carrying a change and three conflict records (both kinds, existence pseudo-column)",
          push([change(PRODUCT_1, {"name_vi": "Mật ong bạc hà Mèo Vạc"}, 13, insert=False)], conflicts, first=13, last=13))
    many = [change(bytes.fromhex("0193a1b2c3d47e5f8a6b7c8d9e0f%04x" % i),
                   {"name_vi": f"Mật ong bạc hà Mèo Vạc loại {i}", "status": "certified", "classification_code": "1.2.b"},
                   100 + i, offset_ms=i * 3) for i in range(40)]
    valid("017-push-compressed-batch", "PUSH of 40 product changes: a compressed frame", push(many, first=100, last=139))
    unit = "Mật ong bạc hà Mèo Vạc. Nước mắm Phú Quốc. ".encode()
    big = (unit * (LIMITS["maxTextBytes"] // len(unit) + 1))[:LIMITS["maxTextBytes"]]
    big = big.decode("utf-8", "ignore")
    big = big + "x" * (LIMITS["maxTextBytes"] - len(big.encode()))
    assert len(big.encode()) == LIMITS["maxTextBytes"]
    valid("018-push-max-size-text", "PUSH with a text value of exactly the 1 MiB limit (compressed frame)",
          push([change(PRODUCT_1, {"description_vi": big}, 20)], first=20, last=20))
    noise = bytes((i * 193 + 71) * 2654435761 >> 13 & 0xFF for i in range(300))
    valid("019-push-incompressible", "PUSH over the compression threshold that does not shrink: sent uncompressed",
          push([change(PRODUCT_1, {"photo": noise}, 21, table="t")], first=21, last=21))
    valid("020-push-name-255-bytes", "PUSH whose column name has the maximum 255 bytes",
          push([change(PRODUCT_1, {"c" * 255: 1}, 22, table="t")], first=22, last=22))
    valid("021-push-text-nfd-passes-through", "PUSH with NFD text ('Mèo Vạc' decomposed): bytes are carried unchanged; "
          "senders should send NFC, receivers do not normalise",
          push([change(PRODUCT_1, {"name_vi": "Me\u0300o Va\u0323c"}, 23)], first=23, last=23))
    valid("022-push-hlc-extremes", "PUSH with HLC 0 and HLC UInt64.max and counter UInt64.max: deltas wrap modulo 2^64",
          push([{"table": "t", "key": 1, "versionVector": {PROVINCE: (1 << 64) - 1},
                 "existence": {"isDeleted": False, "stamp": {"hlc": 0, "replica": PROVINCE, "counter": 1}},
                 "columns": {"a": {"value": 1, "stamp": {"hlc": (1 << 64) - 1, "replica": PROVINCE, "counter": (1 << 64) - 1}}}}],
               first=(1 << 64) - 1, last=(1 << 64) - 1))

    # ---- other messages ------------------------------------------------------------------------
    valid("023-push-ack-with-rejections", "PUSH_ACK with two rejections (Vietnamese message text)",
          {"type": "PUSH_ACK", "lastAcknowledged": 139, "applied": 38, "rejections": [
              {"index": 3, "table": "products", "key": PRODUCT_1, "reason": 1,
               "message": "Sản phẩm thuộc tỉnh khác: tenant_id không khớp"},
              {"index": 17, "table": "products", "key": PRODUCT_2, "reason": 2,
               "message": "gtin: 8938505974013 is not a valid GTIN-13 check digit"}]})
    valid("024-push-ack-plain", "PUSH_ACK acknowledging everything",
          {"type": "PUSH_ACK", "lastAcknowledged": 8, "applied": 2, "rejections": []})
    valid("025-pull-first", "PULL from the beginning", {"type": "PULL", "cursor": 0, "maxChanges": 5000})
    valid("026-pull-max", "PULL with the largest cursor and the largest maxChanges",
          {"type": "PULL", "cursor": (1 << 64) - 1, "maxChanges": LIMITS["maxBatchEntries"]})
    valid("027-changes-has-more", "CHANGES with a central decision (5-star certificate) and more to come",
          {"type": "CHANGES", "schemaVersion": 1, "nextCursor": 4242, "hasMore": True,
           "changes": [change(PRODUCT_2, {"product_id": PRODUCT_1, "stars": 5, "status": "active", "number": "OCOP-5S-2025-0042"},
                              77, replica=CENTRAL, table="certificates")], "conflicts": []})
    valid("028-changes-final-empty", "CHANGES with nothing new: the client is up to date",
          {"type": "CHANGES", "schemaVersion": 1, "nextCursor": 4242, "hasMore": False, "changes": [], "conflicts": []})
    valid("029-changes-with-conflict", "CHANGES delivering a conflict record and the winning write",
          {"type": "CHANGES", "schemaVersion": 2, "nextCursor": 5000, "hasMore": False,
           "changes": [change(PRODUCT_1, {"name_vi": "Mật ong bạc hà Mèo Vạc"}, 5, replica=CENTRAL, insert=False,
                              vv={CENTRAL: 5, PROVINCE: 13})],
           "conflicts": [conflicts[0]]})
    valid("030-error-with-detail", "ERROR with a detail naming frame and field",
          {"type": "ERROR", "code": 0x0013, "message": "not valid UTF-8", "detail": "frame 3: PUSH.changes[0].columns[1].value"})
    valid("031-error-without-detail", "ERROR for failed authentication, no detail",
          {"type": "ERROR", "code": 0x0101, "message": "Xác thực thất bại", "detail": None})
    valid("032-goodbye", "GOODBYE after a finished sync", {"type": "GOODBYE", "reason": 0, "message": ""})
    valid("033-goodbye-shutting-down", "GOODBYE from a server that is shutting down",
          {"type": "GOODBYE", "reason": 1, "message": "Máy chủ đang tắt để bảo trì"})
    valid("034-changes-unknown-error-codes-pass", "ERROR with a code this version does not define: receivers accept it",
          {"type": "ERROR", "code": 0xBEEF, "message": "future", "detail": ""})
    # ---- session answers a stranger's client needs to recognise (SPEC §9) --------------------------
    valid("035-hello-versions-without-1", "HELLO offering versions 2–3: a valid frame, which a server speaking only 1 "
          "answers with ERROR VERSION_NEGOTIATION_FAILED and closes", dict(HELLO, minVersion=2, maxVersion=3))
    valid("036-error-version-negotiation-failed", "the server's answer to 035",
          {"type": "ERROR", "code": 0x0102, "message": "no common protocol version: the server speaks 1–1, the client 2–3",
           "detail": "frame 0: HELLO.minVersion"})
    valid("037-error-forbidden-secret-rotated", "FORBIDDEN ends a session whose account's secret was rotated since login",
          {"type": "ERROR", "code": 0x0104, "message": "the secret of 01 was rotated; log in again with the new secret",
           "detail": "frame 4: PULL"})
    valid("038-error-busy-anonymous", "BUSY for one connection too many waiting to log in: retry later",
          {"type": "ERROR", "code": 0x0105, "message": "too many connections waiting to log in; try again later", "detail": None})
    valid("039-goodbye-handshake-deadline", "GOODBYE idle timeout: no login within the handshake deadline",
          {"type": "GOODBYE", "reason": 2, "message": "no login within 10 s"})
    valid("040-push-ack-refused-conflict-record", "PUSH_ACK for a PUSH of one change and one conflict record: the conflict "
          "record is refused, numbered after the changes (index 1)",
          {"type": "PUSH_ACK", "lastAcknowledged": 12, "applied": 1, "rejections": [
              {"index": 1, "table": "products", "key": PRODUCT_1, "reason": 1,
               "message": "conflict record on products row " + str(uuid.UUID(bytes=PRODUCT_1)) + " column name_vi: the row belongs to another province, or does not exist"}]})
    valid("041-error-first-counter-after-last", "INVALID_VALUE for a PUSH whose firstCounter is after its lastCounter: "
          "nothing applied, the session goes on",
          {"type": "ERROR", "code": 0x0015, "message": "firstCounter 5 is after lastCounter 3; nothing was applied",
           "detail": "frame 3: PUSH.firstCounter"})
    # ---- files (SPEC §17) -------------------------------------------------------------------------
    valid("042-file-offer-two-files", "FILE_OFFER of two files: a photo of 1,048,592 bytes and a PDF of 2,500,000 bytes",
          {"type": "FILE_OFFER", "files": [{"sha256": PHOTO_SHA, "size": len(PHOTO)}, {"sha256": PDF_SHA, "size": len(PDF)}]})
    valid("043-file-want-stored-wanted-refused", "FILE_WANT answering an offer of three files: the PDF is stored already, "
          "the photo is wanted from byte 1,048,576 (an interrupted upload), a third file is refused (reason 1 notReferenced)",
          {"type": "FILE_WANT", "files": [
              {"sha256": PDF_SHA, "state": "stored"},
              {"sha256": PHOTO_SHA, "state": "wanted", "received": 1_048_576},
              {"sha256": OTHER_SHA, "state": "refused", "reason": 1,
               "message": "Không có hàng attachments nào của tỉnh này có sha256 và kích thước của tệp này"}]})
    valid("044-file-chunk-last-16-bytes", "FILE_CHUNK with the photo's last 16 bytes, at offset 1,048,576 (continuing 043), "
          "and their SHA-256", file_chunk(PHOTO, 1_048_576, 16))
    valid("045-file-ack-complete", "FILE_ACK for 044: the whole photo is stored and matched its SHA-256",
          {"type": "FILE_ACK", "sha256": PHOTO_SHA, "received": len(PHOTO), "complete": True})
    valid("046-file-ack-partial", "FILE_ACK for the PDF's first chunk of 1 MiB: continue at 1,048,576",
          {"type": "FILE_ACK", "sha256": PDF_SHA, "received": 1_048_576, "complete": False})
    valid("047-error-file-refused", "FILE_REFUSED in place of FILE_ACK: a chunk damaged in transit is not kept; "
          "send it again, the session goes on",
          {"type": "ERROR", "code": 0x0106, "message": "dữ liệu của đoạn không khớp dataSHA256: hãy gửi lại đoạn này",
           "detail": "frame 7: FILE_CHUNK.dataSHA256"})
    valid("048-file-chunk-not-compressed", "FILE_CHUNK of 300 compressible bytes (a payload over the 256-byte threshold): "
          "the reference encoders never compress FILE_CHUNK (flag 0)", file_chunk(SMALL_PDF, 0, 300))

    # ---- invalid frames ------------------------------------------------------------------------
    good = bytes.fromhex(vectors[24][1]["hex"])  # 025-pull-first
    assert vectors[24][0] == "025-pull-first"
    invalid("100-bad-magic-http", "an HTTP request sent to the sync port", b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", "BAD_MAGIC")
    invalid("101-unsupported-version", "a frame of protocol version 2", raw("PULL", good[16:], version=2), "UNSUPPORTED_VERSION")
    invalid("102-unknown-message-type", "message type 0x55", make_frame(0x55, b"\x00"), "UNKNOWN_MESSAGE_TYPE")
    invalid("103-undefined-flag", "flag bit 1 set", raw("PULL", good[16:], flags=0x02), "BAD_FLAGS")
    invalid("104-reserved-byte", "reserved header byte not zero", raw("PULL", good[16:], reserved=1), "BAD_FLAGS")
    invalid("105-frame-too-large", "header announcing a payload of 16 MiB + 1 (only the header is sent)",
            raw("PUSH", b"", length=LIMITS["maxFramePayload"] + 1)[:16], "FRAME_TOO_LARGE")
    flipped = bytearray(good)
    flipped[-1] ^= 0x01
    invalid("106-checksum-mismatch", "one payload bit flipped", bytes(flipped), "CHECKSUM_MISMATCH")
    invalid("107-truncated-payload", "the stream ends one byte before the end of the frame", good[:-1], "TRUNCATED_FRAME")
    invalid("108-truncated-header", "the stream ends inside the header", good[:10], "TRUNCATED_FRAME")
    invalid("109-payload-missing-field", "PULL payload without maxChanges (checksum valid)", raw("PULL", b"\x00"), "MALFORMED_PAYLOAD")
    invalid("110-payload-trailing-bytes", "PULL payload with a byte after the last field", raw("PULL", good[16:] + b"\x00"), "MALFORMED_PAYLOAD")
    invalid("111-varint-not-minimal", "cursor 0 encoded as 0x80 0x00", raw("PULL", b"\x80\x00\x01"), "MALFORMED_PAYLOAD")
    invalid("112-varint-overflow", "cursor varint of 11 bytes", raw("PULL", b"\xff" * 10 + b"\x01\x01"), "MALFORMED_PAYLOAD")
    invalid("113-invalid-utf8", "GOODBYE message with bytes C3 28", raw("GOODBYE", b"\x00\x02\xc3\x28"), "INVALID_UTF8")
    p = batch_prefix(["t", "a"], [PROVINCE])
    p.varint(1); p.varint(0); p.b += b"\x01\x02"; p.varint(1); p.varint(0); p.svarint(1); p.u8(0); p.varint(1); p.varint(1)
    p.b += b"\x03\x03\xed\xa0\x80"  # text value: a UTF-16 surrogate encoded in UTF-8
    p.b += FULL_STAMP; p.varint(0)
    invalid("114-invalid-utf8-surrogate", "text value holding an encoded surrogate (ED A0 80)", raw("PUSH", bytes(p.b)), "INVALID_UTF8")
    invalid("115-decompression-bomb-declared", "compressed PULL declaring 64 MiB + 1 decompressed bytes",
            compressed_raw("PULL", good[16:], declared=LIMITS["maxDecompressedPayload"] + 1), "DECOMPRESSED_TOO_LARGE")
    invalid("116-decompression-bomb-lying", "compressed payload declaring 1000 bytes whose stream inflates to 1 MiB of zeros",
            compressed_raw("PUSH", bytes(1 << 20), declared=1000), "DECOMPRESSED_TOO_LARGE")
    corrupt = bytearray(compressed_raw("PUSH", bytes(vectors[7][1]["hex"], "ascii")))
    body = bytes(corrupt[16:20]) + bytes(b ^ 0x5A for b in corrupt[20:])
    invalid("117-decompression-corrupt", "compressed payload whose zlib stream is garbage (checksum valid)",
            make_frame(MESSAGE_TYPES["PUSH"], body, flags=1), "DECOMPRESSION_FAILED")
    invalid("118-decompression-wrong-dictionary", "zlib stream made with another preset dictionary",
            compressed_raw("PULL", good[16:], zdict=b"another dictionary"), "DECOMPRESSION_FAILED")
    invalid("119-decompression-short", "stream inflates to fewer bytes than declared",
            compressed_raw("PULL", good[16:], declared=len(good) - 16 + 5), "DECOMPRESSION_FAILED")
    p = batch_prefix([], [])
    p.varint(LIMITS["maxBatchEntries"] + 1)
    invalid("120-changes-count-over-limit", "PUSH announcing 100,001 changes", raw("PUSH", bytes(p.b)), "LIMIT_EXCEEDED")
    p = batch_prefix([], [])
    p.varint(1000); p.b += b"\x00" * 20
    invalid("121-changes-count-over-bytes", "PUSH announcing 1,000 changes in 20 bytes", raw("PUSH", bytes(p.b)), "MALFORMED_PAYLOAD")
    p = batch_prefix(["t", "a"], [PROVINCE])
    p.varint(1); p.varint(0); p.b += b"\x01\x02"; p.varint(1); p.varint(0); p.svarint(1); p.u8(0); p.varint(1); p.varint(1)
    p.u8(3); p.varint(LIMITS["maxTextBytes"] + 1); p.b += b"a" * (LIMITS["maxTextBytes"] + 1)
    p.b += FULL_STAMP; p.varint(0)
    invalid("122-text-over-limit", "text value of 1 MiB + 1 bytes (compressed frame)", compressed_raw("PUSH", bytes(p.b)), "LIMIT_EXCEEDED")
    p = batch_prefix(["t"], [PROVINCE])
    p.varint(1); p.varint(5)
    invalid("123-string-index-out-of-range", "change naming table index 5 of a 1-entry string table", raw("PUSH", bytes(p.b) + b"\x00" * 6), "INVALID_VALUE")
    p = batch_prefix(["t"], [PROVINCE])
    p.varint(1); p.varint(0); p.u8(9)
    invalid("124-unknown-value-tag", "key with value tag 9", raw("PUSH", bytes(p.b) + b"\x00" * 6), "INVALID_VALUE")
    p = batch_prefix(["t"], [PROVINCE])
    p.varint(1); p.varint(0); p.u8(2); p.b += bytes.fromhex("7ff8000000000000"); p.varint(0); p.u8(0); p.varint(0); p.varint(0)
    invalid("125-nan-real", "key holding a NaN real", raw("PUSH", bytes(p.b)), "INVALID_VALUE")
    p = batch_prefix(["t"], [PROVINCE, CENTRAL])
    p.varint(1); p.varint(0); p.u8(0); p.varint(2); p.varint(0); p.svarint(1); p.varint(1); p.svarint(1); p.u8(0); p.varint(0); p.varint(0)
    invalid("126-vector-not-ascending", "version vector listing the larger replica id first", raw("PUSH", bytes(p.b)), "INVALID_VALUE")
    p = batch_prefix(["t", "b", "a"], [PROVINCE])
    p.varint(1); p.varint(0); p.u8(0); p.varint(1); p.varint(0); p.svarint(1); p.u8(0); p.varint(2)
    p.varint(1); p.u8(0); p.b += FULL_STAMP
    p.varint(2); p.u8(0); p.b += b"\x00"
    p.varint(0)
    invalid("127-columns-not-sorted", "columns b then a", raw("PUSH", bytes(p.b)), "INVALID_VALUE")
    p = batch_prefix(["t"], [PROVINCE])
    p.varint(1); p.varint(0); p.u8(0); p.varint(1); p.varint(0); p.varint(0); p.u8(0); p.varint(0); p.varint(0)
    invalid("128-vector-zero-counter", "version vector entry with counter 0", raw("PUSH", bytes(p.b)), "INVALID_VALUE")
    p = batch_prefix(["t"], [PROVINCE])
    p.varint(1); p.varint(0); p.u8(0); p.varint(LIMITS["maxVectorEntries"] + 1); p.b += b"\x00\x01" * (LIMITS["maxVectorEntries"] + 1)
    invalid("129-vector-over-limit", "version vector of 1,025 entries", raw("PUSH", bytes(p.b)), "LIMIT_EXCEEDED")
    hello = bytearray(wire.encode_payload(HELLO))
    short = wire.encode_payload(dict(HELLO, clientNonce=CLIENT_NONCE[:18]))
    nonce_at = short.index(CLIENT_NONCE[:18]) - 1
    short = short[:nonce_at] + b"\x11" + CLIENT_NONCE[:17] + short[nonce_at + 19:]
    invalid("130-hello-nonce-too-short", "HELLO with a 17-byte client nonce", raw("HELLO", short), "INVALID_VALUE")
    invalid("131-auth-proof-short", "AUTH_PROOF with 31 bytes", raw("AUTH_PROOF", PROOF[:31]), "MALFORMED_PAYLOAD")
    ok = bytearray(wire.encode_payload({"type": "AUTH_OK", "serverSignature": SERVER_SIGNATURE, "role": "province",
                                        "tenant": TENANT, "acknowledgedCounter": 0, "pullCursor": 0}))
    ok[32] = 3
    invalid("132-auth-ok-unknown-role", "AUTH_OK with role 3", raw("AUTH_OK", bytes(ok)), "INVALID_VALUE")
    invalid("133-pull-zero-max", "PULL asking for 0 changes", raw("PULL", b"\x00\x00"), "INVALID_VALUE")
    p = batch_prefix(["t"], [PROVINCE])
    p.varint(1); p.varint(0); p.u8(4); p.varint(LIMITS["maxBlobBytes"] + 1)
    invalid("134-blob-over-limit", "key blob announcing 4 MiB + 1 bytes (limit checked before the bytes are read)",
            raw("PUSH", bytes(p.b)), "LIMIT_EXCEEDED")
    p = batch_prefix(["t", "t"], [PROVINCE])
    p.varint(0); p.varint(0)
    invalid("135-duplicate-string", "string table listing 't' twice", raw("PUSH", bytes(p.b)), "INVALID_VALUE")
    ch = bytearray(wire.encode_payload(CHALLENGE))
    low = wire.encode_payload(dict(CHALLENGE, iterations=4096)).replace(b"\x80\x20", b"\xff\x1f", 1)
    invalid("136-challenge-iterations-too-low", "CHALLENGE with 4,095 iterations", raw("CHALLENGE", low), "INVALID_VALUE")
    p = batch_prefix(["t"], [PROVINCE])
    p.varint(1); p.varint(0); p.u8(0); p.varint(0); p.u8(0); p.varint(LIMITS["maxColumns"] + 1); p.b += b"\x00" * 5 * 300
    invalid("137-columns-over-limit", "change with 257 columns", raw("PUSH", bytes(p.b)), "LIMIT_EXCEEDED")
    p = batch_prefix(["t"], [PROVINCE])
    p.varint(1); p.varint(0); p.u8(0); p.varint(1); p.varint(3); p.varint(1); p.u8(0); p.varint(0); p.varint(0)
    invalid("138-replica-index-out-of-range", "version vector naming replica index 3 of 1", raw("PUSH", bytes(p.b)), "INVALID_VALUE")
    p = batch_prefix([], [PROVINCE, PROVINCE])
    p.varint(0); p.varint(0)
    invalid("139-duplicate-replica", "replica table listing one id twice", raw("PUSH", bytes(p.b)), "INVALID_VALUE")
    p = batch_prefix(["t"], [PROVINCE])
    p.varint(1); p.varint(0); p.u8(0); p.varint(0); p.u8(7); p.varint(0); p.varint(0)
    invalid("140-unknown-existence-tag", "existence tag 7", raw("PUSH", bytes(p.b)), "INVALID_VALUE")
    invalid("141-changes-has-more-2", "CHANGES with hasMore = 2", raw("CHANGES", b"\x01\x00\x02\x00\x00\x00\x00"), "INVALID_VALUE")
    invalid("142-compressed-too-short", "compressed flag on a 3-byte payload", make_frame(MESSAGE_TYPES["PULL"], b"\x00\x00\x00", flags=1),
            "DECOMPRESSION_FAILED")
    p = batch_prefix(["t"], [PROVINCE])
    p.varint(1); p.varint(0); p.u8(0); p.varint(0); p.u8(1); p.u8(0); p.varint(0); p.varint(0)
    invalid("143-stamp-repeat-without-previous", "existence stamp 'same as previous' as the first stamp of the batch",
            raw("PUSH", bytes(p.b)), "INVALID_VALUE")
    p = batch_prefix(["t"], [PROVINCE])
    p.varint(1); p.varint(0); p.u8(0); p.varint(0); p.u8(1); p.varint(1); p.svarint(1 << 48); p.varint(0); p.varint(0)
    p.varint(0); p.varint(0)
    invalid("144-stamp-millis-over-48-bits", "a stamp whose clock milliseconds reach 2^48", raw("PUSH", bytes(p.b)), "INVALID_VALUE")
    p = batch_prefix(["t", "tên"], [PROVINCE])
    p.varint(0); p.varint(0)
    hello = bytearray(wire.encode_frame(HELLO))
    hello[16], hello[17] = 3, 2
    invalid("146-hello-min-version-over-max", "HELLO with minVersion 3 and maxVersion 2 (an empty range)",
            raw("HELLO", bytes(hello[16:])), "INVALID_VALUE")
    invalid("145-string-table-not-ascii", "string table entry 'tên' (table and column names are printable ASCII)",
            raw("PUSH", bytes(p.b)), "INVALID_VALUE")

    # ---- invalid file messages (SPEC §8, §11, §17) -------------------------------------------------
    def offer_payload(entries):
        x = w()
        x.varint(len(entries))
        for sha, size in entries:
            x.b += sha
            x.varint(size)
        return bytes(x.b)

    many_files = [(hashlib.sha256(b"photo %d" % i).digest(), 1000 + i) for i in range(LIMITS["maxFilesPerOffer"] + 1)]
    invalid("147-file-offer-257-files", "FILE_OFFER of 257 files, each entry complete (more than 256 per offer)",
            raw("FILE_OFFER", offer_payload(many_files)), "LIMIT_EXCEEDED")
    invalid("148-file-offer-size-zero", "FILE_OFFER of a file of 0 bytes",
            raw("FILE_OFFER", offer_payload([(PHOTO_SHA, 0)])), "INVALID_VALUE")
    invalid("149-file-want-state-3", "FILE_WANT entry with state 3",
            raw("FILE_WANT", b"\x01" + PHOTO_SHA + b"\x03"), "INVALID_VALUE")
    past = file_chunk(PHOTO, 1_048_576, 16)
    x = w()
    x.b += PHOTO_SHA; x.varint(len(PHOTO)); x.varint(1_048_577); x.lp(past["data"]); x.b += past["dataSHA256"]
    invalid("150-file-chunk-past-end", "FILE_CHUNK whose 16 bytes at offset 1,048,577 end one byte past the file's "
            "size 1,048,592", raw("FILE_CHUNK", bytes(x.b)), "INVALID_VALUE")
    ack = bytearray(wire.encode_payload({"type": "FILE_ACK", "sha256": PHOTO_SHA, "received": 16, "complete": True}))
    ack[-1] = 2
    invalid("151-file-ack-complete-2", "FILE_ACK with complete = 2", raw("FILE_ACK", bytes(ack)), "INVALID_VALUE")
    invalid("152-file-offer-size-over-limit", "FILE_OFFER of a file of 32 MiB + 1 bytes",
            raw("FILE_OFFER", offer_payload([(PHOTO_SHA, LIMITS["maxFileBytes"] + 1)])), "LIMIT_EXCEEDED")
    invalid("153-file-offer-no-files", "FILE_OFFER of 0 files", raw("FILE_OFFER", b"\x00"), "INVALID_VALUE")
    x = w()
    x.b += PDF_SHA; x.varint(len(PDF)); x.varint(0); x.varint(LIMITS["maxChunkBytes"] + 1)
    invalid("154-file-chunk-data-over-limit", "FILE_CHUNK announcing 1 MiB + 1 bytes of data (limit checked before the "
            "bytes are read)", raw("FILE_CHUNK", bytes(x.b)), "LIMIT_EXCEEDED")
    x = w()
    x.b += PDF_SHA; x.varint(len(PDF)); x.varint(0); x.lp(b""); x.b += hashlib.sha256(b"").digest()
    invalid("155-file-chunk-empty-data", "FILE_CHUNK with no data", raw("FILE_CHUNK", bytes(x.b)), "INVALID_VALUE")


def scram_vector():
    sp = scram.salted_password(SECRET, SALT, ITERATIONS)
    import hashlib, hmac
    ck = hmac.new(sp, b"Client Key", hashlib.sha256).digest()
    sk = hashlib.sha256(ck).digest()
    svk = hmac.new(sp, b"Server Key", hashlib.sha256).digest()
    am = scram.auth_message(HELLO, CHALLENGE)
    cs = hmac.new(sk, am, hashlib.sha256).digest()
    return {
        "description": "SCRAM-SHA-256 known answer: HELLO = 001-hello, CHALLENGE = 003-challenge, proof = 004, signature = 005",
        "secret": SECRET, "secretHex": SECRET.encode().hex(), "salt": SALT.hex(), "iterations": ITERATIONS,
        "hello": wire.to_json(HELLO), "challenge": wire.to_json(CHALLENGE),
        "saltedPassword": sp.hex(), "clientKey": ck.hex(), "storedKey": sk.hex(), "serverKey": svk.hex(),
        "authMessage": am.hex(), "clientSignature": cs.hex(), "clientProof": PROOF.hex(),
        "serverSignature": SERVER_SIGNATURE.hex(),
    }


def main():
    check = "--check" in sys.argv
    build()
    files = {f"{name}.json": data for name, data in vectors}
    files["scram/001-scram-sha-256.json"] = scram_vector()
    os.makedirs(os.path.join(OUT, "scram"), exist_ok=True)
    bad = []
    for rel, data in files.items():
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        path = os.path.join(OUT, rel)
        if check:
            if not os.path.exists(path) or open(path, encoding="utf-8").read() != text:
                bad.append(rel)
        else:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
    if check and bad:
        print("differs:", ", ".join(bad))
        sys.exit(1)
    print(f"{len(files)} vector files {'checked' if check else 'written'}")


if __name__ == "__main__":
    main()
