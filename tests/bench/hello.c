/*
 * A bare libfcgi hello-world worker: the ceiling a FastCGI worker can
 * reach on this nginx, for scripts/bench to compare agora against.
 */
#include <fcgiapp.h>

int
main(void)
{
	FCGX_Request	 r;

	FCGX_Init();
	FCGX_InitRequest(&r, 0, 0);
	while (FCGX_Accept_r(&r) >= 0) {
		FCGX_PutS("Status: 200 OK\r\nContent-Type: application/json\r\n"
		    "Content-Length: 16\r\n\r\n{\"hello\":\"world\"}", r.out);
		FCGX_Finish_r(&r);
	}
	return 0;
}
