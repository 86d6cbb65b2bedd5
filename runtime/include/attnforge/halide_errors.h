/* The text of the last error the shared Halide runtime reported.
 *
 * libattnforge installs a Halide error handler when it loads; it keeps the
 * message on the calling thread instead of printing it, so a plugin (and the
 * runtime's call bridge) can put the real cause into the error it returns.
 * Errors raised inside a Halide parallel loop are reported on a worker thread;
 * to see those, a caller passes an attnforge_halide_error_sink as the
 * pipeline's user_context (the kernels are built with Halide's user_context
 * feature), and the handler writes into it from whichever thread fails.
 */
#ifndef ATTNFORGE_HALIDE_ERRORS_H
#define ATTNFORGE_HALIDE_ERRORS_H

#ifdef __cplusplus
extern "C" {
#endif

enum { ATTNFORGE_HALIDE_ERROR_CAPACITY = 1024 };
#define ATTNFORGE_HALIDE_ERROR_SINK_TAG 0x6b6e6973726f7272ULL /* "rrorsink" */

/* One pipeline call's error. Set `tag` to ATTNFORGE_HALIDE_ERROR_SINK_TAG and
 * the rest to zero, pass its address as the call's user_context, and read
 * `message` after the call: the first error any thread raised during the
 * call, "" if none. The handler writes only into a context that carries the
 * tag, so a pipeline that uses user_context for something else is left alone. */
typedef struct attnforge_halide_error_sink {
  unsigned long long tag;
  int claimed; /* set, atomically, by the first error */
  char message[ATTNFORGE_HALIDE_ERROR_CAPACITY];
} attnforge_halide_error_sink;

/* "" when there was none since the last clear; the pointer stays valid until
 * the next Halide error or clear on this thread. */
const char *attnforge_last_halide_error(void);
void attnforge_clear_halide_error(void);

#ifdef __cplusplus
}
#endif

#endif /* ATTNFORGE_HALIDE_ERRORS_H */
