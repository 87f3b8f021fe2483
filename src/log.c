/*
 * Logging in logfmt to stderr (spawn-fcgi leaves it on the supervisor's
 * log file): ts, level, pid, rid (request id), fn, msg. Never pass a
 * credential, token or key to these functions.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>

#include "extern.h"

static const char	*log_name = "agora";
static enum loglevel	 log_level = LOGL_INFO;
static char		 log_rid[33];	/* current request, or empty */
static long		 log_pid;	/* getpid() is a system call */

static const char *const levels[LOGL__MAX] = {
	[LOGL_DEBUG] = "debug",
	[LOGL_INFO] = "info",
	[LOGL_WARN] = "warn",
	[LOGL_ERR] = "error",
};

void
log_init(const char *name, enum loglevel lvl)
{
	log_name = name;
	log_level = lvl;
	log_pid = (long)getpid();
}

void
log_setlevel(enum loglevel lvl)
{
	log_level = lvl;
}

/* Tag the following lines with a request id (NULL clears it). */
void
log_reqid(const char *rid)
{
	size_t	 n;

	if (rid == NULL)
		rid = "";
	if ((n = strlen(rid)) >= sizeof(log_rid))
		n = sizeof(log_rid) - 1;
	memcpy(log_rid, rid, n);
	log_rid[n] = '\0';
}

/*
 * A log line is built in one buffer and written with one write(2), so
 * the lines of several workers sharing the log file never interleave
 * (O_APPEND writes of a line are atomic). A line longer than the buffer
 * is cut, and says so.
 */
#define LINE_MAX_BYTES	4096

struct line {
	char	 b[LINE_MAX_BYTES];
	size_t	 n;
	int	 cut;
};

static void	line_printf(struct line *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	line_vprintf(struct line *, const char *, va_list)
		    __attribute__((format(printf, 2, 0)));

static void
line_vprintf(struct line *l, const char *fmt, va_list ap)
{
	size_t	 room = sizeof(l->b) - 1 - l->n;	/* keep one for '\n' */
	int	 w;

	if (l->cut)
		return;
	w = vsnprintf(l->b + l->n, room + 1, fmt, ap);
	if (w < 0)
		return;
	if ((size_t)w > room) {
		l->n += room;
		l->cut = 1;
	} else
		l->n += (size_t)w;
}

static void
line_printf(struct line *l, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	line_vprintf(l, fmt, ap);
	va_end(ap);
}

static void
line_putc(struct line *l, char c)
{
	if (l->cut)
		return;
	if (l->n + 1 >= sizeof(l->b)) {
		l->cut = 1;
		return;
	}
	l->b[l->n++] = c;
}

/* Append s as it is (the fields of a line are put, not formatted). */
static void
line_puts(struct line *l, const char *s)
{
	size_t	 n = strlen(s), room = sizeof(l->b) - 1 - l->n;

	if (l->cut)
		return;
	if (n > room) {
		n = room;
		l->cut = 1;
	}
	memcpy(l->b + l->n, s, n);
	l->n += n;
}

/* Append v in decimal, at least width digits (zeros in front). */
static void
line_putu(struct line *l, unsigned long long v, int width)
{
	char	 d[DEC_MAX + 1];
	size_t	 i = dec_digits(d, v, width);

	d[DEC_MAX] = '\0';
	line_puts(l, d + i);
}

/* Quote a logfmt value: escape quotes, backslashes and control bytes. */
static void
line_quote(struct line *l, const char *s)
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 c;

	line_putc(l, '"');
	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			line_putc(l, '\\');
			line_putc(l, (char)c);
		} else if (c < 0x20 || c == 0x7f) {
			line_putc(l, '\\');
			line_putc(l, 'x');
			line_putc(l, hex[c >> 4]);
			line_putc(l, hex[c & 0xf]);
		} else
			line_putc(l, (char)c);
	}
	line_putc(l, '"');
}

/*
 * The line's first fields. The date is formatted once a second and the
 * pid taken once (log_init; a forked child that logs calls it again),
 * not once a line.
 */
static void
line_head(struct line *l, enum loglevel lvl, const char *fn)
{
	static time_t	 sec = -1;	/* the second ts holds */
	static char	 ts[32];
	struct timeval	 tv;
	struct tm	 tm;

	l->n = 0;
	l->cut = 0;
	gettimeofday(&tv, NULL);
	if (tv.tv_sec != sec) {
		gmtime_r(&tv.tv_sec, &tm);
		strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
		sec = tv.tv_sec;
	}
	if (log_pid == 0)
		log_pid = (long)getpid();
	line_puts(l, "ts=");
	line_puts(l, ts);
	line_putc(l, '.');
	line_putu(l, (unsigned long long)tv.tv_usec / 1000, 3);
	line_puts(l, "Z level=");
	line_puts(l, levels[lvl]);
	line_puts(l, " app=");
	line_puts(l, log_name);
	line_puts(l, " pid=");
	line_putu(l, (unsigned long long)log_pid, 1);
	if (log_rid[0] != '\0') {
		line_puts(l, " rid=");
		line_puts(l, log_rid);
	}
	line_puts(l, " fn=");
	line_puts(l, fn);
}

