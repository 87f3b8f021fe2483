/*
 * Console data access: admins, sessions, lock-out, dashboard and
 * audit queries.
 */
#include "config.h"

#include "extern.h"
