/*
 * Handlers: marketplace registration and self-service, registration
 * tokens, certificate revocation, CA and CRL downloads.
 */
#include "config.h"

#include "extern.h"
