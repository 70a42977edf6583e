#ifndef OCOP_CZLIB_SHIM_H
#define OCOP_CZLIB_SHIM_H
#include <zlib.h>

// deflateInit/inflateInit are macros; Swift cannot call them, so wrap them.
static inline int ocop_deflateInit2(z_streamp strm, int level, int windowBits) {
    return deflateInit2(strm, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}
static inline int ocop_inflateInit2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}
#endif
