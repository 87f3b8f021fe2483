/*
 * Handlers: tenants and tenant apps (admin and marketplace API).
 */
#include "config.h"

#include "extern.h"
