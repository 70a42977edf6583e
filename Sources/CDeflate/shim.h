#ifndef OCOP_CDEFLATE_SHIM_H
#define OCOP_CDEFLATE_SHIM_H
// libdeflate, for its CRC-32 only: the same checksum as zlib's, computed with the CPU's
// carry-less multiply where it has one (about seven times zlib's speed on a 1 MiB file chunk).
#include <libdeflate.h>
#endif
