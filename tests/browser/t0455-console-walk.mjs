// The admin console in headless Chromium, walked as an operator who never
// leaves it: every list (filters in the sidebar, sort, pages, per page,
// CSV), providers (create with the secret shown once, edit, rotate),
// a marketplace (certificate, history, endpoints edit with an error
// first), a tenant's apps (breadcrumbs, search in the live apps) and its
// delete (its tenant apps listed first), a listing unpublished and
// republished, admins (create, API token with expiry and revoke,
// password reset, disable and enable), the audit log filtered by action,
// and the dashboard's sentences with the JSON one click away. Times show
// in the browser's time zone with UTC on hover; checkboxes sit by their
// labels; textareas are as wide as inputs; no CSP violation anywhere.
// A screenshot of every page kind goes to the directory printed first
// (under $SCREENSHOTS: the test run's log folder).
//
// Environment: BASE, CACERT, AGORACTL, ADMIN_EMAIL, ADMIN_PASSWORD,
// ADMIN_TOKEN. Output: TAP, then "N passed, N failed".
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import https from "node:https";

const require = createRequire(new URL("../node/package.json", import.meta.url));
const { chromium } = require("playwright-core");

const env = (k) => {
	if (!process.env[k]) {
		console.log(`not ok 1 - environment variable ${k} is set`);
		console.log("0 passed, 1 failed");
		process.exit(1);
	}
	return process.env[k];
};
const BASE = env("BASE");
const CA = readFileSync(env("CACERT"));
const AGORACTL = env("AGORACTL");
const ADMIN_EMAIL = env("ADMIN_EMAIL");
const ADMIN_PASSWORD = env("ADMIN_PASSWORD");
const ADMIN_TOKEN = env("ADMIN_TOKEN");

let n = 0, failed = 0;
const ok = (cond, msg, extra) => {
	n++;
	if (!cond) failed++;
	console.log(`${cond ? "ok" : "not ok"} ${n} - ${msg}`);
	if (!cond && extra !== undefined)
		console.log(`# ${JSON.stringify(extra)}`.slice(0, 600));
	return cond;
};
const finish = () => {
	console.log(`1..${n}`);
	console.log(`${n - failed} passed, ${failed} failed`);
	process.exit(failed ? 1 : 0);
};

function api(method, path, { body, auth } = {}) {
	return new Promise((resolve, reject) => {
		const data = body === undefined ? undefined : JSON.stringify(body);
		const headers = { Accept: "application/json" };
		if (data !== undefined) {
			headers["Content-Type"] = "application/json";
			headers["Content-Length"] = Buffer.byteLength(data);
		}
		if (auth) headers.Authorization = auth;
		const rq = https.request(new URL(path, BASE),
		    { method, headers, ca: CA }, (res) => {
			let buf = "";
			res.setEncoding("utf8");
			res.on("data", (c) => (buf += c));
			res.on("end", () => {
				let json = null;
				try { json = JSON.parse(buf); } catch { /* not JSON */ }
				resolve({ status: res.statusCode, json, text: buf });
			});
		});
		rq.on("error", reject);
		if (data !== undefined) rq.write(data);
		rq.end();
	});
}
const basic = (u, p) => "Basic " + Buffer.from(`${u}:${p}`).toString("base64");
const admin = "Bearer " + ADMIN_TOKEN;

const shots = mkdtempSync(join(process.env.SCREENSHOTS || tmpdir(),
    "agora-console-walk-"));
console.log(`# screenshots in ${shots}`);
let shotn = 0;
const shot = async (page, name) => {
	shotn++;
	await page.screenshot({ path: join(shots,
	    `${String(shotn).padStart(2, "0")}-${name}.png`), fullPage: true });
};

