"""FILE_OFFER, FILE_WANT, FILE_CHUNK, FILE_ACK and FILE_REFUSED (SPEC §8, §11, §12, §17): the
vectors in both directions, and the limits the encoder refuses to break."""
import hashlib
import json
import os
import unittest

from ocop_client import wire

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
VECTORS = os.path.join(ROOT, "Protocol", "vectors")

VALID = ["042-file-offer-two-files", "043-file-want-stored-wanted-refused", "044-file-chunk-last-16-bytes",
         "045-file-ack-complete", "046-file-ack-partial", "047-error-file-refused", "048-file-chunk-not-compressed"]
INVALID = {"147-file-offer-257-files": "LIMIT_EXCEEDED", "148-file-offer-size-zero": "INVALID_VALUE",
           "149-file-want-state-3": "INVALID_VALUE", "150-file-chunk-past-end": "INVALID_VALUE",
           "151-file-ack-complete-2": "INVALID_VALUE", "152-file-offer-size-over-limit": "LIMIT_EXCEEDED",
           "153-file-offer-no-files": "INVALID_VALUE", "154-file-chunk-data-over-limit": "LIMIT_EXCEEDED",
           "155-file-chunk-empty-data": "INVALID_VALUE"}

SHA = hashlib.sha256(b"photo").digest()
MiB = 1024 * 1024


def load(name):
    with open(os.path.join(VECTORS, name + ".json"), encoding="utf-8") as f:
        return json.load(f)


def chunk(data, size=None, offset=0, sha=SHA):
    return {"type": "FILE_CHUNK", "sha256": sha, "size": len(data) if size is None else size, "offset": offset,
            "data": data, "dataSHA256": hashlib.sha256(data).digest()}


class FileVectorTests(unittest.TestCase):
    def test_valid_vectors_round_trip(self):
        for name in VALID:
            with self.subTest(vector=name):
                v = load(name)
                data = bytes.fromhex(v["hex"])
                message = wire.from_json(v["message"])
                self.assertEqual(wire.decode_frames(data), [message])
                self.assertEqual(wire.to_json(message), v["message"])
                self.assertEqual(wire.encode_frame(message), data)

    def test_invalid_vectors_fail_with_their_code(self):
        for name, error in INVALID.items():
            with self.subTest(vector=name):
                v = load(name)
                self.assertEqual(v["error"]["name"], error)
                with self.assertRaises(wire.WireError) as caught:
                    wire.decode_frames(bytes.fromhex(v["hex"]))
                self.assertEqual(caught.exception.name, error)
                self.assertFalse(caught.exception.closes_connection)  # payload errors: the stream goes on

    def test_json_mapping(self):
        want = wire.from_json(load("043-file-want-stored-wanted-refused")["message"])
        stored, wanted, refused = want["files"]
        self.assertEqual(set(stored), {"sha256", "state"})
        self.assertEqual(wanted["received"], 1_048_576)
        self.assertEqual(set(refused), {"sha256", "state", "reason", "message"})
        self.assertEqual(refused["reason"], 1)
        self.assertIsInstance(stored["sha256"], bytes)
        j = load("044-file-chunk-last-16-bytes")["message"]
        self.assertEqual((j["size"], j["offset"]), ("1048592", "1048576"))
        self.assertEqual(hashlib.sha256(bytes.fromhex(j["data"])).hexdigest(), j["dataSHA256"])
        self.assertIs(load("046-file-ack-partial")["message"]["complete"], False)

    def test_the_chunk_and_acks_continue_the_offer(self):
        offer = wire.from_json(load("042-file-offer-two-files")["message"])
        photo = offer["files"][0]
        c = wire.from_json(load("044-file-chunk-last-16-bytes")["message"])
        self.assertEqual((c["sha256"], c["size"]), (photo["sha256"], photo["size"]))
        self.assertEqual(c["offset"] + len(c["data"]), c["size"])
        ack = wire.from_json(load("045-file-ack-complete")["message"])
        self.assertEqual((ack["sha256"], ack["received"], ack["complete"]), (photo["sha256"], photo["size"], True))

    def test_file_chunk_is_never_compressed(self):
        frame = bytes.fromhex(load("048-file-chunk-not-compressed")["hex"])
        self.assertEqual(frame[6], 0)
        self.assertGreaterEqual(len(frame) - 16, wire.COMPRESSION_THRESHOLD)
        big = wire.encode_frame(chunk(bytes(MiB)))  # a megabyte of zeros would deflate to almost nothing
        self.assertEqual(big[6], 0)
        self.assertEqual(wire.decode_frames(big)[0]["data"], bytes(MiB))


