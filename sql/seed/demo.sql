-- sql/seed/demo.sql: a demo data set for agora, by natural keys only.
--
-- Idempotent: every row is inserted only when its natural key (nid, uid,
-- serial, key_id, app+marketplace, tenant+app) is missing, so running the
-- script again changes nothing, and rows an admin changed afterwards are
-- left alone. No auto-increment id is written: rows are joined by nid/uid.
-- Run it with `agoractl seed sql/seed/demo.sql` or a plain client:
--	mariadb agora < sql/seed/demo.sql
--
-- DEMO CREDENTIALS (doc/seeding.md lists them; never use them in
-- production). Secrets are stored as agora stores them, SHA-256:
--	marketplace demo	mk_demo : demo-marketplace-secret
--	provider demo-provider	pk_demo : demo-provider-secret
--	tenant tnt_demo_curated	key demo-curated-key  (app_management tenant)
--	tenant tnt_demo_open	key demo-open-key     (app_management marketplace)
--
-- The certificate below is a static, self-signed DEMO certificate
-- (CN=hub.demo.agora.test, O=agora demo (NOT A REAL CERTIFICATE)),
-- generated once with openssl; its private key was thrown away. The
-- fingerprints are its real SHA-1 and SHA-256.

-- The marketplace, its certificate and its API credential.
INSERT INTO marketplace (nid, name, environment, hub_url, impac_url,
    connec_url, nex_url, api_key)
SELECT 'demo', 'Demo Marketplace', 'production',
    'https://hub.demo.agora.test', 'https://impac.demo.agora.test',
    'https://connec.demo.agora.test', 'https://nex.demo.agora.test',
    'mk_demo'
FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM marketplace WHERE nid = 'demo');

INSERT INTO certificate (marketplace_id, serial, subject_cn, pem, fp_sha1,
    fp_sha256, key_type, not_before, not_after)
SELECT m.id, '44454D4F0000000000000001', 'hub.demo.agora.test',
'-----BEGIN CERTIFICATE-----
MIIB5jCCAYugAwIBAgIMREVNTwAAAAAAAAABMAoGCCqGSM49BAMCMEwxHDAaBgNV
BAMME2h1Yi5kZW1vLmFnb3JhLnRlc3QxLDAqBgNVBAoMI2Fnb3JhIGRlbW8gKE5P
VCBBIFJFQUwgQ0VSVElGSUNBVEUpMB4XDTI2MTEyNzAwNDAwOFoXDTM2MTEyNDAw
NDAwOFowTDEcMBoGA1UEAwwTaHViLmRlbW8uYWdvcmEudGVzdDEsMCoGA1UECgwj
YWdvcmEgZGVtbyAoTk9UIEEgUkVBTCBDRVJUSUZJQ0FURSkwWTATBgcqhkjOPQIB
BggqhkjOPQMBBwNCAAT8XeykUJkZR5hyu79ivZca9oXhSU4woBOjwi7YaRfVrWuQ
bahdMEoNt/DQ+dQZHQu98/96UYVLEX/UiCNFZ9Umo1MwUTAdBgNVHQ4EFgQULZVQ
ljyX/0RIGdDYJXKv/PHOYzMwHwYDVR0jBBgwFoAULZVQljyX/0RIGdDYJXKv/PHO
YzMwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNJADBGAiEAoGG7JO+BelR2
Ww5WEwywIxugF8+MbcJrwWPOG2mfPzsCIQD0k0ciqmq830DSXwpridrQYLFqQQ8t
jl25cKIFGNeMlQ==
-----END CERTIFICATE-----
',
    '63:12:6D:17:93:B8:76:C2:28:AF:54:E6:17:03:B2:07:44:EA:89:AB',
    '5C:5D:DC:AC:90:3E:99:A7:21:E9:FC:71:84:DE:65:BE:51:D0:B8:7F:70:B8:3A:54:E6:12:F4:FD:40:EA:F7:6E',
    'ec-p256', '2026-11-27 00:40:08', '2036-11-24 00:40:08'