// --- Data: a marketplace, a provider, a live app, a tenant. ---
const sfx = Math.random().toString(16).slice(2, 8);
const MKT = `walk-${sfx}`;
const APP = { nid: `ledgerly-${sfx}`, name: `Ledgerly ${sfx}` };
const TENANT = `Acme Express ${sfx}`;
let listingId, tenantId;
try {
	const rt = execFileSync(AGORACTL, ["registration-token", "create",
	    "-l", "t0455", "-e", "1h"], { encoding: "utf8" }).trim();
	let r = await api("POST", "/api/v1/marketplaces", {
		auth: "Bearer " + rt, body: { nid: MKT, name: `Walk ${sfx}`,
		environment: "production",
		endpoints: { hub: `https://hub.${MKT}.test` } } });
	ok(r.status === 201, "setup: the marketplace registers", r.json);
	r = await api("POST", "/api/v1/admin/providers", { auth: admin,
	    body: { nid: `wprov-${sfx}`, name: "Walk provider",
	    email: `w-${sfx}@example.com` } });
	const pauth = basic(r.json.api_key, r.json.api_secret);
	r = await api("POST", "/api/v1/apps", { auth: pauth,
	    body: { ...APP, description: "Books" } });
	APP.id = r.json.id;
	r = await api("POST", `/api/v1/apps/${APP.id}/listings`,
	    { auth: pauth, body: { marketplace: MKT } });
	listingId = r.json.id;
	r = await api("POST", `/api/v1/admin/listings/${listingId}/approve`,
	    { auth: admin, body: {} });
	ok(r.status === 200, "setup: the app is live", r.json);
	r = await api("POST", "/api/v1/admin/tenants", { auth: admin,
	    body: { marketplace: MKT, name: TENANT,
	    metadata: { app_management: "tenant" } } });
	ok(r.status === 201, "setup: a tenant", r.json);
	tenantId = r.json.id;
} catch (e) {
	ok(false, "setup through the APIs", String(e));
	finish();
}

const udd = mkdtempSync(join(tmpdir(), "agora-chromium-"));
let ctx, page;
try {
	ctx = await chromium.launchPersistentContext(udd, {
		executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
		headless: true,
		args: ["--headless", "--no-sandbox", "--disable-gpu",
		    "--disable-quic", "--no-first-run",
		    "--disable-background-networking",
		    "--disable-component-update", "--disable-sync"],
		ignoreHTTPSErrors: true,
		viewport: { width: 1360, height: 900 },
		timezoneId: "America/New_York",
		locale: "en-US",
	});
	page = ctx.pages()[0] ?? await ctx.newPage();
} catch (e) {
	ok(false, "headless Chromium starts", String(e).slice(0, 500));
	finish();
}
const consoleErrors = [];
page.on("console", (m) => {
	if (m.type() === "error" && !m.text().startsWith("Failed to load resource"))
		consoleErrors.push(m.text());
});
page.on("pageerror", (e) => consoleErrors.push(String(e)));
page.setDefaultTimeout(15000);

const h1 = async () => (await page.locator("h1").first().textContent()).trim();
const flash = async () => (await page.locator(".flash.ok").first().textContent()) ?? "";
const go = async (path) => page.goto(`${BASE}${path}`);
const secret = async () => (await page.locator("code.token").first().textContent()).trim();

