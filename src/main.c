/*
 * agora-fcgi: one FastCGI worker. spawn-fcgi hands it the listening
 * socket on fd 0; multiwatch runs several and replaces any that die.
 * SIGTERM while idle exits at once; during a request, after it.
 */
#include "config.h"

#include <signal.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "extern.h"

static volatile sig_atomic_t	 busy;
static volatile sig_atomic_t	 quit;

static void
on_term(int sig)
{
	(void)sig;
	if (!busy)
		_exit(0);
	quit = 1;
}

int
main(int argc, char *argv[])
{
	struct conf		 conf;
	struct sigaction	 sa;
	struct db		*db;
	struct req		 r;
	FCGX_Request		 fr;
	char			 err[256];
	long long		 t0;
	double			 ms;
	int			 st, ch;
	const char		*path = NULL;

	while ((ch = getopt(argc, argv, "c:")) != -1)
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		default:
			fprintf(stderr, "usage: agora-fcgi [-c conf]\n");
			return 2;
		}
	if (path == NULL)
		path = conf_path();
	log_init("agora-fcgi", LOGL_INFO);
	if (conf_load(path, &conf, err, sizeof(err)) == -1)
		fatalx("%s: %s", path, err);
	log_setlevel(conf.log_level);

	if (FCGX_Init() != 0)
		fatalx("FCGX_Init");
	if (FCGX_InitRequest(&fr, 0, 0) != 0)
		fatalx("FCGX_InitRequest");

	/* After libfcgi's own handlers: ours decide when to stop. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	/*
	 * If multiwatch dies, stop too (after the request in flight), so
	 * the supervisor can bind the socket again instead of leaving
	 * orphans serving without a watcher.
	 */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1)
		log_warn("prctl");

	cache_init((size_t)conf.cache_bytes);
	if (metrics_open(conf.metrics_file, 1) == 0)
		metrics_inc(MX_WORKER_STARTS);
	db = db_open(&conf, 0);
	log_info("worker ready");

	while (!quit && FCGX_Accept_r(&fr) >= 0) {
		busy = 1;
		t0 = mono_us();
		req_init(&r, &fr, &conf, db);
		if ((st = req_read(&r)) != 0)
			st = reply_error(&r, st);
		else
			st = route_dispatch(&r);
		ms = (double)(mono_us() - t0) / 1000.0;
		metrics_request(&r, st, ms);
		/*
		 * libfcgi holds the answer until the request ends: end it
		 * before the access line, whose write(2) is then no part
		 * of the answer's latency. The request's strings are req's
		 * own copies. The metrics are counted before, so a
		 * scrape after an answer always counts it.
		 */
		req_finish(&fr);
		log_access(method_name(r.method), r.path ? r.path : "-", st,
		    ms, r.pr.label[0] ? r.pr.label : "-", r.cache_state);
		req_free(&r);
		cert_csr_forget();
		busy = 0;
	}
	log_info("worker stopping");
	db_close(db);
	conf_free(&conf);
	return 0;
}