/* End the line and write it with one write(2), retried on EINTR. */
static void
line_write(struct line *l)
{
	const char	*p;
	size_t		 left;
	ssize_t		 w;

	if (l->cut) {
		static const char	 more[] = " cut=1";

		/* Room for the mark and the newline. */
		if (l->n > sizeof(l->b) - sizeof(more))
			l->n = sizeof(l->b) - sizeof(more);
		memcpy(l->b + l->n, more, sizeof(more) - 1);
		l->n += sizeof(more) - 1;
	}
	l->b[l->n++] = '\n';
	for (p = l->b, left = l->n; left > 0; p += w, left -= (size_t)w)
		if ((w = write(STDERR_FILENO, p, left)) == -1) {
			if (errno == EINTR) {
				w = 0;
				continue;
			}
			return;
		}
}

static void	log_vemit(enum loglevel, const char *, int, const char *,
		    va_list) __attribute__((format(printf, 4, 0)));

static void
log_vemit(enum loglevel lvl, const char *fn, int err, const char *fmt,
    va_list ap)
{
	struct line	 l;
	char		 msg[1024];
	int		 saved = errno;

	if (lvl < log_level)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (err) {
		size_t n = strlen(msg);
		snprintf(msg + n, sizeof(msg) - n, ": %s", strerror(saved));
	}
	line_head(&l, lvl, fn);
	line_printf(&l, " msg=");
	line_quote(&l, msg);
	line_write(&l);
	errno = saved;
}

/* One line at lvl; err appends strerror(errno). */
void
log_emit(enum loglevel lvl, const char *fn, int err, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vemit(lvl, fn, err, fmt, ap);
	va_end(ap);
}

/*
 * One line whose key=value fields are already formatted by the caller
 * (the access log: method, path, status, duration).
 */
void
log_fields(enum loglevel lvl, const char *fn, const char *fmt, ...)
{
	struct line	 l;
	va_list		 ap;

	if (lvl < log_level)
		return;
	line_head(&l, lvl, fn);
	line_putc(&l, ' ');
	va_start(ap, fmt);
	line_vprintf(&l, fmt, ap);
	va_end(ap);
	line_write(&l);
}

/*
 * The access line written once per request; cache is the answer cache's
 * part in it ("hit", "miss", "etag") or NULL.
 */
void
log_access(const char *method, const char *path, int status, double ms,
    const char *who, const char *cache)
{
	struct line		 l;
	unsigned long long	 cs;

	if (LOGL_INFO < log_level)
		return;
	/* Hundredths of a millisecond, rounded. */
	cs = ms > 0 ? (unsigned long long)(ms * 100.0 + 0.5) : 0;
	line_head(&l, LOGL_INFO, "access");
	line_puts(&l, " method=");
	line_puts(&l, method);
	line_puts(&l, " path=");
	line_quote(&l, path);
	line_puts(&l, " status=");
	line_putu(&l, status > 0 ? (unsigned long long)status : 0, 1);
	line_puts(&l, " ms=");
	line_putu(&l, cs / 100, 1);
	line_putc(&l, '.');
	line_putu(&l, cs % 100, 2);
	line_puts(&l, " who=");
	line_quote(&l, who);
	if (cache != NULL) {
		struct cache_stats	 st;

		cache_stats(&st);
		line_puts(&l, " cache=");
		line_puts(&l, cache);
		line_puts(&l, " cache_bytes=");
		line_putu(&l, st.used, 1);
		line_puts(&l, " cache_entries=");
		line_putu(&l, st.entries, 1);
	}
	line_write(&l);
}

/* Drain OpenSSL's error queue into the log. */
void
log_openssl(const char *fn)
{
	unsigned long	 e;
	char		 buf[256];

	while ((e = ERR_get_error()) != 0) {
		ERR_error_string_n(e, buf, sizeof(buf));
		log_emit(LOGL_WARN, fn, 0, "openssl: %s", buf);
	}
}

void
fatal_emit(const char *fn, int err, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vemit(LOGL_ERR, fn, err, fmt, ap);
	va_end(ap);
	exit(1);
}
