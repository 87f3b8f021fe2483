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
	if (rid == NULL)
		log_rid[0] = '\0';
	else
		snprintf(log_rid, sizeof(log_rid), "%s", rid);
}

/* Quote a logfmt value: escape quotes, backslashes and control bytes. */
static void
log_quote(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20 || *s == 0x7f)
			fprintf(f, "\\x%02x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void
log_head(FILE *f, enum loglevel lvl, const char *fn)
{
	struct timeval	 tv;
	struct tm	 tm;
	char		 ts[32];

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(f, "ts=%s.%03ldZ level=%s app=%s pid=%ld", ts,
	    (long)tv.tv_usec / 1000, levels[lvl], log_name, (long)getpid());
	if (log_rid[0] != '\0')
		fprintf(f, " rid=%s", log_rid);
	fprintf(f, " fn=%s", fn);
}

static void	log_vemit(enum loglevel, const char *, int, const char *,
		    va_list) __attribute__((format(printf, 4, 0)));

static void
log_vemit(enum loglevel lvl, const char *fn, int err, const char *fmt,
    va_list ap)
{
	char	 msg[1024];
	int	 saved = errno;

	if (lvl < log_level)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (err) {
		size_t l = strlen(msg);
		snprintf(msg + l, sizeof(msg) - l, ": %s", strerror(saved));
	}
	log_head(stderr, lvl, fn);
	fputs(" msg=", stderr);
	log_quote(stderr, msg);
	fputc('\n', stderr);
	fflush(stderr);
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
	va_list	 ap;

	if (lvl < log_level)
		return;
	log_head(stderr, lvl, fn);
	fputc(' ', stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

/* The access line written once per request. */
void
log_access(const char *method, const char *path, int status, double ms,
    const char *who)
{
	if (LOGL_INFO < log_level)
		return;
	log_head(stderr, LOGL_INFO, "access");
	fprintf(stderr, " method=%s path=", method);
	log_quote(stderr, path);
	fprintf(stderr, " status=%d ms=%.2f who=", status, ms);
	log_quote(stderr, who);
	fputc('\n', stderr);
	fflush(stderr);
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