FROM marketplace m WHERE m.nid = 'demo'
AND NOT EXISTS (SELECT 1 FROM certificate
    WHERE serial = '44454D4F0000000000000001');

UPDATE marketplace m JOIN certificate c
    ON c.serial = '44454D4F0000000000000001'
SET m.cert_id = c.id
WHERE m.nid = 'demo' AND m.cert_id IS NULL;

INSERT INTO credential (kind, key_id, secret_hash, owner_id)
SELECT 'marketplace', 'mk_demo', UNHEX(SHA2('demo-marketplace-secret', 256)),
    m.id
FROM marketplace m WHERE m.nid = 'demo'
AND NOT EXISTS (SELECT 1 FROM credential
    WHERE kind = 'marketplace' AND key_id = 'mk_demo');

-- The provider and its credential.
INSERT INTO provider (nid, name, email, api_key)
SELECT 'demo-provider', 'Demo Apps Pty Ltd', 'apps@demo.agora.test', 'pk_demo'
FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM provider WHERE nid = 'demo-provider');

INSERT INTO credential (kind, key_id, secret_hash, owner_id)
SELECT 'provider', 'pk_demo', UNHEX(SHA2('demo-provider-secret', 256)), p.id
FROM provider p WHERE p.nid = 'demo-provider'
AND NOT EXISTS (SELECT 1 FROM credential
    WHERE kind = 'provider' AND key_id = 'pk_demo');

-- A dozen apps.
INSERT INTO app (uid, provider_id, nid, name, description,
    tiny_description, logo, pictures, website, categories, tags,
    key_benefits, key_features, pricing_plans, free_trial_duration,
    free_trial_unit, stack, terms_url, support_url, app_rank, appinfo,
    sso_enabled, multi_instantiable, active)
SELECT 'app-demo-01', p.id, 'ledgerly', 'Ledgerly',
    'Ledgerly keeps your books in the cloud: bank feeds, invoicing, GST/VAT returns and real-time profit and loss.',
    'Online accounting for small businesses',
    'https://cdn.demo.agora.test/apps/ledgerly/logo.png',
    '["https://cdn.demo.agora.test/apps/ledgerly/screen-1.png"]',
    'https://www.ledgerly.example', '["Accounting"]', '["Finance", "Tax"]',
    '["Set up in minutes", "Works with the apps you already use"]',
    '["Single sign-on", "Data sharing through Connec!"]',
    '{"default": [{"name": "Monthly Plan", "price": "25.0", "currency": "USD", "factor": "/month"}]}', 30,
    'days', 'cloud', 'https://www.ledgerly.example/terms', 'https://support.ledgerly.example', 1,
    '{"responsive": true, "connecReady": true, "starReady": false, "coming_soon": false, "single_billing": false, "add_on": false}',
    1, 0, 1
FROM provider p WHERE p.nid = 'demo-provider'
AND NOT EXISTS (SELECT 1 FROM app WHERE nid = 'ledgerly');

INSERT INTO app (uid, provider_id, nid, name, description,
    tiny_description, logo, pictures, website, categories, tags,
    key_benefits, key_features, pricing_plans, free_trial_duration,
    free_trial_unit, stack, terms_url, support_url, app_rank, appinfo,
    sso_enabled, multi_instantiable, active)
SELECT 'app-demo-02', p.id, 'payroll-hub', 'Payroll Hub',
    'Payroll Hub runs payroll, leave and superannuation in a few clicks, with payslips your staff can read.',
    'Pay your team on time, every time',
    'https://cdn.demo.agora.test/apps/payroll-hub/logo.png',
    '["https://cdn.demo.agora.test/apps/payroll-hub/screen-1.png"]',
    'https://www.payroll-hub.example', '["Payroll", "HR"]', '["Finance", "People"]',
    '["Set up in minutes", "Works with the apps you already use"]',
    '["Single sign-on", "Data sharing through Connec!"]',
    '{"default": [{"name": "Monthly Plan", "price": "39.0", "currency": "USD", "factor": "/month"}]}', 14,
    'days', 'cloud', 'https://www.payroll-hub.example/terms', 'https://support.payroll-hub.example', 2,
    '{"responsive": true, "connecReady": true, "starReady": false, "coming_soon": false, "single_billing": false, "add_on": false}',
    1, 0, 1
