/*
 * Providers, apps, environments and listings: typed data access.
 */
#include "config.h"

#include "extern.h"
