/*
 * Handler: the SDK autoconfigure API (GET /api/config/v1/marketplaces).
 */
#include "config.h"

#include "extern.h"
