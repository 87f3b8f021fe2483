/*
 * Handlers: the admin console at /admin (server-rendered HTML).
 */
#include "config.h"

#include "extern.h"
