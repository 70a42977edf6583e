#ifndef OCOP_CVIPS_SHIM_H
#define OCOP_CVIPS_SHIM_H
// The system's libvips (Debian libvips-dev): web-sized copies of attached photos, decoded by a
// library that is fuzzed and maintained for hostile input, not by code written here.
//
// Declared here rather than through <vips/vips.h>: that header needs glib's and a dozen other
// libraries' include paths, which only pkg-config knows (and SwiftPM rejects its -pthread). These
// are libvips' stable C API (8.x), as /usr/include/vips declares it. Its functions take named
// options as varargs, which Swift cannot call: the inline wrappers fix the options we use.
#include <stddef.h>

typedef struct _VipsImage VipsImage;
typedef struct _VipsArea VipsArea;
typedef VipsArea VipsArrayDouble;

int vips_init(const char *argv0);
void vips_block_untrusted_set(int state);
void vips_cache_set_max(int max);
void vips_concurrency_set(int concurrency);
VipsImage *vips_image_new_from_buffer(const void *buf, size_t len, const char *option_string, ...);
int vips_image_get_width(const VipsImage *image);
int vips_image_get_height(const VipsImage *image);
int vips_image_hasalpha(VipsImage *image);
int vips_thumbnail_buffer(void *buf, size_t len, VipsImage **out, int width, ...);
int vips_flatten(VipsImage *in, VipsImage **out, ...);
int vips_jpegsave_buffer(VipsImage *in, void **buf, size_t *len, ...);
VipsArrayDouble *vips_array_double_newv(int n, ...);
void vips_area_unref(VipsArea *area);
const char *vips_error_buffer(void);
void vips_error_clear(void);
void g_object_unref(void *object);
char *g_strdup(const char *text);
void g_free(void *pointer);
typedef struct { const char *key; const void *value; long length; } GLogField;
typedef int (*GLogWriterFunc)(int level, const GLogField *fields, size_t count, void *data);
void g_log_set_writer_func(GLogWriterFunc writer, void *data, void (*destroy)(void *data));
int g_log_writer_default(int level, const GLogField *fields, size_t count, void *data);
enum { OCOP_G_LOG_LEVEL_WARNING = 1 << 4, OCOP_G_LOG_WRITER_HANDLED = 1 };

/// libvips' warnings (a truncated file's "not enough data", once per row) are dropped: the
/// error that follows says what the caller needs. Everything else goes where glib sends it.
static int ocop_vips_log_writer(int level, const GLogField *fields, size_t count, void *data) {
    if (level & OCOP_G_LOG_LEVEL_WARNING) {
        for (size_t index = 0; index < count; index++) {
            const char *key = fields[index].key, *value = (const char *)fields[index].value;
            if (key && value && key[0] == 'G' && __builtin_strcmp(key, "GLIB_DOMAIN") == 0 && __builtin_strcmp(value, "VIPS") == 0)
                return OCOP_G_LOG_WRITER_HANDLED;
        }
    }
    return g_log_writer_default(level, fields, count, data);
}

// Enumeration values as <vips/image.h>, <vips/resample.h> and <vips/foreign.h> number them.
enum { OCOP_VIPS_ACCESS_SEQUENTIAL = 1, OCOP_VIPS_SIZE_DOWN = 2 };

/// Starts libvips once per process; loaders not meant for untrusted input (ImageMagick,
/// MATLAB, …) are blocked; no operation cache; one worker thread per image. 0 on success.
static inline int ocop_vips_start(void) {
    if (vips_init("ocop")) return -1;
    g_log_set_writer_func(ocop_vips_log_writer, NULL, NULL);
    vips_block_untrusted_set(1);
    vips_cache_set_max(0);
    vips_concurrency_set(1);
    return 0;
}

/// Reads only the header of the image in `data`: its size in pixels. 0 on success.
static inline int ocop_vips_dimensions(const void *data, size_t length, int *width, int *height) {
    VipsImage *image = vips_image_new_from_buffer(data, length, "", "access", OCOP_VIPS_ACCESS_SEQUENTIAL, NULL);
    if (!image) return -1;
    *width = vips_image_get_width(image);
    *height = vips_image_get_height(image);
    g_object_unref(image);
    return 0;
}

/// A JPEG of the image in `data` whose longest side is at most `size` pixels (never enlarged),
/// alpha flattened onto white, metadata stripped. The caller frees `*output` with
/// `ocop_vips_free`. 0 on success.
static inline int ocop_vips_web_jpeg(const void *data, size_t length, int size, int quality, void **output, size_t *output_length) {
    VipsImage *thumbnail = NULL;
    // The loader's own option: a truncated or damaged file is an error, not a grey picture.
    if (vips_thumbnail_buffer((void *)data, length, &thumbnail, size, "size", OCOP_VIPS_SIZE_DOWN,
                              "option_string", "fail_on=truncated", NULL))
        return -1;
    VipsImage *flat = thumbnail;
    if (vips_image_hasalpha(thumbnail)) {
        VipsArrayDouble *white = vips_array_double_newv(1, 255.0);
        int failed = vips_flatten(thumbnail, &flat, "background", white, NULL);
        vips_area_unref(white);
        g_object_unref(thumbnail);
        if (failed) return -1;
    }
    int failed = vips_jpegsave_buffer(flat, output, output_length, "Q", quality, "strip", 1, "interlace", 1, NULL);
    g_object_unref(flat);
    return failed ? -1 : 0;
}

/// libvips' description of the last error, then cleared; free it with `ocop_vips_free`.
static inline char *ocop_vips_take_error(void) {
    char *message = g_strdup(vips_error_buffer());
    vips_error_clear();
    return message;
}

static inline void ocop_vips_free(void *pointer) { g_free(pointer); }

#endif
