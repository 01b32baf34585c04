/* msg: every message that is not a report goes through these, to stderr. */
#ifndef HASHTRACK_MSG_H
#define HASHTRACK_MSG_H

/* -1 quiet, 0 normal, 1 verbose; set once by main from -q / -v. */
extern int msg_verbosity;

/* "hashtrack: <text>" to stderr; error() returns -1 so callers can `return error(...)`. */
int error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Unless -q: something the user should see, not a warning. */
void info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Only with -v. */
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * A status line on a terminal's stderr, redrawn in place; the messages above
 * clear it first so they never share its line. progress_end() finishes it.
 */
void progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void progress_end(void);

#endif