try {
	await go("/admin/login");
	await page.fill("#email", ADMIN_EMAIL);
	await page.fill("#password", ADMIN_PASSWORD);
	await page.click("button[type=submit]");
	ok(await h1() === "Dashboard", "logged in");

	// Every list: sidebar filters, sort by a column, per page, CSV.
	for (const [path, title, sortcol] of [
	    ["/admin/tenants", "Tenants", "Tenant id"],
	    ["/admin/marketplaces", "Marketplaces", "Hub"],
	    ["/admin/providers", "Providers", "E-mail"],
	    ["/admin/apps", "Apps", "Stack"],
	    ["/admin/listings", "Listings", "State"],
	    ["/admin/admins", "Admins", "State"],
	    ["/admin/tenant-apps", "Tenant apps", "Marketplace"]]) {
		await go(path);
		ok(await h1() === title, `${title}: the list`);
		ok(await page.locator("aside.sidebar form.filters").count() === 1,
		    `${title}: filters in a sidebar`);
		await page.locator("table.list th a", { hasText: sortcol }).click();
		ok(page.url().includes("sort="), `${title}: sorted by ${sortcol}`);
		await page.locator("p.per a", { hasText: /^10$/ }).click();
		ok(page.url().includes("per=10"), `${title}: 10 a page`);
		const csv = await page.locator("#export-csv").getAttribute("href");
		if (csv) {
			const res = await page.request.get(`${BASE}${csv}`);
			ok(res.status() === 200 && (res.headers()["content-type"] ?? "")
			    .startsWith("text/csv"), `${title}: CSV export`);
		}
		await shot(page, `list-${path.split("/").pop()}`);
	}
	// Filter: the tenants of the walk's marketplace, by search.
	await go("/admin/tenants");
	await page.fill("#q", sfx);
	await page.click("form.filters button[type=submit]");
	ok(await page.locator("table.list tbody tr").count() === 1,
	    "the sidebar search finds the tenant");

	// Times: local in the browser, UTC on hover.
	const t = page.locator("table.list time").first();
	const title = await t.getAttribute("title");
	const text = (await t.textContent()).trim();
	ok(/ UTC$/.test(title ?? "") && !/ UTC$/.test(text) && /E[SD]T/.test(text),
	    "times show in the browser's time zone, UTC on hover", [text, title]);

	// Providers: create (secret once), edit, rotate.
	await go("/admin/providers");
	await page.locator(".titlebar a", { hasText: "New provider" }).click();
	await shot(page, "provider-new");
	await page.fill("#nid", `Not A Slug ${sfx}`);
	await page.fill("[name=name]", "Fresh provider");
	await page.fill("#email", `fresh-${sfx}@example.com`);
	await page.click("form.edit button[type=submit]");
	ok(await page.locator(".field.has-error #nid").count() === 1 &&
	    await page.inputValue("#email") === `fresh-${sfx}@example.com`,
	    "a bad nid: the error beside the field, the input kept");
	await shot(page, "provider-new-error");
	await page.fill("#nid", `new-${sfx}`);
	await page.click("form.edit button[type=submit]");
	ok(await h1() === "Provider created", "the provider is created");
	const psec = await secret();
	ok(psec.length >= 32, "its secret is shown once");
	await shot(page, "provider-secret");
	await page.locator("a", { hasText: "Go to the provider" }).click();
	await shot(page, "provider-show");
	await page.locator(".titlebar a", { hasText: "Edit" }).click();
	await page.fill("[name=name]", `Fresh provider ${sfx}`);
	await shot(page, "provider-edit");
	await page.click("form.edit button[type=submit]");
	ok((await flash()).includes("Saved"), "the provider is edited");
	await page.locator(".titlebar a", { hasText: "Rotate secret" }).click();
	await shot(page, "confirm");
	await page.click("form.confirm button.danger");
	ok(await h1() === "New provider secret" && (await secret()) !== psec,
	    "the provider's secret is rotated, the new one shown once");

	// A marketplace: certificate, history, endpoints with an error first.
	await go(`/admin/marketplaces?q=${MKT}`);
	await page.locator("table.list a", { hasText: MKT }).first().click();
	ok((await h1()) === `Marketplace ${MKT}`, "the marketplace page");
	ok(await page.locator("dl.cert dt", { hasText: "SHA-256 fingerprint" }).count() === 1,
	    "the current certificate with its fingerprints");
	ok(await page.locator("h2", { hasText: "Certificate history" }).count() === 1,
	    "its certificate history");
	await shot(page, "marketplace-show");
	await page.locator(".titlebar a", { hasText: "Edit endpoints" }).click();
	await page.fill("[name='endpoints.hub']", "http://insecure.test");
	await page.click("form.edit button[type=submit]");
	ok(await page.locator(".field.has-error [name='endpoints.hub']").count() === 1,
	    "an http hub: the error beside the field, as the API says");
	await shot(page, "marketplace-edit-error");
	await page.fill("[name='endpoints.hub']", `https://hub2.${MKT}.test`);
	await page.fill("[name='endpoints.connec']", `https://connec.${MKT}.test`);
	await page.click("form.edit button[type=submit]");
	ok((await flash()).includes("Saved"), "the endpoints are saved");

	// The tenant's apps: breadcrumbs, search in the live apps, a relation.
	await go(`/admin/tenants/${tenantId}/apps`);
	const crumbs = (await page.locator("nav.crumbs").textContent()).replace(/\s+/g, " ");
	ok(crumbs.includes(`Partners`) && crumbs.includes(`Tenants`) &&
	    crumbs.includes(TENANT) && crumbs.includes("Tenant apps"),
	    "breadcrumbs: Partners > Tenants > the tenant > Tenant apps", crumbs);
	await page.fill("#q", APP.nid);
	await page.click("form.filters button[type=submit]");
	ok(await page.locator("form.bulkform tbody tr").count() === 1,
	    "the live apps are searched");
	await page.locator("a", { hasText: "New Tenant app" }).click();
	const cb = await page.locator("input[name=featured]").boundingBox();
	const lb = await page.locator(".field.check label").boundingBox();
	ok(cb && lb && cb.width < 40 && Math.abs((cb.y + cb.height / 2) -
	    (lb.y + lb.height / 2)) < 6, "the Featured checkbox sits by its label", [cb, lb]);
	await page.selectOption("#app", { label: APP.name });
	await page.check("input[name=featured]");
	await shot(page, "tenant-app-new");
	await page.click("form.edit button[type=submit]");
	ok((await flash()).includes("Created"), "the tenant app is created");
	await shot(page, "tenant-apps");

	// Textareas as wide as inputs (the tenant form).
	await go(`/admin/tenants/${tenantId}/edit`);
	const ib = await page.locator("#name").boundingBox();
	const tb = await page.locator("#metadata").boundingBox();
	ok(ib && tb && Math.abs(ib.width - tb.width) < 2,
	    "textareas are as wide as the inputs", [ib?.width, tb?.width]);

	// The dashboard: a sentence, the JSON one click away.
	await go("/admin");
	const li = page.locator("ol.activity li", { hasText: `for ${TENANT}` }).first();
	ok((await li.textContent()).includes(`enabled ${APP.name} for ${TENANT}`),
	    "the dashboard reads: enabled the app for the tenant");
	await li.locator("summary").click();
	ok(await li.locator("pre.json.after").isVisible(), "its JSON is one click away");
	await shot(page, "dashboard");

	// The audit log filtered by action; the tenant's trail.
	await go("/admin/audit");
	await page.fill("#action", "tenant_app.create");
	await page.click("form.filters button[type=submit]");
	const acts = await page.locator("table.list tbody td:nth-child(3)").allTextContents();
	ok(acts.length > 0 && acts.every((a) => a === "tenant_app.create"),
	    "the audit log filtered by action", acts.slice(0, 3));
	await shot(page, "audit");

	// A listing: unpublish, then republish.
	await go(`/admin/listings/${listingId}`);
	await page.fill("form[action$='/unpublish'] #note", "maintenance");
	await page.click("form[action$='/unpublish'] button");
	ok((await flash()).includes("Unpublished"), "the listing is unpublished");
	await shot(page, "listing-unpublished");
	await page.click("form[action$='/approve'] button");
	ok((await flash()).includes("Republished"), "and republished");

	// Delete the tenant: its tenant apps are listed first.
	await go(`/admin/tenants/${tenantId}`);
	await shot(page, "tenant-show");
	await page.locator(".titlebar a", { hasText: "Delete" }).click();
	ok((await page.locator("ul.doomed").textContent()).includes(APP.name),
	    "delete lists the tenant's apps first");
	await shot(page, "tenant-delete-confirm");
	await page.click("form.confirm button.danger");
	ok((await flash()).includes("Deleted"), "the tenant is deleted");

	// Admins: create, token (expiry, once, revoke), reset, disable.
	await go("/admin/admins");
	await page.locator(".titlebar a", { hasText: "New admin" }).click();
	await page.fill("#email", `ops-${sfx}@agora.test`);
	await page.click("form.edit button[type=submit]");
	ok(await h1() === "Admin created" && (await secret()).length > 16,
	    "an admin is created, its first password shown once");
	await page.locator("a", { hasText: "Go to the admin" }).click();
	await page.fill("#label", "ci");
	await page.fill("#expires_days", "7");
	await page.click("form.inline button[type=submit]");
	const tok = await secret();
	let r = await api("GET", "/api/v1/admin/tenants", { auth: "Bearer " + tok });
	ok(r.status === 200, "its API token works");
	await page.locator("a", { hasText: "Go to the admin" }).click();
	await shot(page, "admin-show");
	await page.locator("table.list a", { hasText: "Revoke" }).click();
	await page.click("form.confirm button.danger");
	ok((await flash()).includes("Revoked"), "the token is revoked");
	r = await api("GET", "/api/v1/admin/tenants", { auth: "Bearer " + tok });
	ok(r.status === 401, "and refused");
	await page.locator(".titlebar a", { hasText: "Reset password" }).click();
	await page.click("form.confirm button.danger");
	ok(await h1() === "New password", "the password is reset, shown once");
	await page.locator("a", { hasText: "Go to the admin" }).click();
	await page.locator(".titlebar a", { hasText: "Disable" }).click();
	await page.click("form.confirm button.danger");
	ok((await flash()).includes("disabled"), "the admin is disabled");
	await page.locator(".titlebar a", { hasText: "Enable" }).click();
	await page.click("form.confirm button.danger");
	ok((await flash()).includes("enabled"), "and enabled again");

	ok(consoleErrors.length === 0, "no console errors (CSP violations) on any page",
	    consoleErrors);
} catch (e) {
	ok(false, "the walk", String(e).slice(0, 500));
	try { await shot(page, "failure"); } catch { /* ignore */ }
}
await ctx.close();
rmSync(udd, { recursive: true, force: true });
finish();
