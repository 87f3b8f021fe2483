/*
 * Progress of long agoractl work (seed, hub-keys, audit export) on
 * standard error, redrawn in place at most ten times a second, and only
 * when standard error is a terminal: scripts and pipes see nothing.
 */
#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "extern.h"

/* Monotonic seconds. */
static double
progress_now(void)
{
	return (double)mono_us() / 1e6;
}

/* Redraw the line in place: count, total and percentage when known. */
static void
progress_show(struct progress *p)
{
	double	 t = progress_now() - p->t0;

	if (p->total > 0)
		fprintf(stderr, "\r%s: %lld/%lld (%lld%%) %.1fs\033[K",
		    p->what, p->done, p->total, p->done * 100 / p->total, t);
	else
		fprintf(stderr, "\r%s: %lld %.1fs\033[K", p->what, p->done, t);
	fflush(stderr);
	p->shown = 1;
}

/* Start counting work called what, of total units (0: unknown). */
void
progress_init(struct progress *p, const char *what, long long total)
{
	p->what = what;
	p->total = total;
	p->done = 0;
	p->shown = 0;
	p->on = isatty(STDERR_FILENO);
	p->t0 = p->last = progress_now();
}

/* n more units done; redraws when a tenth of a second has passed. */
void
progress_step(struct progress *p, long long n)
{
	double	 t;

	p->done += n;
	if (!p->on)
		return;
	if ((t = progress_now()) - p->last < 0.1)
		return;
	p->last = t;
	progress_show(p);
}

/* The final count on its own line (on a terminal only). */
void
progress_done(struct progress *p)
{
	if (!p->on)
		return;
	progress_show(p);
	fputc('\n', stderr);
}
