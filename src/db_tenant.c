/*
 * Tenants and tenant apps: typed data access and validation shared
 * by the admin API, the hub API and the console.
 */
#include "config.h"

#include "extern.h"
