// The admin console in headless Chromium, walking the original flow as an
// admin would: log in, Partners > Tenants, set the tenant's metadata to
// "app_management": "tenant", Partners > Tenant apps, create three
// relations, edit one, delete one; then the tenant's catalog
// (GET /api/mnoe/v2/apps over HTTPS as the tenant) is exactly the two
// remaining apps in the chosen order.
//
// Environment (as for the integration tests): BASE, CACERT, AGORACTL,
// ADMIN_EMAIL, ADMIN_PASSWORD, ADMIN_TOKEN (PREFIX is optional).
// Output: TAP, then "N passed, N failed". Screenshots go to the
// directory printed first.
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from "node:fs";
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

// HTTPS against the stack, trusting its CA. Returns {status, json, headers}.
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
				resolve({ status: res.statusCode, json,
				    headers: res.headers, text: buf });
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
    "agora-console-"));
console.log(`# screenshots in ${shots}`);
let shotn = 0;
const shot = async (page, name) => {
	shotn++;
	await page.screenshot({ path: join(shots,
	    `${String(shotn).padStart(2, "0")}-${name}.png`), fullPage: true });
};

// --- Data: a marketplace, a provider, three live apps, a tenant. ---
const sfx = Math.random().toString(16).slice(2, 8);
const MKT = `brw-${sfx}`;
const APPS = [
	{ nid: `alpha-${sfx}`, name: `Alpha ${sfx}` },
	{ nid: `bravo-${sfx}`, name: `Bravo ${sfx}` },
	{ nid: `charlie-${sfx}`, name: `Charlie ${sfx}` },
];
const TENANT = `Browser tenant ${sfx}`;

let tenant, tenantKey;
try {
	const rt = execFileSync(AGORACTL, ["registration-token", "create",
	    "-l", "t0450", "-e", "1h"], { encoding: "utf8" }).trim();
	let r = await api("POST", "/api/v1/marketplaces", {
		auth: "Bearer " + rt, body: { nid: MKT, name: `Browser ${sfx}`,
		environment: "production",
		endpoints: { hub: `https://hub.${MKT}.test` } } });
	ok(r.status === 201 || r.status === 200,
	    "setup: the marketplace registers", r.json);
	r = await api("POST", "/api/v1/admin/providers", { auth: admin,
	    body: { nid: `prov-${sfx}`, name: "Browser provider",
	    email: `p-${sfx}@example.com` } });
	ok(r.status === 201, "setup: a provider", r.json);
	const pauth = basic(r.json.api_key, r.json.api_secret);
	for (const a of APPS) {
		r = await api("POST", "/api/v1/apps", { auth: pauth,
		    body: { nid: a.nid, name: a.name,
		    description: `The ${a.name} app` } });
		ok(r.status === 201, `setup: app ${a.name}`, r.json);
		a.id = r.json.id;
		r = await api("POST", `/api/v1/apps/${a.id}/listings`,
		    { auth: pauth, body: { marketplace: MKT } });
		ok(r.status === 201 || r.status === 200,
		    `setup: ${a.name} asks for a listing`, r.json);
		r = await api("POST", `/api/v1/admin/listings/${r.json.id}/approve`,
		    { auth: admin, body: {} });
		ok(r.status === 200 && r.json.state === "approved",
		    `setup: ${a.name} is live`, r.json);
	}
	r = await api("POST", "/api/v1/admin/tenants", { auth: admin,
	    body: { marketplace: MKT, name: TENANT } });
	ok(r.status === 201, "setup: a tenant", r.json);
	tenant = r.json;
	tenantKey = r.json.key;
	if (!tenantKey) {
		r = await api("POST", `/api/v1/admin/tenants/${tenant.id}/rotate-key`,
		    { auth: admin });
		tenantKey = r.json?.key;
	}
	ok(typeof tenantKey === "string" && tenantKey.length > 0,
	    "setup: the tenant's key is known");
} catch (e) {
	ok(false, "setup through the APIs", String(e));
	finish();
}
const tauth = basic(tenant.uid, tenantKey);
const before = await api("GET", "/api/mnoe/v2/tenant", { auth: tauth });