FROM provider p WHERE p.nid = 'demo-provider'
AND NOT EXISTS (SELECT 1 FROM app WHERE nid = 'payroll-hub');

INSERT INTO app (uid, provider_id, nid, name, description,
    tiny_description, logo, pictures, website, categories, tags,
    key_benefits, key_features, pricing_plans, free_trial_duration,
    free_trial_unit, stack, terms_url, support_url, app_rank, appinfo,
    sso_enabled, multi_instantiable, active)
SELECT 'app-demo-03', p.id, 'pipeline-crm', 'Pipeline CRM',
    'Track leads, deals and follow-ups on a visual board; sync contacts with your accounting app.',
    'A sales pipeline your team will actually use',
    'https://cdn.demo.agora.test/apps/pipeline-crm/logo.png',
    '["https://cdn.demo.agora.test/apps/pipeline-crm/screen-1.png"]',
    'https://www.pipeline-crm.example', '["CRM"]', '["Sales"]',
    '["Set up in minutes", "Works with the apps you already use"]',
    '["Single sign-on", "Data sharing through Connec!"]',
    '{"default": [{"name": "Monthly Plan", "price": "15.0", "currency": "USD", "factor": "/month"}]}', 14,
    'days', 'cloud', 'https://www.pipeline-crm.example/terms', 'https://support.pipeline-crm.example', 3,
    '{"responsive": true, "connecReady": false, "starReady": false, "coming_soon": false, "single_billing": false, "add_on": false}',
    1, 0, 1
FROM provider p WHERE p.nid = 'demo-provider'
AND NOT EXISTS (SELECT 1 FROM app WHERE nid = 'pipeline-crm');

INSERT INTO app (uid, provider_id, nid, name, description,
    tiny_description, logo, pictures, website, categories, tags,
    key_benefits, key_features, pricing_plans, free_trial_duration,
    free_trial_unit, stack, terms_url, support_url, app_rank, appinfo,
    sso_enabled, multi_instantiable, active)
SELECT 'app-demo-04', p.id, 'invoice-flow', 'Invoice Flow',
    'Branded invoices, online card payments and automatic reminders for overdue bills.',
    'Send invoices and get paid faster',
    'https://cdn.demo.agora.test/apps/invoice-flow/logo.png',
    '["https://cdn.demo.agora.test/apps/invoice-flow/screen-1.png"]',
    'https://www.invoice-flow.example', '["Accounting", "Payments"]', '["Finance"]',
    '["Set up in minutes", "Works with the apps you already use"]',
    '["Single sign-on", "Data sharing through Connec!"]',
    '{"default": [{"name": "Monthly Plan", "price": "10.0", "currency": "USD", "factor": "/month"}]}', 30,
    'days', 'cloud', 'https://www.invoice-flow.example/terms', 'https://support.invoice-flow.example', NULL,
    '{"responsive": true, "connecReady": true, "starReady": false, "coming_soon": false, "single_billing": false, "add_on": false}',
    1, 1, 1
FROM provider p WHERE p.nid = 'demo-provider'
AND NOT EXISTS (SELECT 1 FROM app WHERE nid = 'invoice-flow');

INSERT INTO app (uid, provider_id, nid, name, description,
    tiny_description, logo, pictures, website, categories, tags,
    key_benefits, key_features, pricing_plans, free_trial_duration,
    free_trial_unit, stack, terms_url, support_url, app_rank, appinfo,
    sso_enabled, multi_instantiable, active)
