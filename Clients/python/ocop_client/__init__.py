"""OCOP Sync wire protocol client (Python standard library only).

Modules: ``wire`` (frames and messages), ``scram`` (authentication), ``session`` (a socket client).
The protocol is specified in ``Protocol/SPEC.md`` of the OCOP Sync repository.
"""
from .wire import (  # noqa: F401
    WireError, FrameDecoder, encode_frame, decode_frames, to_json, from_json, LIMITS, ERROR_CODES,
)