// --- The browser. ---
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
		viewport: { width: 1280, height: 900 },
	});
	page = ctx.pages()[0] ?? await ctx.newPage();
} catch (e) {
	ok(false, "headless Chromium starts", String(e).slice(0, 500));
	finish();
}
const consoleErrors = [];
// Script errors and CSP violations; an HTTP error status the flow causes
// on purpose (the invalid JSON is a 400) is not one.
page.on("console", (m) => {
	if (m.type() === "error" && !m.text().startsWith("Failed to load resource"))
		consoleErrors.push(m.text());
});
page.on("response", (res) => {
	if (res.status() === 404) consoleErrors.push(`404 ${res.url()}`);
});
page.on("pageerror", (e) => consoleErrors.push(String(e)));
page.setDefaultTimeout(15000);

const h1 = async () => (await page.locator("h1").first().textContent()).trim();
const menu = async (group, item) => {
	await page.locator("nav.menu .group > span", { hasText: group }).hover();
	await page.locator("nav.menu .group a", { hasText: item }).click();
};

try {
	// Log in.
	await page.goto(`${BASE}/admin`);
	ok(page.url().endsWith("/admin/login"), "an anonymous visit lands on the login page");
	await shot(page, "login");
	await page.fill("#email", ADMIN_EMAIL);
	await page.fill("#password", ADMIN_PASSWORD);
	await page.click("button[type=submit]");
	ok(await h1() === "Dashboard", "logged in: the dashboard");
	const cookies = await ctx.cookies();
	const sc = cookies.find((c) => c.name === "__Host-agora_session");
	ok(sc && sc.httpOnly && sc.secure && sc.sameSite === "Strict",
	    "the session cookie is HttpOnly, Secure, SameSite=Strict", sc);
	ok(await page.evaluate(() => document.cookie) === "",
	    "scripts cannot read the session cookie");
	await shot(page, "dashboard");

	// Partners > Tenants, find the tenant, edit its metadata.
	await menu("Partners", "Tenants");
	ok(await h1() === "Tenants", "Partners > Tenants");
	await page.fill("#q", sfx);
	await page.click("form.filters button[type=submit]");
	const rows = page.locator("table.list tbody tr");
	ok(await rows.count() === 1, "the search finds the tenant");
	await shot(page, "tenants");
	await rows.first().locator("a", { hasText: "Edit" }).click();
	ok((await h1()).startsWith("Edit tenant"), "the tenant edit form");
	const meta = JSON.parse(await page.inputValue("#metadata"));
	meta.app_management = "tenant";
	// A mistake first: the error shows beside the field, input kept.
	await page.fill("#metadata", "{\"app_management\": \"tenant\"");
	await page.click("form.edit button[type=submit]");
	ok(await page.locator(".field.has-error #metadata").count() === 1,
	    "invalid JSON: the error is beside the metadata field");
	ok(await page.inputValue("#metadata") === "{\"app_management\": \"tenant\"",
	    "invalid JSON: the input is kept");
	await shot(page, "tenant-edit-error");
	await page.fill("#metadata", JSON.stringify(meta, null, 2));
	await page.click("form.edit button[type=submit]");
	ok((await page.locator(".flash.ok").textContent()).includes("Saved"),
	    "the metadata is saved");
	ok((await page.locator("pre.metadata").textContent())
	    .includes("\"app_management\": \"tenant\""),
	    "the tenant shows \"app_management\": \"tenant\"");
	await shot(page, "tenant-show");

	// Partners > Tenant apps: three relations through "New Tenant app".
	await menu("Partners", "Tenant apps");
	ok(await h1() === "Tenant apps", "Partners > Tenant apps");
	await page.locator("table.list a", { hasText: TENANT }).click();
	ok((await h1()) === `Tenant apps of ${TENANT}`, "the tenant's apps");
	await shot(page, "tenant-apps-empty");
	const ranks = { [APPS[0].name]: "3", [APPS[1].name]: "1",
	    [APPS[2].name]: "2" };
	for (const a of APPS) {
		const btn = page.locator(".titlebar .actions a",
		    { hasText: "New Tenant app" });
		const box = await btn.boundingBox();
		ok(box && box.x > 640, "\"New Tenant app\" is at the top right");
		await btn.click();
		ok((await h1()).startsWith("New tenant app"), "the new tenant app form");
		await page.selectOption("#app", { label: a.name });
		await page.fill("#rank", ranks[a.name]);
		if (a === APPS[1])
			await page.check("input[name=featured]");
		if (a === APPS[0])
			await shot(page, "tenant-app-new");
		await page.click("form.edit button[type=submit]");
		ok((await page.locator(".flash.ok").textContent()).includes("Created"),
		    `created the relation with ${a.name}`);
	}
	const appRows = page.locator("table.list").first().locator("tbody tr");
	ok(await appRows.count() === 3, "three tenant apps are listed");
	await shot(page, "tenant-apps-three");

	// Edit one (Charlie's rank 2 -> 5), delete one (Alpha).
	await appRows.filter({ hasText: APPS[2].name }).locator("a",
	    { hasText: "Edit" }).click();
	ok((await h1()).startsWith("Edit tenant app"), "the tenant app edit form");
	ok(await page.inputValue("#rank") === "2", "the form shows the current rank");
	await page.fill("#rank", "5");
	await shot(page, "tenant-app-edit");
	await page.click("form.edit button[type=submit]");
	ok((await page.locator(".flash.ok").textContent()).includes("Saved"),
	    "the rank is saved");
	await appRows.filter({ hasText: APPS[0].name }).locator("a",
	    { hasText: "Delete" }).click();
	ok((await h1()) === "Delete tenant app", "delete asks first");
	await shot(page, "tenant-app-delete-confirm");
	await page.click("form.confirm button.danger");
	ok((await page.locator(".flash.ok").textContent()).includes("Deleted"),
	    "the relation is deleted");
	ok(await appRows.count() === 2, "two tenant apps are left");
	const shown = await appRows.locator("td:first-child").allTextContents();
	ok(JSON.stringify(shown) === JSON.stringify([APPS[1].name, APPS[2].name]),
	    "the console lists them by rank", shown);
	await shot(page, "tenant-apps-final");

	// The audit log shows the admin's changes.
	await page.goto(`${BASE}/admin/audit?target=tenant_app`);
	ok(await page.locator("table.list tbody tr").count() >= 5,
	    "the audit log has the five tenant app changes");
	await shot(page, "audit");

	// No CSP violation or script error on any page.
	ok(consoleErrors.length === 0, "no console errors (CSP violations) on any page",
	    consoleErrors);

	// Log out: the old session is gone.
	await page.click(".who button");
	ok(page.url().includes("/admin/login"), "logout lands on the login page");
	await page.goto(`${BASE}/admin/tenants`);
	ok(page.url().endsWith("/admin/login"), "after logout the console asks for a login");
} catch (e) {
	ok(false, "the browser flow", String(e).slice(0, 500));
	try { await shot(page, "failure"); } catch { /* ignore */ }
}
await ctx.close();
rmSync(udd, { recursive: true, force: true });

// --- The tenant's catalog, as its express frontend sees it. ---
const cat = await api("GET", "/api/mnoe/v2/apps", { auth: tauth });
ok(cat.status === 200, "GET /api/mnoe/v2/apps as the tenant", cat.text?.slice(0, 300));
const names = (cat.json?.data ?? []).map((d) => d.attributes?.name);
ok(JSON.stringify(names) === JSON.stringify([APPS[1].name, APPS[2].name]),
    "the catalog is exactly the two remaining apps, in rank order", names);
ok(cat.json?.meta?.record_count === 2, "record_count is 2", cat.json?.meta);
const after = await api("GET", "/api/mnoe/v2/tenant", { auth: tauth });
const upd = (x) => x.json?.data?.attributes?.updated_at;
ok(upd(after) && upd(after) !== upd(before), "the tenant's updated_at moved",
    [upd(before), upd(after)]);
finish();
