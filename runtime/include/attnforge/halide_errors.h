/* The text of the last error the shared Halide runtime reported.
 *
 * libattnforge installs a Halide error handler when it loads; it keeps the
 * message on the calling thread instead of printing it, so a plugin (and the
 * runtime's call bridge) can put the real cause into the error it returns.
 * Errors raised inside a Halide parallel loop are reported on a worker thread
 * and so are not seen here; the failing call still returns its error code.
 */
#ifndef ATTNFORGE_HALIDE_ERRORS_H
#define ATTNFORGE_HALIDE_ERRORS_H

#ifdef __cplusplus
extern "C" {
#endif

/* "" when there was none since the last clear; the pointer stays valid until
 * the next Halide error or clear on this thread. */
const char *attnforge_last_halide_error(void);
void attnforge_clear_halide_error(void);

#ifdef __cplusplus
}
#endif

#endif /* ATTNFORGE_HALIDE_ERRORS_H */
