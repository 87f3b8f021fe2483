/*
 * Handlers: providers, apps, environments and listings.
 */
#include "config.h"

#include "extern.h"
