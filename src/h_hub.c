/*
 * Handlers: the MnoHub v2 API for a tenant's express frontend.
 */
#include "config.h"

#include "extern.h"