class FileRefusedTests(unittest.TestCase):
    def test_file_refused_is_a_continuing_session_error(self):
        self.assertEqual(wire.ERROR_CODES["FILE_REFUSED"], 0x0106)
        self.assertEqual(wire.ERROR_NAMES[0x0106], "FILE_REFUSED")
        self.assertIn("FILE_REFUSED", wire.CONTINUABLE)
        message = wire.from_json(load("047-error-file-refused")["message"])
        self.assertEqual(message["code"], 0x0106)
        self.assertEqual(message["detail"], "frame 7: FILE_CHUNK.dataSHA256")

    def test_frames_after_a_bad_file_message_still_decode(self):
        bad = bytes.fromhex(load("151-file-ack-complete-2")["hex"])
        good = load("045-file-ack-complete")
        d = wire.FrameDecoder()
        d.feed(bad + bytes.fromhex(good["hex"]))
        with self.assertRaises(wire.WireError):
            d.next()
        self.assertEqual(d.next(), wire.from_json(good["message"]))


class FileEncodeLimitTests(unittest.TestCase):
    def refused(self, message, error, field):
        with self.assertRaises(wire.WireError) as caught:
            wire.encode_frame(message)
        self.assertEqual(caught.exception.name, error, str(caught.exception))
        self.assertEqual(caught.exception.field, field)

    def test_file_offer(self):
        def offer(files):
            return {"type": "FILE_OFFER", "files": files}
        one = {"sha256": SHA, "size": 1}
        wire.encode_frame(offer([one] * 256))
        self.refused(offer([one] * 257), "LIMIT_EXCEEDED", "FILE_OFFER.files")
        self.refused(offer([]), "INVALID_VALUE", "FILE_OFFER.files")
        self.refused(offer([one, dict(one, size=0)]), "INVALID_VALUE", "FILE_OFFER.files[1].size")
        wire.encode_frame(offer([dict(one, size=32 * MiB)]))
        self.refused(offer([dict(one, size=32 * MiB + 1)]), "LIMIT_EXCEEDED", "FILE_OFFER.files[0].size")
        self.refused(offer([dict(one, sha256=SHA[:31])]), "INVALID_VALUE", "FILE_OFFER.files[0].sha256")
        self.refused(offer([dict(one, sha256=SHA + b"\x00")]), "INVALID_VALUE", "FILE_OFFER.files[0].sha256")

    def test_file_want(self):
        def want(files):
            return {"type": "FILE_WANT", "files": files}
        stored = {"sha256": SHA, "state": "stored"}
        wire.encode_frame(want([stored] * 256))
        self.refused(want([stored] * 257), "LIMIT_EXCEEDED", "FILE_WANT.files")
        self.refused(want([]), "INVALID_VALUE", "FILE_WANT.files")
        self.refused(want([dict(stored, state="lost")]), "INVALID_VALUE", "FILE_WANT.files[0].state")
        self.refused(want([dict(stored, state=3)]), "INVALID_VALUE", "FILE_WANT.files[0].state")
        self.refused(want([dict(stored, sha256=b"")]), "INVALID_VALUE", "FILE_WANT.files[0].sha256")
        refused = {"sha256": SHA, "state": "refused", "reason": 2, "message": "quota"}
        wire.encode_frame(want([dict(refused, reason=0xFFFF, message="ạ" * 1365)]))  # 4,095 bytes
        self.refused(want([dict(refused, reason=0x10000)]), "INVALID_VALUE", "FILE_WANT.files[0].reason")
        self.refused(want([dict(refused, message="x" * 4097)]), "LIMIT_EXCEEDED", "FILE_WANT.files[0].message")

    def test_file_want_entries_carry_only_their_state_s_fields(self):
        message = {"type": "FILE_WANT", "files": [
            {"sha256": SHA, "state": "stored", "received": 5},
            {"sha256": SHA, "state": "wanted", "received": 5, "reason": 1}]}
        decoded = wire.decode_frames(wire.encode_frame(message))[0]
        self.assertEqual(decoded["files"], [{"sha256": SHA, "state": "stored"},
                                            {"sha256": SHA, "state": "wanted", "received": 5}])

    def test_file_chunk(self):
        wire.encode_frame(chunk(b"x" * MiB))
        wire.encode_frame(chunk(b"x" * 16, size=32 * MiB, offset=32 * MiB - 16))
        self.refused(chunk(b"x" * (MiB + 1)), "LIMIT_EXCEEDED", "FILE_CHUNK.data")
        self.refused(chunk(b"", size=10), "INVALID_VALUE", "FILE_CHUNK.data")
        self.refused(chunk(b"x" * 16, size=16, offset=1), "INVALID_VALUE", "FILE_CHUNK.data")
        self.refused(chunk(b"x" * 16, size=10), "INVALID_VALUE", "FILE_CHUNK.data")
        self.refused(chunk(b"x", size=0), "INVALID_VALUE", "FILE_CHUNK.size")
        self.refused(chunk(b"x", size=32 * MiB + 1), "LIMIT_EXCEEDED", "FILE_CHUNK.size")
        self.refused(chunk(b"x", sha=SHA[:16]), "INVALID_VALUE", "FILE_CHUNK.sha256")
        self.refused(dict(chunk(b"x"), dataSHA256=b"\x00" * 31), "INVALID_VALUE", "FILE_CHUNK.dataSHA256")

    def test_file_chunk_data_hash_is_not_the_codec_s_business(self):
        # A damaged chunk decodes: the server checks dataSHA256 and answers FILE_REFUSED (§17).
        damaged = dict(chunk(b"abc"), dataSHA256=hashlib.sha256(b"abd").digest())
        self.assertEqual(wire.decode_frames(wire.encode_frame(damaged)), [damaged])

    def test_file_ack(self):
        ack = {"type": "FILE_ACK", "sha256": SHA, "received": 7, "complete": False}
        for complete in (True, False, 0, 1):
            wire.encode_frame(dict(ack, complete=complete))
        self.refused(dict(ack, complete=2), "INVALID_VALUE", "FILE_ACK.complete")
        self.refused(dict(ack, complete="yes"), "INVALID_VALUE", "FILE_ACK.complete")
        self.refused(dict(ack, sha256=SHA[:-1]), "INVALID_VALUE", "FILE_ACK.sha256")
        self.assertEqual(wire.decode_frames(wire.encode_frame(dict(ack, received=(1 << 64) - 1, complete=1)))[0],
                         dict(ack, received=(1 << 64) - 1, complete=True))


