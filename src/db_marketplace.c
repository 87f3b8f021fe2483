/*
 * Marketplaces, their credentials, certificates and registration
 * tokens: typed data access.
 */
#include "config.h"

#include "extern.h"