SELECT 'app-demo-05', p.id, 'stock-keeper', 'Stock Keeper',
    'Multi-location stock levels, purchase orders, barcode scanning and low-stock alerts.',
    'Inventory and purchase orders',
    'https://cdn.demo.agora.test/apps/stock-keeper/logo.png',
    '["https://cdn.demo.agora.test/apps/stock-keeper/screen-1.png"]',
    'https://www.stock-keeper.example', '["Inventory"]', '["Operations"]',
    '["Set up in minutes", "Works with the apps you already use"]',
    '["Single sign-on", "Data sharing through Connec!"]',
    '{"default": [{"name": "Monthly Plan", "price": "49.0", "currency": "USD", "factor": "/month"}]}', 21,
    'days', 'cloud', 'https://www.stock-keeper.example/terms', 'https://support.stock-keeper.example', 5,
    '{"responsive": true, "connecReady": true, "starReady": false, "coming_soon": false, "single_billing": false, "add_on": false}',
    1, 0, 1
FROM provider p WHERE p.nid = 'demo-provider'
AND NOT EXISTS (SELECT 1 FROM app WHERE nid = 'stock-keeper');

INSERT INTO app (uid, provider_id, nid, name, description,
    tiny_description, logo, pictures, website, categories, tags,
    key_benefits, key_features, pricing_plans, free_trial_duration,
    free_trial_unit, stack, terms_url, support_url, app_rank, appinfo,
    sso_enabled, multi_instantiable, active)
SELECT 'app-demo-06', p.id, 'shift-planner', 'Shift Planner',
    'Build rosters, let staff swap shifts from their phone and export approved time sheets to payroll.',
    'Rosters and time sheets for shift workers',
    'https://cdn.demo.agora.test/apps/shift-planner/logo.png',
    '["https://cdn.demo.agora.test/apps/shift-planner/screen-1.png"]',
    'https://www.shift-planner.example', '["HR"]', '["People", "Scheduling"]',
    '["Set up in minutes", "Works with the apps you already use"]',
    '["Single sign-on", "Data sharing through Connec!"]',
    '{"default": [{"name": "Monthly Plan", "price": "4.0", "currency": "USD", "factor": "/month"}]}', 14,
    'days', 'cloud', 'https://www.shift-planner.example/terms', 'https://support.shift-planner.example', NULL,
    '{"responsive": true, "connecReady": false, "starReady": false, "coming_soon": false, "single_billing": false, "add_on": false}',
    1, 0, 1
FROM provider p WHERE p.nid = 'demo-provider'
AND NOT EXISTS (SELECT 1 FROM app WHERE nid = 'shift-planner');

INSERT INTO app (uid, provider_id, nid, name, description,
    tiny_description, logo, pictures, website, categories, tags,
    key_benefits, key_features, pricing_plans, free_trial_duration,
    free_trial_unit, stack, terms_url, support_url, app_rank, appinfo,
    sso_enabled, multi_instantiable, active)
SELECT 'app-demo-07', p.id, 'helpdesk-plus', 'Helpdesk Plus',
    'Shared inbox, ticket routing, canned replies and customer satisfaction surveys.',
    'Customer support tickets and live chat',
    'https://cdn.demo.agora.test/apps/helpdesk-plus/logo.png',
    '["https://cdn.demo.agora.test/apps/helpdesk-plus/screen-1.png"]',
    'https://www.helpdesk-plus.example', '["Customer Service"]', '["Support"]',
    '["Set up in minutes", "Works with the apps you already use"]',
    '["Single sign-on", "Data sharing through Connec!"]',
    '{"default": [{"name": "Monthly Plan", "price": "19.0", "currency": "USD", "factor": "/month"}]}', 30,
    'days', 'cloud', 'https://www.helpdesk-plus.example/terms', 'https://support.helpdesk-plus.example', 7,
    '{"responsive": true, "connecReady": true, "starReady": false, "coming_soon": false, "single_billing": false, "add_on": false}',
    1, 0, 1