class FileDecodeTests(unittest.TestCase):
    def decode_error(self, type_name, payload):
        with self.assertRaises(wire.WireError) as caught:
            wire.decode_frames(wire.make_frame(wire.MESSAGE_TYPES[type_name], payload))
        return caught.exception

    def test_counts_are_checked_before_allocation(self):
        self.assertEqual(self.decode_error("FILE_WANT", b"\x81\x02" + b"\x00" * 33).name, "LIMIT_EXCEEDED")
        e = self.decode_error("FILE_OFFER", b"\x02" + SHA + b"\x01")  # 2 files in 33 bytes
        self.assertEqual((e.name, e.field), ("MALFORMED_PAYLOAD", "FILE_OFFER.files"))
        self.assertEqual(self.decode_error("FILE_WANT", b"\x00").name, "INVALID_VALUE")

    def test_unknown_refusal_reasons_are_accepted(self):
        payload = b"\x01" + SHA + b"\x02" + b"\xe7\x07" + b"\x00"  # reason 999, empty message
        self.assertEqual(wire.decode_frames(wire.make_frame(0x21, payload))[0]["files"],
                         [{"sha256": SHA, "state": "refused", "reason": 999, "message": ""}])
        self.assertEqual(self.decode_error("FILE_WANT", b"\x01" + SHA + b"\x02\x80\x80\x04\x00").name, "INVALID_VALUE")

    def test_truncated_and_trailing(self):
        self.assertEqual(self.decode_error("FILE_ACK", SHA + b"\x01").name, "MALFORMED_PAYLOAD")
        self.assertEqual(self.decode_error("FILE_ACK", SHA + b"\x01\x01\x00").name, "MALFORMED_PAYLOAD")
        body = wire.encode_payload(chunk(b"abc"))
        self.assertEqual(self.decode_error("FILE_CHUNK", body[:-1]).name, "MALFORMED_PAYLOAD")


if __name__ == "__main__":
    unittest.main()
