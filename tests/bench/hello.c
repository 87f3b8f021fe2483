/*
 * A bare libfcgi hello-world worker: the ceiling a FastCGI worker can
 * reach on this nginx, for scripts/bench to compare agora against.
 * Its Content-Length must be the body's: one byte off and nginx writes
 * a warning to its error log on every request, which slows the
 * ceiling down (it did, until the seventh session's doc/bench.md).
 */
#include <fcgiapp.h>

#define HELLO	"{\"hello\":\"world\"}"
_Static_assert(sizeof(HELLO) - 1 == 17, "Content-Length below is 17");

int
main(void)
{
	FCGX_Request	 r;

	FCGX_Init();
	FCGX_InitRequest(&r, 0, 0);
	while (FCGX_Accept_r(&r) >= 0) {
		FCGX_PutS("Status: 200 OK\r\nContent-Type: application/json\r\n"
		    "Content-Length: 17\r\n\r\n" HELLO, r.out);
		FCGX_Finish_r(&r);
	}
	return 0;
}