FROM provider p WHERE p.nid = 'demo-provider'
AND NOT EXISTS (SELECT 1 FROM app WHERE nid = 'helpdesk-plus');

INSERT INTO app (uid, provider_id, nid, name, description,
    tiny_description, logo, pictures, website, categories, tags,
    key_benefits, key_features, pricing_plans, free_trial_duration,
    free_trial_unit, stack, terms_url, support_url, app_rank, appinfo,
    sso_enabled, multi_instantiable, active)
SELECT 'app-demo-08', p.id, 'mail-rocket', 'Mail Rocket',
    'Design newsletters with a drag-and-drop editor, segment your contacts and track opens and clicks.',
    'E-mail marketing campaigns',
    'https://cdn.demo.agora.test/apps/mail-rocket/logo.png',
    '["https://cdn.demo.agora.test/apps/mail-rocket/screen-1.png"]',
    'https://www.mail-rocket.example', '["Marketing"]', '["E-mail"]',
    '["Set up in minutes", "Works with the apps you already use"]',
    '["Single sign-on", "Data sharing through Connec!"]',
    '{"default": [{"name": "Monthly Plan", "price": "9.0", "currency": "USD", "factor": "/month"}]}', 0,
    'days', 'cloud', 'https://www.mail-rocket.example/terms', 'https://support.mail-rocket.example', NULL,
    '{"responsive": true, "connecReady": true, "starReady": false, "coming_soon": false, "single_billing": false, "add_on": false}',
    1, 1, 1
FROM provider p WHERE p.nid = 'demo-provider'
AND NOT EXISTS (SELECT 1 FROM app WHERE nid = 'mail-rocket');

INSERT INTO app (uid, provider_id, nid, name, description,
    tiny_description, logo, pictures, website, categories, tags,
    key_benefits, key_features, pricing_plans, free_trial_duration,
    free_trial_unit, stack, terms_url, support_url, app_rank, appinfo,
    sso_enabled, multi_instantiable, active)
SELECT 'app-demo-09', p.id, 'expense-snap', 'Expense Snap',
    'Photograph receipts, submit expense claims and approve them on the go; syncs to your ledger.',
    'Snap receipts, claim expenses',
    'https://cdn.demo.agora.test/apps/expense-snap/logo.png',
    '["https://cdn.demo.agora.test/apps/expense-snap/screen-1.png"]',
    'https://www.expense-snap.example', '["Accounting", "Expenses"]', '["Finance", "Mobile"]',
    '["Set up in minutes", "Works with the apps you already use"]',
    '["Single sign-on", "Data sharing through Connec!"]',
    '{"default": [{"name": "Monthly Plan", "price": "6.0", "currency": "USD", "factor": "/month"}]}', 14,
    'days', 'cloud', 'https://www.expense-snap.example/terms', 'https://support.expense-snap.example', 9,
    '{"responsive": true, "connecReady": false, "starReady": false, "coming_soon": false, "single_billing": false, "add_on": false}',
    1, 0, 1
FROM provider p WHERE p.nid = 'demo-provider'
AND NOT EXISTS (SELECT 1 FROM app WHERE nid = 'expense-snap');

INSERT INTO app (uid, provider_id, nid, name, description,
    tiny_description, logo, pictures, website, categories, tags,
    key_benefits, key_features, pricing_plans, free_trial_duration,
    free_trial_unit, stack, terms_url, support_url, app_rank, appinfo,
    sso_enabled, multi_instantiable, active)
