/* msg: the three stderr helpers, with one fixed prefix. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "msg.h"

int msg_verbosity;

static bool progress_shown;     /* a progress line sits on stderr, unterminated */

static void clear_progress(void)
{
	if (progress_shown)
		fputs("\r\033[K", stderr);
	progress_shown = false;
}

__attribute__((format(printf, 2, 0)))
static void emit(const char *prefix, const char *fmt, va_list ap)
{
	clear_progress();
	fputs("hashtrack: ", stderr);
	fputs(prefix, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("", fmt, ap);
	va_end(ap);
	return -1;
}

void warn(const char *fmt, ...)
{
	va_list ap;

	if (msg_verbosity < 0)
		return;
	va_start(ap, fmt);
	emit("warning: ", fmt, ap);
	va_end(ap);
}

void info(const char *fmt, ...)
{
	va_list ap;

	if (msg_verbosity < 0)
		return;
	va_start(ap, fmt);
	emit("", fmt, ap);
	va_end(ap);
}

void note(const char *fmt, ...)
{
	va_list ap;

	if (msg_verbosity < 1)
		return;
	va_start(ap, fmt);
	emit("", fmt, ap);
	va_end(ap);
}

void progress(const char *fmt, ...)
{
	va_list ap;

	clear_progress();
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	progress_shown = true;
}

void progress_end(void)
{
	if (progress_shown)
		fputc('\n', stderr);
	progress_shown = false;
}
