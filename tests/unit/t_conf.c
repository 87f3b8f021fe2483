/* Unit tests: the configuration file (conf.c), golden in and out. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/extern.h"
#include "../tap.h"

#define BASE \
	"db_socket = /tmp/x.sock\n" \
	REST
#define REST \
	"db_user = agora\n" \
	"db_name = agora\n" \
	"ca_cert = /tmp/ca.pem\n" \
	"ca_key = /tmp/ca.key\n" \
	"ca_crl = /tmp/crl.pem\n" \
	"data_key = 000102030405060708090a0b0c0d0e0f" \
	"101112131415161718191a1b1c1d1e1f\n" \
	"public_url = https://localhost:8443\n"

static int
load(const char *text, struct conf *c, char *err, size_t errsz)
{
	char	 path[] = "/tmp/t_conf.XXXXXX";
	FILE	*f;
	int	 fd, rc;

	if ((fd = mkstemp(path)) == -1 || (f = fdopen(fd, "w")) == NULL)
		return -2;
	fputs(text, f);
	fclose(f);
	rc = conf_load(path, c, err, errsz);
	unlink(path);
	return rc;
}

int
main(void)
{
	struct conf	 c;
	char		 err[256];

	ok(load(BASE, &c, err, sizeof(err)) == 0, "minimal file loads");
	is_str(c.db_socket, "/tmp/x.sock", "db_socket read");
	is_int(c.body_max, 65536, "body_max default");
	is_int(c.cert_days, 365, "cert_days default");
	is_int(c.data_key[31], 0x1f, "data_key decoded");
	conf_free(&c);

	ok(load(BASE "# comment\n\nbody_max = 2048\n  log_level = debug  \n",
	    &c, err, sizeof(err)) == 0, "comments, blanks and spaces");
	is_int(c.body_max, 2048, "body_max set");
	is_int(c.log_level, LOGL_DEBUG, "log_level set");
	conf_free(&c);

	ok(load(BASE "colour = blue\n", &c, err, sizeof(err)) == -1 &&
	    strstr(err, "unknown key \"colour\"") != NULL,
	    "unknown key is an error naming the key");
	ok(load(BASE "body_max = 12\n", &c, err, sizeof(err)) == -1 &&
	    strstr(err, "body_max") != NULL, "number below range");
	ok(load(BASE "body_max = 1k\n", &c, err, sizeof(err)) == -1,
	    "number with junk");
	ok(load(BASE "db_user = again\n", &c, err, sizeof(err)) == -1 &&
	    strstr(err, "repeated") != NULL, "repeated key");
	ok(load(BASE "no equals here\n", &c, err, sizeof(err)) == -1,
	    "line without =");
	ok(load("db_user = a\n", &c, err, sizeof(err)) == -1 &&
	    strstr(err, "missing") != NULL, "missing required key");
	ok(load(BASE "log_level = loud\n", &c, err, sizeof(err)) == -1,
	    "bad log level");
	ok(load("data_key = zz\n" BASE, &c, err, sizeof(err)) == -1 &&
	    strstr(err, "data_key") != NULL, "bad data key");
	ok(conf_load("/nonexistent/agora.conf", &c, err, sizeof(err)) == -1,
	    "missing file");

	/* A Galera cluster: a list of nodes instead of the socket. */
	ok(load("db_hosts = db1:3306, db2:3307,db3\n" REST, &c, err,
	    sizeof(err)) == 0, "db_hosts alone is enough");
	is_str(c.db_hosts, "db1:3306, db2:3307,db3", "db_hosts read");
	conf_free(&c);
	ok(load(REST, &c, err, sizeof(err)) == -1 &&
	    strstr(err, "db_hosts") != NULL,
	    "no socket, host or hosts: the error names db_hosts too");
	return done();
}