SELECT 'app-demo-10', p.id, 'project-board', 'Project Board',
    'Kanban boards, Gantt charts and time budgets for client projects.',
    'Plan projects, track tasks',
    'https://cdn.demo.agora.test/apps/project-board/logo.png',
    '["https://cdn.demo.agora.test/apps/project-board/screen-1.png"]',
    'https://www.project-board.example', '["Project Management"]', '["Collaboration"]',
    '["Set up in minutes", "Works with the apps you already use"]',
    '["Single sign-on", "Data sharing through Connec!"]',
    '{"default": [{"name": "Monthly Plan", "price": "12.0", "currency": "USD", "factor": "/month"}]}', 30,
    'days', 'cube', 'https://www.project-board.example/terms', 'https://support.project-board.example', 10,
    '{"responsive": true, "connecReady": true, "starReady": false, "coming_soon": false, "single_billing": false, "add_on": false}',
    1, 0, 1
FROM provider p WHERE p.nid = 'demo-provider'
AND NOT EXISTS (SELECT 1 FROM app WHERE nid = 'project-board');

INSERT INTO app (uid, provider_id, nid, name, description,
    tiny_description, logo, pictures, website, categories, tags,
    key_benefits, key_features, pricing_plans, free_trial_duration,
    free_trial_unit, stack, terms_url, support_url, app_rank, appinfo,
    sso_enabled, multi_instantiable, active)
SELECT 'app-demo-11', p.id, 'time-tracker', 'Time Tracker',
    'One-click timers, weekly time sheets and invoices from tracked hours.',
    'Billable hours without the spreadsheets',
    'https://cdn.demo.agora.test/apps/time-tracker/logo.png',
    '["https://cdn.demo.agora.test/apps/time-tracker/screen-1.png"]',
    'https://www.time-tracker.example', '["Time Tracking"]', '["Productivity"]',
    '["Set up in minutes", "Works with the apps you already use"]',
    '["Single sign-on", "Data sharing through Connec!"]',
    '{"default": [{"name": "Monthly Plan", "price": "5.0", "currency": "USD", "factor": "/month"}]}', 14,
    'days', 'cloud', 'https://www.time-tracker.example/terms', 'https://support.time-tracker.example', NULL,
    '{"responsive": true, "connecReady": true, "starReady": false, "coming_soon": false, "single_billing": false, "add_on": false}',
    1, 0, 1
FROM provider p WHERE p.nid = 'demo-provider'
AND NOT EXISTS (SELECT 1 FROM app WHERE nid = 'time-tracker');

INSERT INTO app (uid, provider_id, nid, name, description,
    tiny_description, logo, pictures, website, categories, tags,
    key_benefits, key_features, pricing_plans, free_trial_duration,
    free_trial_unit, stack, terms_url, support_url, app_rank, appinfo,
    sso_enabled, multi_instantiable, active)
SELECT 'app-demo-12', p.id, 'shop-connect', 'Shop Connect',
    'Imports orders, payouts and refunds from your online store and posts them to your ledger.',
    'Connect your online shop to your books',
    'https://cdn.demo.agora.test/apps/shop-connect/logo.png',
    '["https://cdn.demo.agora.test/apps/shop-connect/screen-1.png"]',
    'https://www.shop-connect.example', '["eCommerce"]', '["Integration"]',
    '["Set up in minutes", "Works with the apps you already use"]',
    '["Single sign-on", "Data sharing through Connec!"]',
    '{"default": [{"name": "Monthly Plan", "price": "29.0", "currency": "USD", "factor": "/month"}]}', 0,
    'days', 'connector', 'https://www.shop-connect.example/terms', 'https://support.shop-connect.example', 12,
    '{"responsive": true, "connecReady": false, "starReady": false, "coming_soon": false, "single_billing": false, "add_on": false}',
    1, 1, 1
FROM provider p WHERE p.nid = 'demo-provider'
AND NOT EXISTS (SELECT 1 FROM app WHERE nid = 'shop-connect');

-- Their listings on the demo marketplace, live ('approved'). hub_key_enc
-- stays NULL: the key is sealed under the running system's data_key,
-- which SQL cannot do; set it through the listings API.
INSERT INTO listing (app_id, marketplace_id, state, hub_api_id)
SELECT a.id, m.id, 'approved', 'demo-ledgerly'
FROM app a JOIN marketplace m ON m.nid = 'demo' WHERE a.nid = 'ledgerly'
AND NOT EXISTS (SELECT 1 FROM listing l WHERE l.app_id = a.id
    AND l.marketplace_id = m.id);

