#!/bin/bash
# PATCH /api/mnoe/v2/tenant takes only what an express decides (name,
# domain, frontend_config, its users' password policy): app_management,
# billing and every other metadata key are the platform admin's.
. "$(dirname "$0")/lib.sh"

"$AGORACTL" seed "$AGORA_TOP/sql/seed/demo.sql" >/dev/null
admin POST /api/v1/admin/tenants $(json '{"marketplace":"demo","name":"Allow","metadata":{"invoicing_currency":"USD","platform_fee_price_cents":500,"custom":{"a":1}}}')
status 201 "an admin creates a tenant with billing metadata"
TUID=$(jqv .uid); AUTH="$TUID:$(jqv .key)"; TID=$(jqv .id)
hub() { req "$1" "/api/mnoe/v2$2" -u "$AUTH" "${@:3}"; }
japi() {
	local f
	f=$(mktemp "$T_TMP/japi.XXXXXX")
	printf '%s' "$1" > "$f"
	printf '%s\n' -H "Content-Type:application/vnd.api+json" --data-binary "@$f"
}
patch_meta() { hub PATCH /tenant $(japi '{"data":{"type":"tenants","attributes":{"metadata":'"$1"'}}}'); }
meta() { sql "SELECT metadata FROM tenant WHERE id = $TID"; }

sum=$(db_checksum)
patch_meta '{"app_management":"tenant","invoicing_currency":"USD","platform_fee_price_cents":500,"custom":{"a":1}}'
status 403 "the express cannot switch app_management"
jqok '[.errors[].source.parameter] == ["metadata.app_management"]' "the error names metadata.app_management only"
patch_meta '{"invoicing_currency":"EUR"}'
status 403 "nor change the invoicing currency"
jqok '[.errors[].source.parameter] == ["metadata.invoicing_currency"]' "naming it"
patch_meta '{"platform_fee_price_cents":0,"price_list":"free"}'
status 403 "nor its fees or price list"
jqok '[.errors[].source.parameter] | sort == ["metadata.platform_fee_price_cents","metadata.price_list"]' "naming each"
patch_meta '{"can_manage_organization_credit":true}'
status 403 "nor grant itself a capability"
patch_meta '{"custom":{"a":2}}'
status 403 "nor change a key agora does not know"
patch_meta '{"app_management":"both"}'
status 400 "an invalid value is still a 400"
is "$(db_checksum)" "$sum" "the refusals changed nothing"

patch_meta '{"deny_old_passwords":true,"password_archiving_count":5,"app_management":"marketplace","invoicing_currency":"USD"}'
status 200 "the express sets its password policy (admin keys sent back unchanged)"
jqok '.data.attributes.metadata.deny_old_passwords == true and .data.attributes.metadata.password_archiving_count == 5' "it is stored"
jqok '.data.attributes.metadata.invoicing_currency == "USD" and .data.attributes.metadata.platform_fee_price_cents == 500 and .data.attributes.metadata.custom.a == 1 and .data.attributes.metadata.app_management == "marketplace"' \
    "the admin's keys it left out keep their values"
hub PATCH /tenant $(japi '{"data":{"type":"tenants","attributes":{"name":"Allowed","domain":"allowed.example.com","frontend_config":{"theme":"dark"}}}}')
status 200 "name, domain and frontend_config are the express's"
is "$(sql "SELECT JSON_VALUE(metadata, '$.invoicing_currency') FROM tenant WHERE id = $TID")" USD \
    "billing metadata is untouched"

admin PATCH /api/v1/admin/tenants/$TID $(json '{"metadata":{"app_management":"tenant","invoicing_currency":"EUR"}}')
status 200 "the platform admin sets app_management and billing"
hub GET /tenant
jqok '.data.attributes.metadata.app_management == "tenant" and .data.attributes.metadata.invoicing_currency == "EUR"' \
    "the express sees the admin's decision"
finish