INSERT INTO listing (app_id, marketplace_id, state, hub_api_id)
SELECT a.id, m.id, 'approved', 'demo-payroll-hub'
FROM app a JOIN marketplace m ON m.nid = 'demo' WHERE a.nid = 'payroll-hub'
AND NOT EXISTS (SELECT 1 FROM listing l WHERE l.app_id = a.id
    AND l.marketplace_id = m.id);

INSERT INTO listing (app_id, marketplace_id, state, hub_api_id)
SELECT a.id, m.id, 'approved', 'demo-pipeline-crm'
FROM app a JOIN marketplace m ON m.nid = 'demo' WHERE a.nid = 'pipeline-crm'
AND NOT EXISTS (SELECT 1 FROM listing l WHERE l.app_id = a.id
    AND l.marketplace_id = m.id);

INSERT INTO listing (app_id, marketplace_id, state, hub_api_id)
SELECT a.id, m.id, 'approved', 'demo-invoice-flow'
FROM app a JOIN marketplace m ON m.nid = 'demo' WHERE a.nid = 'invoice-flow'
AND NOT EXISTS (SELECT 1 FROM listing l WHERE l.app_id = a.id
    AND l.marketplace_id = m.id);

INSERT INTO listing (app_id, marketplace_id, state, hub_api_id)
SELECT a.id, m.id, 'approved', 'demo-stock-keeper'
FROM app a JOIN marketplace m ON m.nid = 'demo' WHERE a.nid = 'stock-keeper'
AND NOT EXISTS (SELECT 1 FROM listing l WHERE l.app_id = a.id
    AND l.marketplace_id = m.id);

INSERT INTO listing (app_id, marketplace_id, state, hub_api_id)
SELECT a.id, m.id, 'approved', 'demo-shift-planner'
FROM app a JOIN marketplace m ON m.nid = 'demo' WHERE a.nid = 'shift-planner'
AND NOT EXISTS (SELECT 1 FROM listing l WHERE l.app_id = a.id
    AND l.marketplace_id = m.id);

INSERT INTO listing (app_id, marketplace_id, state, hub_api_id)
SELECT a.id, m.id, 'approved', 'demo-helpdesk-plus'
FROM app a JOIN marketplace m ON m.nid = 'demo' WHERE a.nid = 'helpdesk-plus'
AND NOT EXISTS (SELECT 1 FROM listing l WHERE l.app_id = a.id
    AND l.marketplace_id = m.id);

INSERT INTO listing (app_id, marketplace_id, state, hub_api_id)
SELECT a.id, m.id, 'approved', 'demo-mail-rocket'
FROM app a JOIN marketplace m ON m.nid = 'demo' WHERE a.nid = 'mail-rocket'
AND NOT EXISTS (SELECT 1 FROM listing l WHERE l.app_id = a.id
    AND l.marketplace_id = m.id);

INSERT INTO listing (app_id, marketplace_id, state, hub_api_id)
SELECT a.id, m.id, 'approved', 'demo-expense-snap'
FROM app a JOIN marketplace m ON m.nid = 'demo' WHERE a.nid = 'expense-snap'
AND NOT EXISTS (SELECT 1 FROM listing l WHERE l.app_id = a.id
    AND l.marketplace_id = m.id);

INSERT INTO listing (app_id, marketplace_id, state, hub_api_id)
SELECT a.id, m.id, 'approved', 'demo-project-board'
FROM app a JOIN marketplace m ON m.nid = 'demo' WHERE a.nid = 'project-board'
AND NOT EXISTS (SELECT 1 FROM listing l WHERE l.app_id = a.id
    AND l.marketplace_id = m.id);

INSERT INTO listing (app_id, marketplace_id, state, hub_api_id)
SELECT a.id, m.id, 'approved', 'demo-time-tracker'
FROM app a JOIN marketplace m ON m.nid = 'demo' WHERE a.nid = 'time-tracker'
AND NOT EXISTS (SELECT 1 FROM listing l WHERE l.app_id = a.id
    AND l.marketplace_id = m.id);

INSERT INTO listing (app_id, marketplace_id, state, hub_api_id)
SELECT a.id, m.id, 'approved', 'demo-shop-connect'
FROM app a JOIN marketplace m ON m.nid = 'demo' WHERE a.nid = 'shop-connect'
AND NOT EXISTS (SELECT 1 FROM listing l WHERE l.app_id = a.id
    AND l.marketplace_id = m.id);

INSERT INTO listing_history (listing_id, actor, from_state, to_state, note)
SELECT l.id, 'seed:demo.sql', NULL, 'approved', 'seeded live'
FROM listing l JOIN marketplace m ON m.id = l.marketplace_id
JOIN app a ON a.id = l.app_id
WHERE m.nid = 'demo' AND a.uid LIKE 'app-demo-%' AND l.state = 'approved'
AND NOT EXISTS (SELECT 1 FROM listing_history h WHERE h.listing_id = l.id);

-- Two tenants: one with its own app list, one with the whole catalog.
INSERT INTO tenant (uid, marketplace_id, name, domain, metadata,
    frontend_config)
SELECT 'tnt_demo_curated', m.id, 'Curated Express', 'curated.demo.agora.test',
    '{"app_management":"tenant","can_manage_apps":true}',
    '{"system":{"main_color":"#1a7f64"}}'
FROM marketplace m WHERE m.nid = 'demo'
AND NOT EXISTS (SELECT 1 FROM tenant WHERE uid = 'tnt_demo_curated');

INSERT INTO tenant (uid, marketplace_id, name, domain, metadata,
    frontend_config)
SELECT 'tnt_demo_open', m.id, 'Open Express', 'open.demo.agora.test',
    '{"app_management":"marketplace"}', '{}'
FROM marketplace m WHERE m.nid = 'demo'
AND NOT EXISTS (SELECT 1 FROM tenant WHERE uid = 'tnt_demo_open');

INSERT INTO credential (kind, key_id, secret_hash, owner_id)
SELECT 'tenant', t.uid, UNHEX(SHA2('demo-curated-key', 256)), t.id
FROM tenant t WHERE t.uid = 'tnt_demo_curated'
AND NOT EXISTS (SELECT 1 FROM credential
    WHERE kind = 'tenant' AND key_id = 'tnt_demo_curated');

INSERT INTO credential (kind, key_id, secret_hash, owner_id)
SELECT 'tenant', t.uid, UNHEX(SHA2('demo-open-key', 256)), t.id
FROM tenant t WHERE t.uid = 'tnt_demo_open'
AND NOT EXISTS (SELECT 1 FROM credential
    WHERE kind = 'tenant' AND key_id = 'tnt_demo_open');

-- The curated tenant's five apps, with its own order and one featured.
INSERT INTO tenant_app (tenant_id, app_id, app_rank, featured)
SELECT t.id, a.id, v.app_rank, v.featured
FROM tenant t
JOIN (SELECT 'pipeline-crm' AS nid, 1 AS app_rank, 1 AS featured
    UNION ALL SELECT 'ledgerly', 2, 0
    UNION ALL SELECT 'helpdesk-plus', 3, 0
    UNION ALL SELECT 'time-tracker', NULL, 0
    UNION ALL SELECT 'mail-rocket', NULL, 0) v
JOIN app a ON a.nid = v.nid
WHERE t.uid = 'tnt_demo_curated'
AND NOT EXISTS (SELECT 1 FROM tenant_app ta
    WHERE ta.tenant_id = t.id AND ta.app_id = a.id);
